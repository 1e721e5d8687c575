package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The revocation view is rebuilt from the store when the server starts: a revoked access token and a user's "not
 * before" still hold after a restart, and a token nobody revoked is still active.
 */
class RevocationRestartTest {
    static final String ADMIN = "revocation-restart-admin-token";
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @Test
    void revocationsSurviveARestart(@TempDir Path dataDir) {
        Client client;
        String revoked;
        String kept;
        String userToken;
        try (ConfigurableApplicationContext first = start(dataDir)) {
            TestHttp http = http(first);
            createTenant(http, "durable-rev", null);
            assertThat(http.admin("PATCH", "/admin/tenants/durable-rev", Map.of("on_permission_change", "revoke_all"))
                    .status()).isEqualTo(200);
            assertThat(http.admin("POST", "/admin/tenants/durable-rev/apis", Map.of("identifier", "https://api.durable.test",
                    "name", "Orders", "token_lifetime", 3600, "scopes", List.of("read:orders"))).status()).isEqualTo(201);
            client = createMachineClient(http, "durable-rev");
            Response legacy = http.admin("POST", "/admin/tenants/durable-rev/clients", Map.of("name", "Legacy",
                    "app_type", "regular_web", "grant_types", List.of("password")));
            Response user = http.admin("POST", "/admin/tenants/durable-rev/users", Map.of("username", "alice",
                    "password", "correct horse battery staple"));
            assertThat(user.status()).isEqualTo(201);

            revoked = token(http, "durable-rev", client, "https://api.durable.test").text("access_token");
            kept = token(http, "durable-rev", client, "https://api.durable.test").text("access_token");
            userToken = http.form("/t/durable-rev/oauth/token", TestHttp.params("grant_type", "password", "username", "alice",
                    "password", "correct horse battery staple", "audience", "https://api.durable.test"),
                    legacy.text("client_id"), legacy.text("client_secret")).text("access_token");
            assertThat(http.form("/t/durable-rev/oauth/revoke", TestHttp.params("token", revoked), client.id(), client.secret())
                    .status()).isEqualTo(200);
            CLOCK.advance(Duration.ofSeconds(1));
            assertThat(http.admin("PATCH", "/admin/tenants/durable-rev/users/" + user.text("user_id"),
                    Map.of("roles", List.of("viewer"))).status()).isEqualTo(200);
            assertThat(active(http, client, revoked)).isFalse();
            assertThat(active(http, client, userToken)).isFalse();
        }

        try (ConfigurableApplicationContext second = start(dataDir)) {
            TestHttp http = http(second);
            assertThat(active(http, client, revoked)).as("revoked before the restart").isFalse();
            assertThat(active(http, client, userToken)).as("issued before the user's not-before").isFalse();
            assertThat(active(http, client, kept)).as("the same issuer and keys after the restart").isTrue();
        }
    }

    private static boolean active(TestHttp http, Client client, String token) {
        Response r = http.form("/t/durable-rev/oauth/introspect", TestHttp.params("token", token), client.id(), client.secret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TallyStandalone.class)
                .initializers(c -> c.getBeanFactory().registerSingleton("restartTestClock", CLOCK))
                // A fixed issuer: the port changes with the restart, and tokens must keep verifying across it.
                .run("--server.port=0", "--tally.data-dir=" + dataDir, "--tally.admin-token=" + ADMIN,
                        "--tally.base-url=https://tally.restart.test");
        assertThat(context.getBean(Clock.class)).isSameAs(CLOCK);
        return context;
    }

    private static TestHttp http(ConfigurableApplicationContext context) {
        return new TestHttp("http://localhost:" + context.getEnvironment().getProperty("local.server.port"), ADMIN);
    }
}
