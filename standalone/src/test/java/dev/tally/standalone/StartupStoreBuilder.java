package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createApi;
import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.TestHttp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Not a test: builds an H2 store for the start-up benchmark (BENCHMARKS.md, "Start-up from a checkpoint"), run only
 * when {@code tally.bench.store-dir} is set:
 * <pre>
 * mvn -o -q -pl standalone -am test -Dtest=StartupStoreBuilder -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtally.bench.store-dir=/tmp/store -Dtally.bench.events=1000000 [-Dtally.bench.for-older-builds=true]
 * </pre>
 * One tenant with an API and a machine client made over HTTP, then that many {@code AccessTokenIssued} events (each
 * its own jti, long expired) appended through Axon's {@code EventStorageEngine.appendEvents} in batches of 10,000.
 * With {@code for-older-builds} the checkpoint table (migration V3_2) is removed again, so a build from before it
 * starts on the store (Flyway would refuse a store with a migration it does not know); a newer build adds it back.
 */
@EnabledIfSystemProperty(named = "tally.bench.store-dir", matches = ".+")
class StartupStoreBuilder {
    static final String ADMIN = "startup-store-admin-token";
    static final int BATCH = 10_000;

    @Test
    void build() {
        String dir = System.getProperty("tally.bench.store-dir");
        int events = Integer.getInteger("tally.bench.events", 1_000_000);
        try (ConfigurableApplicationContext node = new SpringApplicationBuilder(TallyStandalone.class).run(
                "--server.port=0", "--tally.data-dir=" + dir, "--tally.admin-token=" + ADMIN,
                "--tally.token.checkpoint.enabled=false")) {
            TestHttp http = new TestHttp("http://localhost:" + node.getEnvironment().getProperty("local.server.port"), ADMIN);
            createTenant(http, "bench", null);
            createApi(http, "bench", "https://api.bench.test", 60);
            Client client = createMachineClient(http, "bench");
            assertThat(token(http, "bench", client, "https://api.bench.test").status()).isEqualTo(200);

            EventStorageEngine storage = node.getBean(EventStorageEngine.class);
            TransactionTemplate tx = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
            Instant issued = Instant.now().minusSeconds(86_400);
            long started = System.nanoTime();
            for (int done = 0; done < events; done += BATCH) {
                List<EventMessage<?>> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < Math.min(BATCH, events - done); i++) {
                    batch.add(GenericEventMessage.asEventMessage(new AccessTokenIssued("bench", UUID.randomUUID().toString(),
                            client.id(), client.id(), "https://api.bench.test", "", "client_credentials", issued,
                            issued.plusSeconds(60), 60, "api", List.of())));
                }
                tx.executeWithoutResult(status -> storage.appendEvents(batch));
            }
            JdbcTemplate jdbc = node.getBean(JdbcTemplate.class);
            System.out.printf("store %s: %d events appended in %d s, %d in the store%n", dir, events,
                    (System.nanoTime() - started) / 1_000_000_000L,
                    jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry", Long.class));
            if (Boolean.getBoolean("tally.bench.for-older-builds")) {
                jdbc.execute("DROP TABLE token_view_checkpoint");
                // Flyway's table and columns are lower case and quoted in H2
                jdbc.update("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '3.2'");
            }
        }
    }
}
