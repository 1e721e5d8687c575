package dev.tally.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.api.ApiEvents.ApiRegistered;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.lifetime.trace.TraceStep;
import dev.tally.kernel.rule.RuleEffects;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleCreated;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRenamed;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The command service on real PostgreSQL: events are appended and read back, set validation holds under
 * concurrency, and a failing projection rolls the whole unit of work back (Axon runs with real transactions).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CommandSideOnPostgresTest {
    static final String ADMIN = "command-side-admin-token";
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_command");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes()));
    }

    @TestConfiguration
    static class FailingProjection {
        /** A projection that fails for one tenant name, standing in for any bug in a projection. */
        @Bean
        Exploding exploding() {
            return new Exploding();
        }
    }

    @ProcessingGroup("catalog")
    static class Exploding {
        @EventHandler
        void on(TenantCreated e) {
            if (e.name().equals("Explode")) {
                throw new IllegalStateException("projection failed on purpose");
            }
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionManager axonTransactionManager;
    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    @BeforeAll
    static void databaseIsPostgres() {
        assertThat(DB.jdbcUrl()).startsWith("jdbc:postgresql:");
    }

    @Test
    void axonRunsWithSpringTransactionsNotNoTransactionManager() {
        assertThat(axonTransactionManager).isInstanceOf(SpringTransactionManager.class);
    }

    @Test
    void createdTenantIsAppendedAndReadBackFromTheEventStore() {
        Response created = http().admin("POST", "/admin/tenants", Map.of("id", "appendread", "name", "Append Read"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        List<? extends DomainEventMessage<?>> events = eventStore.readEvents("tenant:appendread").asStream().toList();
        assertThat(events.stream().map(e -> e.getPayloadType().getSimpleName()).toList())
                .containsExactly("TenantCreated", "TenantLifetimeSettingsChanged", "SigningKeyCreated", "SigningKeyCreated");
        assertThat(events.get(0).getPayload()).isEqualTo(new TenantCreated("appendread", "Append Read", SigningAlgorithm.ES256,
                ((TenantCreated) events.get(0).getPayload()).createdAt()));

        // The stored payload is JSON; the private key is in it only sealed.
        List<String> payloads = jdbc.queryForList(
                "SELECT payload FROM domain_event_entry WHERE aggregate_identifier = 'tenant:appendread' ORDER BY sequence_number",
                byte[].class).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        assertThat(payloads.get(0)).contains("\"tenantId\":\"appendread\"");
        assertThat(payloads.get(2)).contains("sealedPrivateJwk").doesNotContain("\"d\"");
        assertThat(payloads.get(3)).contains("sealedPrivateJwk").doesNotContain("\"d\"");
    }

    @Test
    void everyEventRoundTripsThroughTheConfiguredSerializer() {
        Instant t = Instant.parse("2026-11-22T10:15:30.123456Z");
        List<Object> samples = List.of(
                new TenantCreated("acme", "Acme", SigningAlgorithm.RS256, t),
                new TenantRenamed("acme", "Acme Inc"),
                new TenantDeleted("acme"),
                new dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated("acme", "k2", SigningAlgorithm.ES256, "{}",
                        "v1.x.y", t, t.plusSeconds(3600), "rotation_requested"),
                new dev.tally.kernel.tenant.TenantEvents.SigningKeyActivated("acme", "k2", SigningAlgorithm.ES256, t, "k1",
                        t.plusSeconds(86_400)),
                new dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired("acme", "k1", t),
                new dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked("acme", "k2", SigningAlgorithm.ES256, t, "leaked"),
                new dev.tally.kernel.tenant.TenantEvents.SigningKeyRotationChanged("acme", null, t),
                new dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed("acme", "k2", "v1.x.z", t),
                new ApiRegistered("api_1", "acme", "https://api", "Orders", 3600, 900L, List.of("read"), true, t),
                new ApiRegistered("api_2", "acme", "https://api2", "Orders", 3600, null, List.of(), false, t),
                new ClientRegistered("c1", "acme", "billing", AppType.NON_INTERACTIVE, List.of("client_credentials"),
                        "ab".repeat(32), Map.of("tier", "gold"), 36000L,
                        new ClientUrls(List.of("https://app.test/cb"), List.of()), new ClientSessionLimits(600L, null), t),
                TenantLifetimeSettingsChanged.of("acme", TenantLifetimeSettings.defaults()),
                new LifetimeRuleCreated("rule_1", "acme", "midnight", 5, "request.grant_type == \"client_credentials\"",
                        new RuleEffects(null, 600L, null, new RuleEffects.ExpiresAt("00:00")), t),
                new AccessTokenIssued("acme", "jti", "c1", "c1", "https://api", null, "client_credentials", t, t.plusSeconds(60),
                        60, "rule:short", List.of(TraceStep.set("api.token_lifetime", 3600), TraceStep.error("rule:broken", "no such key"),
                        TraceStep.set("rule:short", 60), TraceStep.clamp("tenant.max_token_lifetime", 60, false))));
        for (Object event : samples) {
            SerializedObject<byte[]> serialized = eventSerializer.serialize(event, byte[].class);
            assertThat((Object) eventSerializer.deserialize(serialized)).as(event.getClass().getSimpleName()).isEqualTo(event);
        }
    }

    @Test
    void concurrentRegistrationsOfOneApiIdentifierLetExactlyOneWin() throws Exception {
        assertThat(http().admin("POST", "/admin/tenants", Map.of("id", "race", "name", "Race")).status()).isEqualTo(201);
        int contenders = 8;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            int n = i;
            Callable<Integer> register = () -> {
                start.await();
                return http().admin("POST", "/admin/tenants/race/apis",
                        Map.of("identifier", "https://contested", "name", "API " + n, "token_lifetime", 60)).status();
            };
            results.add(pool.submit(register));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : results) {
            statuses.add(f.get());
        }
        pool.shutdown();

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(contenders - 1);
        Integer appended = jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE payload_type = ? "
                + "AND convert_from(payload, 'UTF8') LIKE '%https://contested%'", Integer.class, ApiRegistered.class.getName());
        assertThat(appended).isEqualTo(1);
    }

    @Test
    void failingProjectionRollsBackTheEventsOfItsUnitOfWork() {
        Response failed = http().admin("POST", "/admin/tenants", Map.of("id", "boom", "name", "Explode"));

        assertThat(failed.status()).isEqualTo(500);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE aggregate_identifier = 'tenant:boom'",
                Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tenant_catalog WHERE tenant_id = 'boom'", Integer.class)).isZero();
        // Nothing half-done is left behind: the id is still free.
        assertThat(http().admin("POST", "/admin/tenants", Map.of("id", "boom", "name", "Fine")).status()).isEqualTo(201);
    }

    @Test
    void managementApiAnswersBadInputWithProblemDetailsNamingTheField() {
        TestHttp http = http();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", "probs", "name", "Problems")).status()).isEqualTo(201);

        Response noToken = http.adminWithoutToken("GET", "/admin/tenants", null);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.header("WWW-Authenticate")).startsWith("Bearer");

        Response webTooLong = http.admin("POST", "/admin/tenants/probs/apis",
                Map.of("identifier", "https://p", "name", "P", "token_lifetime", 60, "token_lifetime_for_web", 900));
        assertThat(webTooLong.status()).isEqualTo(400);
        assertThat(webTooLong.header("Content-Type")).startsWith("application/problem+json");
        assertThat(webTooLong.text("field")).isEqualTo("token_lifetime_for_web");

        Response misspelt = http.admin("POST", "/admin/tenants/probs/apis",
                Map.of("identifier", "https://p", "name", "P", "token_lifetme", 60));
        assertThat(misspelt.status()).isEqualTo(400);
        assertThat(misspelt.text("field")).isEqualTo("token_lifetme");

        Response fractional = http.admin("POST", "/admin/tenants/probs/apis", "{\"identifier\":\"https://p\",\"name\":\"P\",\"token_lifetime\":1.5}");
        assertThat(fractional.status()).isEqualTo(400);
        assertThat(fractional.text("field")).isEqualTo("token_lifetime");

        Response malformed = http.admin("POST", "/admin/tenants/probs/apis", "{not json");
        assertThat(malformed.status()).isEqualTo(400);

        Response badAppType = http.admin("POST", "/admin/tenants/probs/clients", Map.of("name", "x", "app_type", "robot"));
        assertThat(badAppType.status()).isEqualTo(400);
        assertThat(badAppType.text("field")).isEqualTo("app_type");

        Response badTenantId = http.admin("POST", "/admin/tenants", Map.of("id", "Not Valid", "name", "x"));
        assertThat(badTenantId.status()).isEqualTo(400);
        assertThat(badTenantId.text("field")).isEqualTo("id");

        Response duplicateTenant = http.admin("POST", "/admin/tenants", Map.of("id", "probs", "name", "again"));
        assertThat(duplicateTenant.status()).isEqualTo(409);

        assertThat(http.admin("GET", "/admin/tenants/nope/apis", null).status()).isEqualTo(404);
    }

    /**
     * Found by the fuzz harness: an API's scopes had no bound, and a long list overflowed the catalog's column (500).
     * Now at most 100, of up to 200 characters each, which the widened column holds.
     */
    @Test
    void anApiHoldsAHundredScopesOf200CharactersAndNoMore() {
        TestHttp http = http();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", "scopes", "name", "Scopes")).status()).isEqualTo(201);
        List<String> scopes = java.util.stream.IntStream.rangeClosed(1, 101)
                .mapToObj(i -> String.format("%03d", i) + "x".repeat(197)).toList();
        Response full = http.admin("POST", "/admin/tenants/scopes/apis", Map.of("identifier", "https://full",
                "name", "Full", "token_lifetime", 60, "scopes", scopes.subList(0, 100)));
        assertThat(full.status()).as(full.body()).isEqualTo(201);
        assertThat(http.admin("GET", "/admin/tenants/scopes/apis/" + full.text("id"), null).json().get("scopes"))
                .hasSize(100);
        Response over = http.admin("POST", "/admin/tenants/scopes/apis", Map.of("identifier", "https://over",
                "name", "Over", "token_lifetime", 60, "scopes", scopes));
        assertThat(over.status()).as(over.body()).isEqualTo(400);
        assertThat(over.text("field")).isEqualTo("scopes");
    }

    /** Found by the fuzz harness: 50 logout URLs of 190 characters overflowed the catalog's column (500). */
    @Test
    void aClientHoldsFiftyCallbacksAndLogoutUrlsOf1000Characters() {
        TestHttp http = http();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", "urls", "name", "Urls")).status()).isEqualTo(201);
        List<String> urls = java.util.stream.IntStream.rangeClosed(1, 50)
                .mapToObj(i -> "https://app.test/" + String.format("%02d", i) + "/" + "a".repeat(1000 - 20)).toList();
        Response client = http.admin("POST", "/admin/tenants/urls/clients", Map.of("name", "Web", "app_type",
                "regular_web", "callbacks", urls, "allowed_logout_urls", urls));
        assertThat(client.status()).as(client.body()).isEqualTo(201);
        assertThat(http.admin("GET", "/admin/tenants/urls/clients/" + client.text("client_id"), null).json()
                .get("allowed_logout_urls")).hasSize(50);
        Response tooLong = http.admin("POST", "/admin/tenants/urls/clients", Map.of("name", "Web", "app_type",
                "regular_web", "callbacks", List.of(urls.get(0) + "a")));
        assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.text("field")).isEqualTo("callbacks");
    }

    @Test
    void apisAndClientsCanBeReadChangedAndDeletedAndStayInTheirTenant() {
        TestHttp http = http();
        http.admin("POST", "/admin/tenants", Map.of("id", "crud-a", "name", "A"));
        http.admin("POST", "/admin/tenants", Map.of("id", "crud-b", "name", "B"));
        Response api = http.admin("POST", "/admin/tenants/crud-a/apis",
                Map.of("identifier", "https://crud", "name", "Crud", "token_lifetime", 3600, "token_lifetime_for_web", 900));
        assertThat(api.status()).isEqualTo(201);
        String apiId = api.text("id");

        assertThat(http.admin("GET", "/admin/tenants/crud-a/apis/" + apiId, null).json().get("token_lifetime").asLong()).isEqualTo(3600);
        assertThat(http.admin("GET", "/admin/tenants/crud-b/apis/" + apiId, null).status()).isEqualTo(404);
        assertThat(http.admin("PATCH", "/admin/tenants/crud-b/apis/" + apiId, Map.of("name", "stolen")).status()).isEqualTo(404);

        Response patched = http.admin("PATCH", "/admin/tenants/crud-a/apis/" + apiId, Map.of("token_lifetime", 7200));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("token_lifetime").asLong()).isEqualTo(7200);
        assertThat(patched.json().get("token_lifetime_for_web").asLong()).isEqualTo(900);

        Response client = http.admin("POST", "/admin/tenants/crud-a/clients",
                Map.of("name", "m2m", "app_type", "non_interactive", "client_metadata", Map.of("tier", "gold")));
        assertThat(client.status()).isEqualTo(201);
        assertThat(client.text("client_secret")).hasSizeGreaterThanOrEqualTo(43);
        String clientId = client.text("client_id");
        Response read = http.admin("GET", "/admin/tenants/crud-a/clients/" + clientId, null);
        assertThat(read.json().has("client_secret")).isFalse();
        assertThat(read.json().get("grant_types").get(0).asString()).isEqualTo("client_credentials");
        // The secret is stored only as its hash: it appears in no event.
        Integer leaks = jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE convert_from(payload, 'UTF8') LIKE ?",
                Integer.class, "%" + client.text("client_secret") + "%");
        assertThat(leaks).isZero();
        Integer hashed = jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE convert_from(payload, 'UTF8') LIKE ?",
                Integer.class, "%" + SecretHash.of(client.text("client_secret")) + "%");
        assertThat(hashed).as("the same query finds the secret's hash, so it reads the payload as text").isEqualTo(1);

        Response rotated = http.admin("POST", "/admin/tenants/crud-a/clients/" + clientId + "/rotate-secret", null);
        assertThat(rotated.text("client_secret")).isNotEqualTo(client.text("client_secret"));

        assertThat(http.admin("DELETE", "/admin/tenants/crud-a/clients/" + clientId, null).status()).isEqualTo(204);
        assertThat(http.admin("GET", "/admin/tenants/crud-a/clients/" + clientId, null).status()).isEqualTo(404);
        assertThat(http.admin("DELETE", "/admin/tenants/crud-a/apis/" + apiId, null).status()).isEqualTo(204);
        // Deleting an API frees its identifier.
        assertThat(http.admin("POST", "/admin/tenants/crud-a/apis",
                Map.of("identifier", "https://crud", "name", "Crud 2", "token_lifetime", 60)).status()).isEqualTo(201);

        assertThat(http.admin("DELETE", "/admin/tenants/crud-b", null).status()).isEqualTo(204);
        assertThat(http.admin("GET", "/admin/tenants/crud-b", null).status()).isEqualTo(404);
        assertThat(http.admin("POST", "/admin/tenants/crud-b/apis",
                Map.of("identifier", "https://x", "name", "X", "token_lifetime", 60)).status()).isEqualTo(404);
    }
}
