package dev.tally.query.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.query.ViewsOnH2;
import dev.tally.query.web.TenantSql;
import dev.tally.testsupport.H2RowsRead;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The revocation list's pages on H2, the standalone server's database: paging by the cursor answers every entry once,
 * in order, and a page reads about as many rows as it answers however long the tenant's log is.
 */
class RevocationLogPagesOnH2Test {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final int ENTRIES = 20_000;
    private DataSource ds;
    private RevocationRepository repository;

    @BeforeEach
    void log() {
        ds = ViewsOnH2.migrated("revocation-pages");
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        List<Object[]> rows = new ArrayList<>();
        for (int p = 1; p <= ENTRIES; p++) {
            rows.add(row("acme", p, 0, p % 7 == 0 ? NOW.minusSeconds(1) : NOW.plusSeconds(3600)));
            if (p % 10 == 0) {
                rows.add(row("acme", p, 1, null)); // a second entry of one event (a session and its family)
            }
            if (p % 20 == 0) {
                rows.add(row("globex", p, 0, NOW.plusSeconds(3600)));
            }
        }
        jdbc.batchUpdate("INSERT INTO revocation_log (tenant_id, position, ordinal, kind, ref_id, expires_at, "
                + "revoked_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, 'revoked')", rows);
        repository = new RevocationRepository(jdbc);
    }

    private static Object[] row(String tenant, long position, int ordinal, Instant expiresAt) {
        String kind = expiresAt == null ? "session" : "jti";
        return new Object[] {tenant, position, ordinal, kind, kind + "-" + position + "-" + ordinal,
                expiresAt == null ? null : Timestamp.from(expiresAt), Timestamp.from(NOW.minusSeconds(60))};
    }

    @Test
    void pagingByTheCursorAnswersEveryLiveEntryOnceInOrder() {
        List<String> seen = new ArrayList<>();
        long position = 0;
        int ordinal = 0;
        int pages = 0;
        while (true) {
            List<RevocationEntry> page = repository.after("acme", position, ordinal, Long.MAX_VALUE, NOW, 500);
            if (page.isEmpty()) {
                break;
            }
            pages++;
            for (RevocationEntry e : page) {
                seen.add(e.position() + "/" + e.ordinal());
            }
            RevocationEntry last = page.get(page.size() - 1);
            position = last.position();
            ordinal = last.ordinal();
        }
        List<String> expected = new ArrayList<>();
        for (int p = 1; p <= ENTRIES; p++) {
            if (p % 7 != 0) {
                expected.add(p + "/0"); // expired access tokens are left out
            }
            if (p % 10 == 0) {
                expected.add(p + "/1");
            }
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isGreaterThan(30);
        assertThat(repository.after("acme", 19_990, 0, 19_995, NOW, 100)).extracting(e -> e.position() + "/" + e.ordinal())
                .as("after an entry with a second one at its position, and up to the bound")
                .containsExactly("19990/1", "19991/0", "19993/0", "19994/0", "19995/0");
    }

    @Test
    void aPageReadsAboutTheRowsItAnswersNotTheTenantsWholeLog() throws SQLException {
        TenantSql page = RevocationRepository.afterQuery("acme", 19_000, 0, Long.MAX_VALUE, NOW, 100);
        String unbounded = page.sql().replace("position >= ? AND ", "").replace("ORDER BY tenant_id, ", "ORDER BY ");
        Object[] unboundedParams = withoutSecond(page.params());
        assertThat(scanned(page.sql(), page.params())).as("rows read for a page of 100 near the end")
                .isLessThanOrEqualTo(150);
        assertThat(scanned(unbounded, unboundedParams)).as("the cursor's OR alone, why the bare bound is there")
                .isGreaterThanOrEqualTo(ENTRIES);
    }

    private static Object[] withoutSecond(Object[] params) {
        List<Object> rest = new ArrayList<>(List.of(params));
        rest.remove(1);
        return rest.toArray();
    }

    private int scanned(String sql, Object[] params) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return H2RowsRead.of(c, sql, params);
        }
    }
}
