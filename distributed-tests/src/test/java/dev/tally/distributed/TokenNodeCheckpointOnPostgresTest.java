package dev.tally.distributed;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import dev.tally.token.view.StartupReplay;
import dev.tally.token.view.StreamFeed;
import dev.tally.token.view.TokenConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A token node restarted with Kafka present starts from the checkpoint of its views it wrote at shutdown, reads the
 * store only after it (a client made while it was down), and then follows the stream: what the stream brings again
 * from before its start is skipped, what is new is applied.
 */
class TokenNodeCheckpointOnPostgresTest {

    record Client(String id, String secret) {
    }

    @Test
    void aRestartedTokenNodeResumesFromItsCheckpointAndTheStream() {
        PostgresTestDatabase db = PostgresTestDatabase.create("tally_dist_ckpt");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, String> env = new LinkedHashMap<>(Services.environment(db));
            env.put("TALLY_STREAM_ENABLED", "true");
            env.put("TALLY_STREAM_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("TALLY_STREAM_REPLICATION_FACTOR", "1");
            try (ConfigurableApplicationContext command = Services.command(env)) {
                TestHttp admin = new TestHttp(Services.url(command), Services.ADMIN_TOKEN);
                JdbcTemplate jdbc = new JdbcTemplate(command.getBean(DataSource.class));
                assertThat(admin.admin("POST", "/admin/tenants", Map.of("id", "acme", "name", "Acme")).status())
                        .isEqualTo(201);
                assertThat(admin.admin("POST", "/admin/tenants/acme/apis", Map.of("identifier", "https://api.acme.test",
                        "name", "Orders", "token_lifetime", 600)).status()).isEqualTo(201);
                Client before = newClient(admin, "before");

                try (ConfigurableApplicationContext token = Services.token(env, Services.url(command))) {
                    assertThat(token.getBean(StartupReplay.class).checkpointIndex()).as("no checkpoint yet").isEqualTo(-1);
                    assertThat(issue(token, before).status()).isEqualTo(200);
                }
                Long written = jdbc.queryForObject("SELECT MAX(store_index) FROM token_view_checkpoint", Long.class);
                assertThat(written).as("a checkpoint written at shutdown").isNotNull().isPositive();
                Client whileDown = newClient(admin, "while-down");

                try (ConfigurableApplicationContext token = Services.token(env, Services.url(command))) {
                    StartupReplay start = token.getBean(StartupReplay.class);
                    StreamFeed feed = token.getBean(StreamFeed.class);
                    TokenConfig config = token.getBean(TokenConfig.class);
                    assertThat(start.checkpointIndex()).as("started from the checkpoint").isEqualTo(written);
                    assertThat(start.eventsRead()).as("the store read only after the checkpoint").isPositive()
                            .isLessThan(written);
                    assertThat(config.client("acme", before.id())).as("from the checkpoint").isPresent();
                    assertThat(config.client("acme", whileDown.id())).as("from the store after it").isPresent();
                    // the stream brings the last minute again, all of it in the views already: skipped, none applied
                    await("the stream's copies of what the start read are skipped", Duration.ofSeconds(60),
                            () -> feed.skipped() > 0);
                    assertThat(feed.applied()).isZero();

                    Client after = newClient(admin, "after");
                    await("a client made after the start comes over Kafka", Duration.ofSeconds(60),
                            () -> feed.applied() > 0);
                    assertThat(issue(token, before).status()).isEqualTo(200);
                    assertThat(issue(token, whileDown).status()).isEqualTo(200);
                    assertThat(issue(token, after).status()).isEqualTo(200);
                }
            }
        }
    }

    private static Client newClient(TestHttp admin, String name) {
        Response client = admin.admin("POST", "/admin/tenants/acme/clients", Map.of("name", name,
                "app_type", "non_interactive", "grant_types", List.of("client_credentials")));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        return new Client(client.text("client_id"), client.text("client_secret"));
    }

    private static Response issue(ConfigurableApplicationContext token, Client client) {
        return new TestHttp(Services.url(token), Services.ADMIN_TOKEN).form("/t/acme/oauth/token",
                TestHttp.params("grant_type", "client_credentials", "audience", "https://api.acme.test"),
                client.id(), client.secret());
    }
}
