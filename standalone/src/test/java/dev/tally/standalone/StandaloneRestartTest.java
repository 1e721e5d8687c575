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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Restarting the standalone server on the same data directory keeps every tenant, client and key, also across an
 * upgrade that brings a migration of a lower version than ones already applied.
 */
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

    /**
     * A data directory written before the token service had tables of its own (V3_0, login state) already holds the
     * query side's later versions (V4_*): the upgrade applies V3_0 out of order instead of refusing to start.
     */
    @Test
    void aDataDirectoryFromBeforeTheLoginStateTablesIsUpgraded(@TempDir Path dataDir) throws Exception {
        try (ConfigurableApplicationContext before = start(dataDir, "--spring.flyway.locations=classpath:db/migration/tally/eventstore,"
                + "classpath:db/migration/tally/command,classpath:db/migration/tally/query")) {
            createTenant(http(before), "older", null);
            assertThat(migrated(before)).contains("V4_2__revocations.sql").noneMatch(s -> s.endsWith("V3_0__login_state.sql"));
        }

        try (ConfigurableApplicationContext upgraded = start(dataDir)) {
            // the default location is scanned recursively: the script is recorded with its folder
            assertThat(migrated(upgraded)).contains("token/V3_0__login_state.sql", "V4_2__revocations.sql");
            JdbcTemplate jdbc = upgraded.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pending_authorization", Integer.class)).isZero();
            assertThat(http(upgraded).admin("GET", "/admin/tenants/older", null).status()).isEqualTo(200);
        }
    }

    private static List<String> migrated(ConfigurableApplicationContext context) {
        return context.getBean(JdbcTemplate.class).queryForList(
                "SELECT \"script\" FROM \"flyway_schema_history\" WHERE \"success\" ORDER BY \"installed_rank\"", String.class);
    }

    private static ConfigurableApplicationContext start(Path dataDir, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--tally.data-dir=" + dataDir,
                "--tally.admin-token=" + ADMIN));
        args.addAll(List.of(more));
        return SpringApplication.run(TallyStandalone.class, args.toArray(String[]::new));
    }

    private static TestHttp http(ConfigurableApplicationContext context) {
        return new TestHttp("http://localhost:" + context.getEnvironment().getProperty("local.server.port"), ADMIN);
    }
}
