package dev.tally.token.clientauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The jti table as two nodes over one database see it (H2 here; PostgreSQL in distributed-tests). */
class AssertionReplayTest {
    static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    final MutableClock clock = new MutableClock(T0);
    JdbcTemplate jdbc;
    AssertionReplay nodeA;
    AssertionReplay nodeB;

    @BeforeEach
    void migrate() {
        String url = "jdbc:h2:mem:assertion-replay-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration/tally").load().migrate();
        jdbc = new JdbcTemplate(new DriverManagerDataSource(url, "sa", ""));
        nodeA = new AssertionReplay(new JdbcTemplate(new DriverManagerDataSource(url, "sa", "")), clock);
        nodeB = new AssertionReplay(new JdbcTemplate(new DriverManagerDataSource(url, "sa", "")), clock);
    }

    @Test
    void aJtiUsedOnOneNodeIsAReplayOnTheOtherForTheSameClientOnly() {
        Instant until = T0.plusSeconds(90);

        assertThat(nodeA.firstUse("acme", "svc", "jti-1", until)).isTrue();
        assertThat(nodeB.firstUse("acme", "svc", "jti-1", until)).isFalse();
        assertThat(nodeB.firstUse("acme", "other", "jti-1", until)).as("another client's jti space").isTrue();
        assertThat(nodeB.firstUse("beta", "svc", "jti-1", until)).as("another tenant's").isTrue();
    }

    @Test
    void onlyTheJtisHashIsStored() {
        nodeA.firstUse("acme", "svc", "a-readable-jti", T0.plusSeconds(60));

        assertThat(jdbc.queryForObject("SELECT jti_hash FROM client_assertion_jti", String.class))
                .hasSize(64).doesNotContain("readable");
    }

    @Test
    void expiredRowsArePrunedOnceAMinuteAndLiveOnesKept() {
        nodeA.firstUse("acme", "svc", "short", T0.plusSeconds(30));
        nodeA.firstUse("acme", "svc", "long", T0.plusSeconds(300));
        clock.advance(Duration.ofSeconds(61));

        nodeA.firstUse("acme", "svc", "trigger", T0.plusSeconds(400));

        assertThat(jdbc.queryForList("SELECT expires_at FROM client_assertion_jti")).hasSize(2);
        assertThat(nodeA.firstUse("acme", "svc", "long", T0.plusSeconds(300))).as("still a replay").isFalse();
        assertThat(nodeA.firstUse("acme", "svc", "short", clock.instant().plusSeconds(60)))
                .as("an expired assertion's jti may come again").isTrue();
    }
}
