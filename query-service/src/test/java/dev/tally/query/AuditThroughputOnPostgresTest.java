package dev.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.PostgresTestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * How fast the audit view is built and rebuilt on PostgreSQL: 20,000 issued tokens, projected live, then replayed.
 * The figures go to the log (and the report); the bound only catches a projection gone pathologically slow.
 */
@SpringBootTest(classes = QueryServiceTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditThroughputOnPostgresTest extends QueryTestSupport {
    private static final Logger LOG = LoggerFactory.getLogger(AuditThroughputOnPostgresTest.class);
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_query_speed");
    static final int EVENTS = 20_000;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> MASTER_KEY);
    }

    @Test
    void twentyThousandEventsAreAuditedAndReplayedWithinBounds() {
        tenant("speed");
        awaitCaughtUp();
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        long published = System.nanoTime();
        for (int chunk = 0; chunk < EVENTS; chunk += 1000) {
            List<EventMessage<?>> messages = new ArrayList<>();
            for (int i = chunk; i < chunk + 1000; i++) {
                messages.add(GenericEventMessage.asEventMessage(
                        Fixtures.clientToken("speed", "jti-" + i, "cli-" + (i % 7), t0.plusMillis(i))));
            }
            eventStore.publish(messages);
        }
        long live = System.nanoTime();
        java.util.Map<String, Long> caughtUp = new java.util.LinkedHashMap<>();
        while (caughtUp.size() < 3 && System.nanoTime() - live < Duration.ofSeconds(120).toNanos()) {
            for (String name : projections.projectionNames()) {
                if (!caughtUp.containsKey(name) && projections.status(name).lagEvents() == 0) {
                    caughtUp.put(name, (System.nanoTime() - live) / 1_000_000);
                }
            }
            sleep(20);
        }
        LOG.info("live catch-up per projection (ms after the last append): {}", caughtUp);
        awaitCaughtUp();
        long liveDone = System.nanoTime();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE tenant_id = 'speed'", Integer.class))
                .isEqualTo(EVENTS + 1);

        Answer replay = post("/admin/projections/audit/replay");
        assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
        long replayStart = System.nanoTime();
        awaitCaughtUp();
        long replayDone = System.nanoTime();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE tenant_id = 'speed'", Integer.class))
                .isEqualTo(EVENTS + 1);

        Duration replayed = Duration.ofNanos(replayDone - replayStart);
        LOG.info("audit throughput: published {} events in {} ms; live projection caught up {} ms after the last "
                        + "append; replay of {} events took {} ms ({} events/s)", EVENTS,
                (live - published) / 1_000_000, (liveDone - live) / 1_000_000, EVENTS + 1, replayed.toMillis(),
                (EVENTS + 1) * 1000L / Math.max(1, replayed.toMillis()));
        assertThat(replayed).isLessThan(Duration.ofSeconds(120));
    }
}
