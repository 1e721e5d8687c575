package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createApi;
import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The query side inside the standalone server on H2: a token issued through the real token endpoint shows up in the
 * audit with the lifetime decision that was made for it.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditEndToEndOnH2Test {
    static final String ADMIN = "standalone-audit-admin-token";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-e2e-audit");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    /**
     * The shipped URL keeps H2's page cache at 4 MiB: under refresh load the default 16 MiB kept each written page
     * long enough to be promoted, and the 144 MiB heap's old generation filled sooner (BENCHMARKS.md, "Refresh
     * rotation", 2026-12-06 evening).
     */
    @Test
    void theEmbeddedStoreRunsWithTheShippedPageCache() {
        // the cache's size in effect, in MiB (16 without the setting)
        assertThat(jdbc.queryForObject("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?",
                String.class, "info.CACHE_MAX_SIZE")).isEqualTo("4");
    }

    @Test
    void aClientCredentialsTokenIsInTheAuditWithItsLifetimeDecision() throws Exception {
        TestHttp http = new TestHttp("http://localhost:" + port, ADMIN);
        createTenant(http, "audited", null);
        createApi(http, "audited", "https://api.audited.test", 120);
        Client client = createMachineClient(http, "audited");
        Response issued = token(http, "audited", client, "https://api.audited.test");
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        String jti = SignedJWT.parse(issued.text("access_token")).getJWTClaimsSet().getJWTID();

        JsonNode event = awaitAuditEvent(http, "/admin/tenants/audited/audit?type=AccessTokenIssued&client_id=" + client.id());
        assertThat(event.get("jti").asString()).isEqualTo(jti);
        // time-ordered, so the unique indexes on them are written at their end (TimeOrderedIds)
        assertThat(UUID.fromString(jti).version()).isEqualTo(7);
        String eventId = jdbc.queryForObject("SELECT event_id FROM audit_event WHERE jti = ?", String.class, jti);
        assertThat(UUID.fromString(eventId).version()).isEqualTo(7);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE event_identifier = ?",
                Integer.class, eventId)).isEqualTo(1);
        assertThat(event.get("tenant_id").asString()).isEqualTo("audited");
        assertThat(event.get("user_id").isNull()).as("a client-credentials token has no user").isTrue();
        JsonNode details = event.get("details");
        assertThat(details.get("decided_by").asString()).isEqualTo("api.token_lifetime");
        assertThat(details.get("lifetime_seconds").asLong()).isEqualTo(120);
        assertThat(details.get("lifetime_trace").get(0).get("step").asString()).isEqualTo("api.token_lifetime");
        assertThat(details.get("lifetime_trace").get(0).get("value").asLong()).isEqualTo(120);
        assertThat(details.get("grant_type").asString()).isEqualTo("client_credentials");

        // the client's registration is audited too, without its secret's hash
        Response registration = http.admin("GET", "/admin/tenants/audited/audit?type=ClientRegistered", null);
        assertThat(registration.status()).as(registration.toString()).isEqualTo(200);
        JsonNode registered = registration.json().get("events").get(0).get("details");
        assertThat(registered.get("client_id").asString()).isEqualTo(client.id());
        assertThat(registered.has("secret_hash")).isFalse();
        assertThat(http.admin("GET", "/admin/projections/audit", null).json().get("status").asString()).isEqualTo("live");
    }

    /** The audit is written by a tracking processor: poll, with a bound, until the event is there. */
    private static JsonNode awaitAuditEvent(TestHttp http, String path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Response r = http.admin("GET", path, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonNode events = r.json().get("events");
            if (!events.isEmpty()) {
                return events.get(0);
            }
            assertThat(System.nanoTime()).as("the audit shows the event within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
