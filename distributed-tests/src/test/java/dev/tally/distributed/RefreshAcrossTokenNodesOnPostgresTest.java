package dev.tally.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.testsupport.FaultyTcpProxy;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two token-service nodes, each a separate application sending its commands over HTTP to its own command-service node,
 * all on one PostgreSQL database: one refresh token presented to both at the same moment gets one successor, round
 * after round: with the default leeway both requests get the same token (one rotation, one replay), with leeway 0 one
 * is granted and the other is a reuse, never a 500. A command service that cannot be reached, or whose store fails, is
 * a 503 that decides nothing; one whose answer is lost after the rotation committed is a 503 too, and the retry gets
 * the successor the rotation recorded.
 *
 * <pre>
 *   token A ──HTTP──> command 1 ──> PostgreSQL
 *   token B ──HTTP (through a cuttable proxy)──> command 2 ──(through a cuttable proxy)──> PostgreSQL
 * </pre>
 *
 * The token nodes' in-memory views are fed by their start-up replay only (no Kafka here), so the tenant, API, client
 * and user are made before they start; families and their decisions live in the command service and need no view.
 */
class RefreshAcrossTokenNodesOnPostgresTest {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_dist_refresh");
    static final String TENANT = "dual";
    static final String AUDIENCE = "https://api.dual.test";
    static final int ROUNDS = 20;

    static FaultyTcpProxy databaseProxy;
    static FaultyTcpProxy transportProxy;
    static final List<ConfigurableApplicationContext> services = new ArrayList<>();
    static TestHttp nodeA;
    static TestHttp nodeB;
    static String clientId;
    static String clientSecret;
    /** A client with refresh leeway 0: every second presentation of a token is reuse. */
    static String strictId;
    static String strictSecret;

    @BeforeAll
    static void deploy() throws Exception {
        databaseProxy = new FaultyTcpProxy(DB.host(), DB.port());
        ConfigurableApplicationContext command1 = start(Services.command(Services.environment(DB)));
        // prepareThreshold=0: every statement's SQL text crosses the wire, so the proxy can recognise the append
        ConfigurableApplicationContext command2 = start(Services.command(Services.environment(
                DB.jdbcUrlVia(databaseProxy.port(), "prepareThreshold=0"), DB)));
        transportProxy = new FaultyTcpProxy("127.0.0.1", Services.port(command2));

        TestHttp admin = new TestHttp(Services.url(command1), Services.ADMIN_TOKEN);
        created(admin.admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", "Two token nodes")));
        created(admin.admin("POST", "/admin/tenants/" + TENANT + "/apis", Map.of("identifier", AUDIENCE, "name", "Orders",
                "token_lifetime", 600, "scopes", List.of("read:orders"), "allow_offline_access", true)));
        Response client = created(admin.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "Shop",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token"))));
        clientId = client.text("client_id");
        clientSecret = client.text("client_secret");
        Response strict = created(admin.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "Strict",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token"),
                "refresh_token", Map.of("leeway", 0))));
        strictId = strict.text("client_id");
        strictSecret = strict.text("client_secret");
        created(admin.admin("POST", "/admin/tenants/" + TENANT + "/users", Map.of("username", "alice",
                "password", "correct horse battery staple")));

        nodeA = new TestHttp(Services.url(start(Services.token(Services.environment(DB), Services.url(command1)))), null);
        nodeB = new TestHttp(Services.url(start(Services.token(Services.environment(DB),
                "http://127.0.0.1:" + transportProxy.port()))), null);
    }

    @AfterAll
    static void undeploy() throws Exception {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        transportProxy.close();
        databaseProxy.close();
    }

    /** Two tabs on two token nodes: both get the one successor, and nothing is revoked. */
    @Test
    void oneRefreshTokenPresentedToBothNodesAtOnceGivesBothTheSameSuccessor() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            // the node that starts the family has it in its command node's cache; alternate, so neither is always first
            String token = refreshTokenFrom(round % 2 == 0 ? nodeA : nodeB, clientId, clientSecret);
            List<Response> answers = atOnce(token, clientId, clientSecret);
            Response a = answers.get(0);
            Response b = answers.get(1);

            assertThat(answers).as("round %d: A %s, B %s", round, a, b).allSatisfy(r ->
                    assertThat(r.status()).isEqualTo(200));
            assertThat(a.text("refresh_token")).as("round %d: one successor", round).isEqualTo(b.text("refresh_token"))
                    .isNotEqualTo(token);
            assertThat(a.text("access_token")).isNotEqualTo(b.text("access_token"));
            String family = RefreshTokens.familyOf(token);
            assertThat(count(family, "TokenRotated")).as("round %d", round).isEqualTo(1);
            assertThat(count(family, "RefreshTokenReplayed")).as("round %d", round).isEqualTo(1);
            assertThat(count(family, "RefreshTokenFamilyRevoked")).as("round %d", round).isZero();
            assertThat(refresh(round % 2 == 0 ? nodeB : nodeA, a.text("refresh_token"), clientId, clientSecret).status())
                    .as("round %d: the successor rotates", round).isEqualTo(200);
        }
        System.out.printf("%d rounds with the default leeway: rotations that lost an append race on a command node "
                + "and were retried: %.0f%n", ROUNDS, lostRaces());
    }

    /** With leeway 0 the second presentation is a reuse: exactly one is granted, and the family ends. */
    @Test
    void withLeewayZeroOneRefreshTokenPresentedToBothNodesAtOnceIsGrantedExactlyOnce() throws Exception {
        int wonByA = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            String token = refreshTokenFrom(round % 2 == 0 ? nodeA : nodeB, strictId, strictSecret);
            List<Response> answers = atOnce(token, strictId, strictSecret);
            Response a = answers.get(0);
            Response b = answers.get(1);

            List<Response> granted = answers.stream().filter(r -> r.status() == 200).toList();
            List<Response> refused = answers.stream().filter(r -> r.status() != 200).toList();
            assertThat(granted).as("round %d: A %s, B %s", round, a, b).hasSize(1);
            assertThat(granted.get(0).text("refresh_token")).isNotEqualTo(token);
            assertThat(refused).as("round %d", round).singleElement().satisfies(r -> {
                assertThat(r.status()).as(r.toString()).isEqualTo(400);
                assertThat(r.text("error")).isEqualTo("invalid_grant");
            });
            String family = RefreshTokens.familyOf(token);
            assertThat(count(family, "TokenRotated")).as("round %d", round).isEqualTo(1);
            assertThat(count(family, "ReuseDetected")).as("the later presentation is a reuse").isEqualTo(1);
            assertThat(count(family, "RefreshTokenFamilyRevoked")).isEqualTo(1);
            if (a.status() == 200) {
                wonByA++;
            }
        }
        System.out.printf("%d rounds with leeway 0: node A won %d, node B won %d%n", ROUNDS, wonByA, ROUNDS - wonByA);
    }

    /**
     * The rotation commits in the command service and its answer never reaches the token node (a timeout between the
     * services): the client gets 503, sends the same token again, and gets the successor the rotation recorded,
     * recorded as a replay. Never a reuse.
     */
    @Test
    void aRotationWhoseAnswerIsLostBetweenTheServicesIsA503AndTheRetryGetsTheSuccessorItRecorded() {
        String token = refreshTokenFrom(nodeA, clientId, clientSecret);
        String family = RefreshTokens.familyOf(token);
        int droppedBefore = transportProxy.droppedAnswers();

        transportProxy.dropAnswerWhenClientSends("RotateRefreshToken");
        Response lost = refresh(nodeB, token, clientId, clientSecret);

        assertThat(transportProxy.droppedAnswers()).as("the proxy dropped the answer").isEqualTo(droppedBefore + 1);
        assertThat(lost.status()).as(lost.toString()).isEqualTo(503);
        assertThat(lost.text("error")).isEqualTo("temporarily_unavailable");
        assertThat(count(family, "TokenRotated")).as("the rotation committed").isEqualTo(1);

        Response retry = refresh(nodeB, token, clientId, clientSecret);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
        assertThat(count(family, "RefreshTokenReplayed")).as("the retry is a replay").isEqualTo(1);
        assertThat(count(family, "ReuseDetected")).isZero();
        Response again = refresh(nodeA, token, clientId, clientSecret);
        assertThat(again.text("refresh_token")).as("the same successor on the other node")
                .isEqualTo(retry.text("refresh_token"));
        assertThat(refresh(nodeA, retry.text("refresh_token"), clientId, clientSecret).status())
                .as("and the successor rotates").isEqualTo(200);
    }

    @Test
    void aCommandServiceThatCannotBeReachedIsA503AndTheSameTokenWorksAfterwards() {
        String token = refreshTokenFrom(nodeA, clientId, clientSecret);
        int cutsBefore = transportProxy.cuts();

        transportProxy.cutWhenClientSends("RotateRefreshToken");
        Response during = refresh(nodeB, token, clientId, clientSecret);

        assertThat(transportProxy.cuts()).as("the proxy cut the command in flight").isEqualTo(cutsBefore + 1);
        assertThat(during.status()).as(during.toString()).isEqualTo(503);
        assertThat(during.text("error")).isEqualTo("temporarily_unavailable");
        String family = RefreshTokens.familyOf(token);
        assertThat(count(family, "TokenRotated")).as("nothing was decided").isZero();

        Response after = refresh(nodeB, token, clientId, clientSecret);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(refresh(nodeA, after.text("refresh_token"), clientId, clientSecret).status()).as("and its successor works on the other node")
                .isEqualTo(200);
    }

    @Test
    void aCommandServiceWhoseStoreFailsIsA503AndTheSameTokenWorksAfterwards() {
        String token = refreshTokenFrom(nodeA, clientId, clientSecret);
        int cutsBefore = databaseProxy.cuts();

        databaseProxy.cutWhenClientSends("INSERT INTO domain_event_entry");
        Response during = refresh(nodeB, token, clientId, clientSecret);

        assertThat(databaseProxy.cuts()).as("the proxy cut the append in flight").isEqualTo(cutsBefore + 1);
        assertThat(during.status()).as(during.toString()).isEqualTo(503);
        assertThat(during.text("error")).isEqualTo("temporarily_unavailable");
        String family = RefreshTokens.familyOf(token);
        assertThat(count(family, "TokenRotated")).as("nothing was recorded").isZero();

        Response after = refresh(nodeB, token, clientId, clientSecret);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
    }

    // ---- helpers

    /** RotateRefreshToken commands the command nodes answered with a lost append race (the token endpoint retried them). */
    private static double lostRaces() {
        double total = 0;
        for (ConfigurableApplicationContext service : services) {
            var registry = service.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class).getIfAvailable();
            var counter = registry == null ? null : registry.find(dev.tally.transport.InternalCommandEndpoint.METRIC)
                    .tags("command", "RotateRefreshToken", "outcome", "concurrency").counter();
            total += counter == null ? 0 : counter.count();
        }
        return total;
    }

    private static ConfigurableApplicationContext start(ConfigurableApplicationContext service) {
        services.add(service);
        return service;
    }

    private static Response created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response;
    }

    /** Both nodes present the token at the same moment; their answers, A's first. */
    private static List<Response> atOnce(String token, String id, String secret) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch ready = new CountDownLatch(2);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (TestHttp node : List.of(nodeA, nodeB)) {
                answers.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return refresh(node, token, id, secret);
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            return List.of(answers.get(0).get(60, TimeUnit.SECONDS), answers.get(1).get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    /** A new family: the password grant with offline_access on the node. */
    private static String refreshTokenFrom(TestHttp node, String id, String secret) {
        Response login = node.form("/t/" + TENANT + "/oauth/token", TestHttp.params("grant_type", "password",
                "username", "alice", "password", "correct horse battery staple", "audience", AUDIENCE,
                "scope", "read:orders offline_access"), id, secret);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertThat(login.text("refresh_token")).as(login.toString()).isNotNull();
        return login.text("refresh_token");
    }

    private static Response refresh(TestHttp node, String token, String id, String secret) {
        return node.form("/t/" + TENANT + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "refresh_token", token), id, secret);
    }

    /** How many events of this simple type the family has in the store. */
    private static int count(String familyId, String type) {
        try (Connection c = DB.connect(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND payload_type LIKE ?")) {
            s.setString(1, familyId);
            s.setString(2, "%$" + type);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
