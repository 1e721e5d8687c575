package dev.tally.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.api.ApiEvents.ApiRegistered;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import dev.tally.token.settings.TokenNodeProperties;
import dev.tally.token.view.RevocationViewProjection;
import dev.tally.token.view.StartupReplay;
import dev.tally.token.view.StoreCatchUp;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigProjection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The token service on real PostgreSQL, fed only by events in the store: it sees a client registered a moment
 * ago, never one whose transaction rolled back, and a restarted node rebuilds the same view by replay.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenServiceOnPostgresTest {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_token");
    static final String MASTER_KEY = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());
    static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> "token-service-admin-token");
        registry.add("tally.master-key", () -> MASTER_KEY);
    }

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    TransactionManager transactionManager;
    @Autowired
    MasterKey masterKey;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStorageEngine storage;
    @Autowired
    TokenConfigProjection configProjection;
    @Autowired
    RevocationViewProjection revocationProjection;
    @Autowired
    LifetimeRuleCompiler ruleCompiler;

    @Test
    void projectionSeesAClientRegisteredAMomentAgoAndTheTokenVerifies() throws Exception {
        String secret = "s3cret-" + System.nanoTime();
        appendCommitted(tenantWithKey("seen"));
        appendCommitted(List.of(api("seen", "api_seen", "https://seen.test", 120),
                client("seen", "client_seen", secret)));

        TestHttp http = new TestHttp("http://localhost:" + port, null);
        Response token = http.form("/t/seen/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "https://seen.test"), "client_seen", secret);

        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        SignedJWT jwt = SignedJWT.parse(token.text("access_token"));
        JWKSet jwks = JWKSet.parse(http.get("/t/seen/.well-known/jwks.json").body());
        assertThat(jwt.verify(new ECDSAVerifier(jwks.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey()))).isTrue();
        long lifetime = (jwt.getJWTClaimsSet().getExpirationTime().getTime() - jwt.getJWTClaimsSet().getIssueTime().getTime()) / 1000;
        assertThat(lifetime).isEqualTo(120).isEqualTo(token.json().get("expires_in").asLong());

        // The issuance is in the history, under the token's jti.
        List<String> issued = jdbc.queryForList("SELECT convert_from(payload, 'UTF8') FROM domain_event_entry WHERE payload_type = ?",
                String.class, AccessTokenIssued.class.getName());
        assertThat(issued).anySatisfy(p -> assertThat(p).contains(jwt.getJWTClaimsSet().getJWTID()).contains("\"lifetimeSeconds\":120"));
    }

    @Test
    void projectionNeverSeesAClientWhoseTransactionRolledBack() {
        appendCommitted(tenantWithKey("rolled"));
        appendCommitted(List.of(api("rolled", "api_rolled", "https://rolled.test", 60)));
        DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        uow.attachTransaction(transactionManager);
        publish(List.of(client("rolled", "client_rolled", "secret-rolled")));
        uow.rollback();

        Response token = new TestHttp("http://localhost:" + port, null).form("/t/rolled/oauth/token",
                TestHttp.params("grant_type", "client_credentials", "audience", "https://rolled.test"), "client_rolled", "secret-rolled");
        assertThat(token.status()).isEqualTo(401);
        assertThat(token.text("error")).isEqualTo("invalid_client");
    }

    @Test
    void restartedNodeRebuildsTheProjectionByReplay() {
        appendCommitted(tenantWithKey("replayed"));
        appendCommitted(List.of(api("replayed", "api_replayed", "https://replayed.test", 300),
                client("replayed", "client_replayed", "secret-replayed")));

        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(TokenServiceTestApplication.class)
                .properties("server.port=0", "spring.datasource.url=" + DB.jdbcUrl(), "spring.datasource.username=" + DB.user(),
                        "spring.datasource.password=" + DB.password(), "tally.admin-token=second-node-admin-token",
                        "tally.master-key=" + MASTER_KEY)
                .run()) {
            int secondPort = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
            Response token = new TestHttp("http://localhost:" + secondPort, null).form("/t/replayed/oauth/token",
                    TestHttp.params("grant_type", "client_credentials", "audience", "https://replayed.test"),
                    "client_replayed", "secret-replayed");
            assertThat(token.status()).as(token.toString()).isEqualTo(200);
            assertThat(token.json().get("expires_in").asLong()).isEqualTo(300);
        }
    }

    @Test
    void concurrentIssuancesAreEachRecordedUnderTheirJti() throws Exception {
        appendCommitted(tenantWithKey("busy"));
        appendCommitted(List.of(api("busy", "api_busy", "https://busy.test", 60), client("busy", "client_busy", "secret-busy")));
        TestHttp http = new TestHttp("http://localhost:" + port, null);
        int requests = 64;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        List<java.util.concurrent.Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            futures.add(pool.submit(() -> http.form("/t/busy/oauth/token",
                    TestHttp.params("grant_type", "client_credentials", "audience", "https://busy.test"), "client_busy", "secret-busy")));
        }
        java.util.Set<String> jtis = new java.util.HashSet<>();
        for (var f : futures) {
            Response r = f.get();
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            jtis.add(SignedJWT.parse(r.text("access_token")).getJWTClaimsSet().getJWTID());
        }
        pool.shutdown();

        List<String> recorded = jdbc.queryForList("SELECT convert_from(payload, 'UTF8') FROM domain_event_entry "
                + "WHERE payload_type = ? AND convert_from(payload, 'UTF8') LIKE '%client_busy%'", String.class,
                AccessTokenIssued.class.getName());
        assertThat(jtis).hasSize(requests);
        assertThat(recorded).hasSize(requests);
        assertThat(jtis).allSatisfy(jti -> assertThat(recorded).anySatisfy(p -> assertThat(p).contains("\"jti\":\"" + jti + "\"")));
    }

    @Test
    void whenTheStoreCannotRecordTheIssuanceTheTokenIsWithheldAndLaterServed() {
        appendCommitted(tenantWithKey("outage"));
        appendCommitted(List.of(api("outage", "api_outage", "https://outage.test", 60), client("outage", "client_outage", "secret-outage")));
        TestHttp http = new TestHttp("http://localhost:" + port, null);
        var params = TestHttp.params("grant_type", "client_credentials", "audience", "https://outage.test");

        jdbc.execute("ALTER TABLE domain_event_entry RENAME TO domain_event_entry_away");
        Response during;
        try {
            during = http.form("/t/outage/oauth/token", params, "client_outage", "secret-outage");
        } finally {
            jdbc.execute("ALTER TABLE domain_event_entry_away RENAME TO domain_event_entry");
        }
        assertThat(during.status()).isEqualTo(503);
        assertThat(during.text("error")).isEqualTo("temporarily_unavailable");
        assertThat(during.json().has("access_token")).isFalse();

        Response after = http.form("/t/outage/oauth/token", params, "client_outage", "secret-outage");
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
    }

    /**
     * Distributed read-your-writes for an API: an audience nobody knows is looked up by reading the store after the
     * watermark where the start-up replay ended. The read must take the JDBC engine's own token type (it refused a
     * GlobalSequenceTrackingToken, so every such read from a watermark failed).
     */
    @Test
    void anApiRegisteredAfterStartUpIsReadFromTheStoreAfterTheWatermark() {
        appendCommitted(tenantWithKey("caught"));
        Long head = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        StartupReplay endedAtHead = new StartupReplay(storage, configProjection, revocationProjection,
                new DefaultListableBeanFactory().getBeanProvider(StartupReplay.Observer.class)) {
            @Override
            public long lastIndex() {
                return head;
            }
        };
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("replay", endedAtHead);
        TokenConfig node = new TokenConfig(masterKey, ruleCompiler);
        StoreCatchUp catchUp = new StoreCatchUp(eventStore, storage, beans.getBeanProvider(StartupReplay.class), node,
                new TokenNodeProperties("node-1", new TokenNodeProperties.CatchUp(true, Duration.ofMillis(1), 50),
                new TokenNodeProperties.Checkpoint(true, Duration.ofMinutes(5)),
                new TokenNodeProperties.UsersCache(10_000, Duration.ofMinutes(10)),
                new TokenNodeProperties.SessionsCache(10_000)));
        assertThat(catchUp.tenant("caught")).isTrue();
        appendCommitted(List.of(api("caught", "api_caught", "https://caught.test", 90)));

        assertThat(node.api("caught", "https://caught.test")).as("an audience read from the store after the watermark")
                .hasValueSatisfying(a -> assertThat(a.tokenLifetime()).isEqualTo(90));
    }

    /**
     * An event the configuration view cannot apply (a signing key that does not open with this node's master key) is
     * history already; the view goes on without it and says so: failing, with the event, in /admin/projections and
     * the health indicator.
     */
    @Test
    void anEventTheConfigurationCannotApplyMakesItFailingAndHealthSaysSo() {
        TestHttp admin = new TestHttp("http://localhost:" + port, "token-service-admin-token");
        List<GenericDomainEventMessage<?>> tenant = tenantWithKey("unopenable");
        SigningKeyAdded key = (SigningKeyAdded) tenant.get(1).getPayload();
        SigningKeyAdded sealedForAnother = new SigningKeyAdded(key.tenantId(), key.kid(), key.alg(),
                key.publicJwk(), masterKey.seal("{}".getBytes(StandardCharsets.UTF_8), "another tenant"), key.createdAt());
        appendCommitted(List.of(tenant.get(0),
                new GenericDomainEventMessage<>("Tenant", "tenant:unopenable", 1, sealedForAnother)));

        Response status = admin.admin("GET", "/admin/projections/token-config", null);
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.json().get("status").asString()).isEqualTo("failing");
        assertThat(status.json().get("failure").get("message").asString()).contains("SigningKeyAdded");
        assertThat(admin.admin("GET", "/admin/projections/token-revocations", null).json().get("status").asString())
                .isEqualTo("live");
        Response health = admin.get("/actuator/health");
        assertThat(health.status()).isEqualTo(503);
    }

    private List<GenericDomainEventMessage<?>> tenantWithKey(String tenantId) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID(tenantId + "-k1").keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).generate();
            String sealed = masterKey.seal(key.toJSONString().getBytes(StandardCharsets.UTF_8),
                    SigningKeyAdded.associatedData(tenantId, key.getKeyID()));
            String aggregate = "tenant:" + tenantId;
            return List.of(
                    new GenericDomainEventMessage<>("Tenant", aggregate, 0, new TenantCreated(tenantId, tenantId, SigningAlgorithm.ES256, T0)),
                    new GenericDomainEventMessage<>("Tenant", aggregate, 1, new SigningKeyAdded(tenantId, key.getKeyID(),
                            SigningAlgorithm.ES256, key.toPublicJWK().toJSONString(), sealed, T0)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static GenericDomainEventMessage<?> api(String tenantId, String apiId, String audience, long lifetime) {
        return new GenericDomainEventMessage<>("Api", apiId, 0,
                new ApiRegistered(apiId, tenantId, audience, "API", lifetime, null, List.of(), false, T0));
    }

    private static GenericDomainEventMessage<?> client(String tenantId, String clientId, String secret) {
        return new GenericDomainEventMessage<>("Client", clientId, 0, new ClientRegistered(clientId, tenantId, "m2m",
                AppType.NON_INTERACTIVE, List.of("client_credentials"), SecretHash.of(secret), Map.of(), 36000L, ClientUrls.NONE, ClientSessionLimits.NONE, T0));
    }

    /** Appends as the command bus does: in a unit of work bound to a database transaction. */
    private void appendCommitted(List<? extends GenericDomainEventMessage<?>> events) {
        DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        uow.attachTransaction(transactionManager);
        publish(events);
        uow.commit();
    }

    private void publish(List<? extends GenericDomainEventMessage<?>> events) {
        eventStore.publish(new ArrayList<>(events));
    }
}
