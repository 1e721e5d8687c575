package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createApi;
import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.jwks;
import static dev.tally.standalone.StandaloneScenario.signatureVerifiesWith;
import static dev.tally.standalone.StandaloneScenario.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** Restarting the standalone server on the same data directory keeps every tenant, client and key. */
class StandaloneRestartTest {
    static final String ADMIN = "standalone-restart-admin-token";

    @Test
    void restartKeepsTenantsClientsAndKeys(@TempDir Path dataDir) throws Exception {
        Client client;
        JWKSet keysBefore;
        String tokenBefore;
        try (ConfigurableApplicationContext first = start(dataDir)) {
            TestHttp http = http(first);
            createTenant(http, "durable", null);
            createApi(http, "durable", "https://api.durable.test", 600);
            client = createMachineClient(http, "durable");
            keysBefore = jwks(http, "durable");
            tokenBefore = token(http, "durable", client, "https://api.durable.test").text("access_token");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("master.key"))))
                .isEqualTo("rw-------");

        try (ConfigurableApplicationContext second = start(dataDir)) {
            TestHttp http = http(second);
            assertThat(http.admin("GET", "/admin/tenants/durable", null).status()).isEqualTo(200);
            JWKSet keysAfter = jwks(http, "durable");
            assertThat(keysAfter.toJSONObject()).isEqualTo(keysBefore.toJSONObject());
            // A token signed before the restart still verifies against the published keys.
            assertThat(signatureVerifiesWith(tokenBefore, keysAfter)).isTrue();
            Response after = token(http, "durable", client, "https://api.durable.test");
            assertThat(after.status()).as(after.toString()).isEqualTo(200);
            assertThat(after.json().get("expires_in").asLong()).isEqualTo(600);
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return SpringApplication.run(TallyStandalone.class, "--server.port=0", "--tally.data-dir=" + dataDir,
                "--tally.admin-token=" + ADMIN);
    }

    private static TestHttp http(ConfigurableApplicationContext context) {
        return new TestHttp("http://localhost:" + context.getEnvironment().getProperty("local.server.port"), ADMIN);
    }
}
