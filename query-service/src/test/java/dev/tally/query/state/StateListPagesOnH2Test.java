package dev.tally.query.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.query.ViewsOnH2;
import dev.tally.query.state.StateRepository.Keyset;
import dev.tally.query.web.TenantSql;
import dev.tally.testsupport.H2RowsRead;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The lists of sessions and refresh token families on H2, the standalone server's database: paging by the keyset
 * answers every row of the selection once, newest first (ties on the start broken by the id), and a page reads about
 * the rows it answers, not every session of the user or of the tenant.
 */
class StateListPagesOnH2Test {
    private static final Instant START = Instant.parse("2026-12-06T00:00:00Z");
    private static final int SESSIONS = 12_000;
    private DataSource ds;
    private StateRepository repository;
    private final List<Row> sessions = new ArrayList<>();
    private final List<Row> families = new ArrayList<>();

    record Row(String tenant, String id, String user, String session, Instant startedAt) {
    }

    @BeforeEach
    void views() {
        ds = ViewsOnH2.migrated("state-pages");
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        repository = new StateRepository(jdbc);
        List<Object[]> sessionRows = new ArrayList<>();
        List<Object[]> familyRows = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            String tenant = i % 4 == 0 ? "globex" : "acme";
            // starts repeat (every three sessions share one), so the id decides the order among them
            Instant started = START.plusSeconds(i / 3);
            String user = i % 10 == 0 ? "robot" : "user-" + i % 7;
            String session = "ses_" + UUID.randomUUID();
            sessions.add(new Row(tenant, session, user, null, started));
            Timestamp at = Timestamp.from(started);
            sessionRows.add(new Object[] {tenant, session, user, at, at, at, at});
            for (int f = 0; f < 2; f++) {
                String family = "rtf_" + UUID.randomUUID();
                Instant familyStart = started.plusSeconds(f);
                families.add(new Row(tenant, family, user, session, familyStart));
                Timestamp familyAt = Timestamp.from(familyStart);
                familyRows.add(new Object[] {tenant, family, user, session, familyAt, familyAt});
            }
        }
        jdbc.batchUpdate("INSERT INTO session_view (tenant_id, session_id, user_id, client_id, status, started_at, "
                + "idle_timeout, absolute_timeout, idle_deadline, absolute_deadline, last_activity_at, last_position) "
                + "VALUES (?, ?, ?, 'web', 'active', ?, 60, 3600, ?, ?, ?, 1)", sessionRows);
        jdbc.batchUpdate("INSERT INTO refresh_family_view (tenant_id, family_id, user_id, client_id, session_id, status, "
                + "generation, rotation, absolute_lifetime, idle_lifetime, leeway, started_at, expires_at, last_position) "
                + "VALUES (?, ?, ?, 'web', ?, 'active', 1, 'rotate', 3600, 0, 0, ?, ?, 1)", familyRows);
    }

    @Test
    void pagingByTheKeysetAnswersEverySelectedRowOnceNewestFirst() {
        String oneSession = sessions.get(4_001).id();
        check(sessions, r -> r.tenant().equals("acme"), (before, limit) -> repository.sessions("acme", null, before,
                limit).stream().map(s -> new Keyset(s.startedAt(), s.sessionId())).toList());
        check(sessions, r -> r.tenant().equals("acme") && r.user().equals("robot"), (before, limit) ->
                repository.sessions("acme", "robot", before, limit).stream()
                        .map(s -> new Keyset(s.startedAt(), s.sessionId())).toList());
        Function<FamilyState, Keyset> familyKey = f -> new Keyset(f.startedAt(), f.familyId());
        check(families, r -> r.tenant().equals("acme"), (before, limit) -> repository.families("acme", null, null,
                before, limit).stream().map(familyKey).toList());
        check(families, r -> r.tenant().equals("acme") && r.user().equals("user-3"), (before, limit) ->
                repository.families("acme", "user-3", null, before, limit).stream().map(familyKey).toList());
        check(families, r -> r.tenant().equals("acme") && r.session().equals(oneSession), (before, limit) ->
                repository.families("acme", null, oneSession, before, limit).stream().map(familyKey).toList());
        check(families, r -> r.tenant().equals("acme") && r.user().equals("robot") && r.session().equals(oneSession),
                (before, limit) -> repository.families("acme", "robot", oneSession, before, limit).stream()
                        .map(familyKey).toList());
    }

    private static void check(List<Row> all, java.util.function.Predicate<Row> selected,
                              java.util.function.BiFunction<Keyset, Integer, List<Keyset>> pages) {
        List<String> expected = all.stream().filter(selected)
                .sorted(Comparator.comparing(Row::startedAt).thenComparing(Row::id).reversed())
                .map(Row::id).toList();
        List<String> seen = new ArrayList<>();
        Keyset before = null;
        while (true) {
            List<Keyset> page = pages.apply(before, 41);
            page.forEach(k -> seen.add(k.id()));
            if (page.size() < 41) {
                break;
            }
            before = page.get(page.size() - 1);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aPageReadsAboutTheRowsItAnswers() throws SQLException {
        Row middle = sessions.get(SESSIONS / 2);
        Keyset before = new Keyset(middle.startedAt(), middle.id());
        List<TenantSql> pages = List.of(
                StateRepository.sessionsQuery("acme", null, before, 101),
                StateRepository.sessionsQuery("acme", "robot", before, 101),
                StateRepository.sessionsQuery("acme", "robot", null, 101),
                StateRepository.familiesQuery("acme", null, null, before, 101),
                StateRepository.familiesQuery("acme", "robot", null, before, 101),
                StateRepository.familiesQuery("acme", null, middle.id(), null, 101));
        for (TenantSql page : pages) {
            assertThat(scanned(page.sql(), page.params())).as("rows read for %s", page.sql()).isLessThanOrEqualTo(110);
        }
        // Ordered by the start and id alone, and without the bare bound, as before: every session of the tenant
        // below the keyset is read and sorted.
        TenantSql tenantWide = StateRepository.sessionsQuery("acme", null, before, 101);
        String unordered = tenantWide.sql().replace("started_at <= ? AND ", "")
                .replace("ORDER BY tenant_id DESC, ", "ORDER BY ");
        Object[] params = tenantWide.params();
        List<Object> without = new ArrayList<>(List.of(params));
        without.remove(1);
        assertThat(scanned(unordered, without.toArray())).as("the tenant's sessions, ordered as before")
                .isGreaterThan(SESSIONS / 4);
    }

    private int scanned(String sql, Object[] params) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return H2RowsRead.of(c, sql, params);
        }
    }
}
