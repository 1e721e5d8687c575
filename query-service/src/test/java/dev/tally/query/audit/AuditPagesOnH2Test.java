package dev.tally.query.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.query.ViewsOnH2;
import dev.tally.query.web.TenantSql;
import dev.tally.testsupport.H2RowsRead;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit API's pages on H2, the standalone server's database, over a history shaped like a real one: most rows are
 * machine tokens' issuance records that name no user, session or family, so H2's own statistics rate those columns
 * as unselective. Every filter pages through exactly its selection, in order, both ways; and a page reads about the
 * rows it answers from the filter's index, not every row of the tenant (or of the event type) stored before it.
 */
class AuditPagesOnH2Test {
    private static final Instant START = Instant.parse("2026-12-06T00:00:00Z");
    private static final int TENANTS = 40;
    private static final int ROWS = 160_000;
    private DataSource ds;
    private AuditRepository repository;
    private final List<AuditRow> all = new ArrayList<>();

    @BeforeEach
    void history() {
        ds = ViewsOnH2.migrated("audit-pages");
        repository = new AuditRepository(new JdbcTemplate(ds));
        List<AuditRow> batch = new ArrayList<>();
        for (int p = 1; p <= ROWS; p++) {
            AuditRow row = row(p % TENANTS == 0 ? "acme" : "other-" + p % TENANTS, p, p / TENANTS);
            all.add(row);
            batch.add(row);
            if (batch.size() == 1_000) {
                repository.insertAll(batch);
                batch.clear();
            }
        }
        repository.insertAll(batch);
    }

    /**
     * Forty tenants' histories interleaved, as in a shared store. In each, nine in ten rows are client-credentials
     * tokens (a client, no user); the rest a user's refresh rotations and their access tokens, in 8 families of 4
     * users, and now and then a login. {@code n} counts the tenant's own rows.
     */
    private static AuditRow row(String tenant, long p, long n) {
        Instant at = START.plusSeconds(p);
        if (n % 10 != 0) {
            return new AuditRow(tenant, p, "e" + p, "AccessTokenIssued", at, null, "machine-" + n % 3, null, null,
                    "jti-" + p, "{}");
        }
        long family = n / 10 % 8;
        String user = "user-" + family % 4;
        String session = "session-" + family;
        String type = n % 30 == 0 ? "TokenRotated" : n % 50 == 0 ? "SessionStarted" : "AccessTokenIssued";
        return new AuditRow(tenant, p, "e" + p, type, at, user, "web", session, "rtf_" + family,
                "AccessTokenIssued".equals(type) ? "jti-" + p : null, "{}");
    }

    private static AuditFilter filter(String user, String client, String session, String family, String jti,
                                      List<String> types, Instant from, Instant to) {
        return new AuditFilter("acme", user, client, session, family, jti, types, from, to);
    }

    @Test
    void everyFilterPagesThroughExactlyItsSelectionInOrderBothWays() {
        Instant from = START.plusSeconds(35_000);
        Instant to = START.plusSeconds(117_000);
        List<AuditFilter> filters = List.of(
                filter(null, null, null, null, null, List.of(), null, null),
                filter("user-3", null, null, null, null, List.of(), null, null),
                filter(null, "web", null, null, null, List.of(), null, null),
                filter(null, null, "session-5", null, null, List.of(), null, null),
                filter(null, null, null, "rtf_6", null, List.of(), null, null),
                filter(null, null, null, null, "jti-44440", List.of(), null, null),
                filter(null, null, null, null, null, List.of("TokenRotated"), null, null),
                filter(null, null, null, null, null, List.of("TokenRotated", "SessionStarted"), null, null),
                filter("user-3", null, null, null, null, List.of("TokenRotated"), null, null),
                filter(null, "web", null, "rtf_6", null, List.of("AccessTokenIssued"), from, to),
                filter(null, null, null, "rtf_6", null, List.of(), from, to),
                filter(null, null, null, null, null, List.of(), from, to),
                filter("nobody", null, null, null, null, List.of(), null, null));
        long through = ROWS - 7;
        for (AuditFilter f : filters) {
            List<Long> expected = all.stream().filter(matches(f)).filter(r -> r.position() <= through)
                    .map(AuditRow::position).toList();

            List<Long> newestFirst = pageThrough(before -> repository.newestFirst(f, before, through, 37), 37);
            List<Long> oldestFirst = pageThrough(after -> repository.oldestFirst(f, after, through, 37), 37);

            assertThat(oldestFirst).as("oldest first: %s", f).containsExactlyElementsOf(expected);
            assertThat(newestFirst).as("newest first: %s", f)
                    .containsExactlyElementsOf(expected.stream().sorted(Comparator.reverseOrder()).toList());
        }
        assertThat(all.stream().filter(matches(filters.get(9))).count()).as("the narrowest filter selects some rows")
                .isPositive();
    }

    @Test
    void aPageReadsAboutTheRowsItAnswersFromItsFiltersIndex() throws SQLException {
        long through = ROWS;
        Long before = (long) ROWS - 8_000;
        int acme = (int) all.stream().filter(r -> r.tenantId().equals("acme")).count();
        record Case(String name, AuditFilter filter, int mostRead) {
        }
        List<Case> cases = List.of(
                new Case("the tenant's newest", filter(null, null, null, null, null, List.of(), null, null), 110),
                new Case("a family", filter(null, null, null, "rtf_6", null, List.of(), null, null), 110),
                new Case("a user", filter("user-3", null, null, null, null, List.of(), null, null), 110),
                new Case("a session", filter(null, null, "session-5", null, null, List.of(), null, null), 110),
                new Case("a client", filter(null, "web", null, null, null, List.of(), null, null), 110),
                new Case("an event type", filter(null, null, null, null, null, List.of("TokenRotated"), null, null), 110),
                new Case("the commonest event type", filter(null, null, null, null, null, List.of("AccessTokenIssued"),
                        null, null), 110),
                new Case("a user's rotations", filter("user-3", null, null, null, null, List.of("TokenRotated"), null,
                        null), 400));
        for (Case c : cases) {
            TenantSql page = AuditRepository.newestFirstQuery(c.filter(), before, through, 101);
            assertThat(scanned(page)).as("rows read for a page of %s", c.name()).isLessThanOrEqualTo(c.mostRead());
            TenantSql oldest = AuditRepository.oldestFirstQuery(c.filter(), 8_000L, through, 101);
            assertThat(scanned(oldest)).as("rows read for an oldest-first page of %s", c.name())
                    .isLessThanOrEqualTo(c.mostRead());
        }
        // The form before, ordered by position alone: H2 walked the index in order and filtered, but read every
        // matching row below the cursor before it applied the limit. For the tenant's newest page, every row of it.
        for (AuditFilter f : List.of(filter(null, null, null, null, null, List.of(), null, null),
                filter(null, null, null, null, null, List.of("AccessTokenIssued"), null, null))) {
            TenantSql page = AuditRepository.newestFirstQuery(f, before, through, 101);
            assertThat(scanned(byPositionAlone(page), page.params())).as("ordered by position alone: %s", f)
                    .isGreaterThan(acme / 2);
        }
    }

    /** Every position a selection answers, page by page, each page's last position the next page's cursor. */
    private static List<Long> pageThrough(Function<Long, List<AuditRow>> page, int limit) {
        List<Long> positions = new ArrayList<>();
        Long cursor = null;
        while (true) {
            List<AuditRow> rows = page.apply(cursor);
            rows.forEach(r -> positions.add(r.position()));
            if (rows.size() < limit) {
                return positions;
            }
            cursor = rows.get(rows.size() - 1).position();
        }
    }

    private static String byPositionAlone(TenantSql q) {
        return q.sql().replaceAll("ORDER BY .* LIMIT", "ORDER BY position DESC LIMIT");
    }

    private int scanned(TenantSql q) throws SQLException {
        return scanned(q.sql(), q.params());
    }

    private int scanned(String sql, Object[] params) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return H2RowsRead.of(c, sql, params);
        }
    }

    private static Predicate<AuditRow> matches(AuditFilter f) {
        return r -> r.tenantId().equals(f.tenantId())
                && (f.userId() == null || f.userId().equals(r.userId()))
                && (f.clientId() == null || f.clientId().equals(r.clientId()))
                && (f.sessionId() == null || f.sessionId().equals(r.sessionId()))
                && (f.familyId() == null || f.familyId().equals(r.familyId()))
                && (f.jti() == null || f.jti().equals(r.jti()))
                && (f.types().isEmpty() || f.types().contains(r.type()))
                && (f.from() == null || !r.occurredAt().isBefore(f.from()))
                && (f.to() == null || r.occurredAt().isBefore(f.to()));
    }
}
