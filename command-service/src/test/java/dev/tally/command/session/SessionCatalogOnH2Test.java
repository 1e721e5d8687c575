package dev.tally.command.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tally.command.session.SessionCatalog.DueSession;
import dev.tally.command.session.SessionCatalog.SessionRow;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.platform.axon.UniqueViolation;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The session catalog on H2, the standalone server's database: the same migration and queries as on PostgreSQL
 * ({@link SessionsOnPostgresTest} covers that side).
 */
class SessionCatalogOnH2Test {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456Z");

    private JdbcTemplate jdbc;
    private SessionCatalog catalog;
    private SessionCatalogProjection projection;

    @BeforeEach
    void migrate() {
        DriverManagerDataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:sessions-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration/tally").load().migrate();
        jdbc = new JdbcTemplate(h2);
        catalog = new SessionCatalog(jdbc);
        projection = new SessionCatalogProjection(jdbc);
    }

    @Test
    void sessionsAreListedSweptAndEndedOnH2() {
        projection.on(started("ses_idle", "acme", "usr_a", 600, 3600));
        projection.on(started("ses_live", "acme", "usr_a", 1200, 3600));
        projection.on(started("ses_other", "globex", "usr_a", 600, 3600));
        projection.on(new SessionExtended("ses_live", "acme", "usr_a", "app-2", T0.plusSeconds(300), T0.plusSeconds(1500)));
        Instant now = T0.plusSeconds(700);

        assertThat(catalog.due(now, 500)).containsExactlyInAnyOrder(new DueSession("acme", "ses_idle"),
                new DueSession("globex", "ses_other"));
        assertThat(catalog.due(now, 1)).hasSize(1);
        assertThat(catalog.liveSessionsOfUser("acme", "usr_a", now)).extracting(SessionRow::sessionId).containsExactly("ses_live");
        assertThat(catalog.session("acme", "ses_live")).get().isEqualTo(new SessionRow("ses_live", "usr_a", "app",
                T0, T0.plusSeconds(300), T0.plusSeconds(1500), T0.plusSeconds(3600), null, null));
        assertThat(catalog.session("globex", "ses_live")).isEmpty();

        projection.on(new SessionExpired("ses_idle", "acme", "usr_a", SessionEndReason.IDLE, T0.plusSeconds(600), now));
        projection.on(new SessionRevoked("ses_live", "acme", "usr_a", SessionEndReason.ADMINISTRATOR, now));

        assertThat(catalog.due(now, 500)).containsExactly(new DueSession("globex", "ses_other"));
        assertThat(catalog.liveSessionsOfUser("acme", "usr_a", now)).isEmpty();
        assertThat(catalog.sessionsOfUser("acme", "usr_a")).extracting(SessionRow::sessionId, SessionRow::endedAt, SessionRow::endReason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ses_idle", T0.plusSeconds(600), "idle"),
                        org.assertj.core.groups.Tuple.tuple("ses_live", now, "administrator"));
    }

    @Test
    void aDuplicateEventIsRecognisedAsAUniqueViolationOnH2() {
        String insert = "INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier, payload, "
                + "payload_type, time_stamp) VALUES ('ses_1', 1, 'Session', ?, X'7b7d', 'x', 'now')";
        jdbc.update(insert, "e1");

        Throwable duplicate = catchThrowable(() -> jdbc.update(insert, "e2"));

        assertThat(UniqueViolation.in(duplicate)).isTrue();
        assertThat(UniqueViolation.in(catchThrowable(() -> jdbc.update(
                "INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, event_identifier, payload_type, time_stamp) "
                        + "VALUES ('ses_2', 0, 'e3', 'x', 'now')")))).as("a missing payload is no race").isFalse();
    }

    private static SessionStarted started(String id, String tenant, String user, long idle, long absolute) {
        return new SessionStarted(id, tenant, user, "app", "ab".repeat(32), T0, idle, absolute, T0.plusSeconds(idle),
                T0.plusSeconds(absolute));
    }
}
