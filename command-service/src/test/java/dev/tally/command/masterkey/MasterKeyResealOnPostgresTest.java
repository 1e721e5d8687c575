package dev.tally.command.masterkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tally.command.CommandServiceTestApplication;
import dev.tally.command.tenant.SigningKeyFactory;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Re-sealing on real PostgreSQL, through {@code POST /admin/master-key/reseal}: two command nodes at once record one
 * {@code SigningKeyResealed} per key, and a key under a master key the ring lacks is a 409 that names it and stops a
 * command node's start.
 */
@SpringBootTest(classes = CommandServiceTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MasterKeyResealOnPostgresTest {
    static final String ADMIN = "master-key-reseal-admin-token";
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_reseal");
    static final MasterKey A = key(1);
    static final MasterKey B = key(2);
    static final MasterKey C = key(3);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> base64(2));
        registry.add("tally.master-key-previous", () -> base64(1));
    }

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    EventStorageEngine storage;
    @Autowired
    TransactionManager transactionManager;

    private static String base64(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static MasterKey key(int fill) {
        return MasterKey.fromBase64(base64(fill));
    }

    @Test
    void resealOnTwoNodesAtOnceRecordsExactlyOneResealPerKey() throws Exception {
        try (ConfigurableApplicationContext second = secondNode()) {
            Set<String> underA = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                String tenant = "twonodes-" + i;
                createTenant(tenant);
                underA.add(tenant + "/" + addKeySealedUnder(A, tenant));
            }
            TestHttp one = new TestHttp("http://localhost:" + port, ADMIN);
            TestHttp two = new TestHttp("http://localhost:" + second.getEnvironment().getProperty("local.server.port"), ADMIN);

            List<Response> answers = concurrently(() -> one.admin("POST", "/admin/master-key/reseal", null),
                    () -> two.admin("POST", "/admin/master-key/reseal", null));

            List<String> reported = new ArrayList<>();
            for (Response answer : answers) {
                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                assertThat(answer.json().get("primary").asString()).isEqualTo(B.fingerprint());
                for (JsonNode r : answer.json().get("resealed")) {
                    reported.add(r.get("tenant").asString() + "/" + r.get("kid").asString());
                }
            }
            assertThat(reported).as("each key re-sealed by one node only").containsExactlyInAnyOrderElementsOf(underA);
        }
        List<SigningKeyResealed> recorded = resealed("twonodes-");
        assertThat(recorded.stream().map(r -> r.tenantId() + "/" + r.kid()).toList()).hasSize(30).doesNotHaveDuplicates();
        assertThat(recorded).allSatisfy(r -> assertThat(MasterKey.sealedBy(r.sealedPrivateJwk())).isEqualTo(B.fingerprint()));
        Response again = new TestHttp("http://localhost:" + port, ADMIN).admin("POST", "/admin/master-key/reseal", null);
        assertThat(again.json().get("resealed").size()).as(again.toString()).isZero();
    }

    @Test
    void resealWhenAKeyIsUnderAMasterKeyTheRingLacksThenConflictAndRefusedStartNamingTenantKeyFingerprintAndSetting() {
        TestHttp http = new TestHttp("http://localhost:" + port, ADMIN);
        createTenant("lost-key");
        String kid = addKeySealedUnder(C, "lost-key");
        try {
            Response refused = http.admin("POST", "/admin/master-key/reseal", null);

            assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
            assertThat(refused.json().get("detail").asString()).contains("tenant 'lost-key'").contains("'" + kid + "'")
                    .contains(C.fingerprint()).contains("tally.master-key-previous");
            assertThat(resealed("lost-key")).isEmpty();

            // a command node starting with this ring re-seals at start-up (it holds a previous key) and cannot
            Throwable notStarted = catchThrowable(() -> secondNode().close());
            assertThat(notStarted).as("the start is refused").isNotNull();
            assertThat(messages(notStarted)).contains("tenant 'lost-key'").contains("'" + kid + "'")
                    .contains(C.fingerprint()).contains("tally.master-key-previous");
        } finally {
            assertThat(http.admin("DELETE", "/admin/tenants/lost-key", null).status()).isEqualTo(204);
        }
        assertThat(http.admin("POST", "/admin/master-key/reseal", null).status())
                .as("a deleted tenant's keys are never needed again").isEqualTo(200);
    }

    /** Another command node on the same database, with the same ring (primary B, previous A). */
    private static ConfigurableApplicationContext secondNode() {
        return new SpringApplicationBuilder(CommandServiceTestApplication.class)
                .properties("server.port=0", "spring.datasource.url=" + DB.jdbcUrl(), "spring.datasource.username=" + DB.user(),
                        "spring.datasource.password=" + DB.password(), "tally.admin-token=" + ADMIN,
                        "tally.master-key=" + base64(2), "tally.master-key-previous=" + base64(1))
                .run();
    }

    private static String messages(Throwable thrown) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private void createTenant(String id) {
        Response created = new TestHttp("http://localhost:" + port, ADMIN).admin("POST", "/admin/tenants",
                Map.of("id", id, "name", id));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    /**
     * A further key of the tenant, pre-published as a rotation records one, but sealed under {@code key} (as if made
     * before the master key changed).
     */
    private String addKeySealedUnder(MasterKey key, String tenant) {
        Instant now = Instant.now();
        SigningKeyCreated added = new SigningKeyFactory(key).newKey(tenant, SigningAlgorithm.ES256, now,
                now.plusSeconds(86_400), "rotation_requested");
        String aggregate = TenantIds.aggregateId(tenant);
        long next = eventStore.lastSequenceNumberFor(aggregate).orElseThrow() + 1;
        DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        uow.attachTransaction(transactionManager);
        eventStore.publish(new GenericDomainEventMessage<>("Tenant", aggregate, next, added));
        uow.commit();
        return added.kid();
    }

    private List<SigningKeyResealed> resealed(String tenantPrefix) {
        List<SigningKeyResealed> found = new ArrayList<>();
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(null, false)) {
            events.forEach(e -> {
                if (e.getPayload() instanceof SigningKeyResealed r && r.tenantId().startsWith(tenantPrefix)) {
                    found.add(r);
                }
            });
        }
        return found;
    }

    @SafeVarargs
    private static <T> List<T> concurrently(Callable<T>... calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.length);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
