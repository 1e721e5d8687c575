package dev.tally.distributed;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.services.token.TokenServiceApplication;
import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.FaultyTcpProxy;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.RefreshTabs;
import dev.tally.testsupport.RefreshTabs.FollowUp;
import dev.tally.testsupport.RefreshTabs.Plan;
import dev.tally.testsupport.RefreshTabs.Tally;
import dev.tally.testsupport.ServiceProcess;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 14 across two token nodes: browser tabs that keep one refresh token in one shared storage ({@link RefreshTabs})
 * refresh at the same moment, 2, 5 and 20 of them, each round's tabs alternating between the two nodes, and each tab
 * presenting a token again on the other node. The token nodes are processes of their own, so one can really die: in
 * the kill rounds one node is killed with SIGKILL while a refresh of the round is in flight on it, and its tabs, having
 * lost their answers, present the same token to the other node; the dead node is started again for the rounds after.
 *
 * <pre>
 *   tab ──> token A (process) ──HTTP, through a proxy──> command service ──> PostgreSQL
 *                └── issuance records, through a proxy ──> PostgreSQL
 *   tab ──> token B (process), likewise through proxies of its own
 *   command service ──relay──> Kafka ──> token A, token B (their views: revocations, configuration)
 * </pre>
 *
 * What a kill interrupts is made certain by the proxies, not left to timing: by turns the node's command to the family
 * is held before the command service gets it (nothing is decided), or the family has decided and committed (with the
 * records of the tokens the node is about to hand out, when the node knew the family) and its answer is held before
 * the node gets it (decided, never answered); the node is killed while it waits.
 *
 * <p>What it proves, counted over every round and asserted at the end (the counts are in the messages): every 200 of
 * the tabs that presented one token, on either node, first try or retry after a lost answer or a 503, carries the same
 * new refresh token; no round revokes its family (no {@code RefreshTokenFamilyRevoked} in the store); every tab,
 * refreshing once more from the storage, gets 200; nothing but 200 or 503 (or, in the kill rounds, a lost answer) is
 * answered, and each is followed by a 200 for the same token. Each family ends with a genuine reuse, by turns of a
 * token two generations old and of its first token: invalid_grant, the family revoked for reuse in the store, its latest refresh token and (once Kafka
 * has brought the revocation) access token inactive at introspection on both nodes. The writes' order is shuffled by
 * a seeded random; the seed is printed ({@code -Dtally.race.seed=} repeats it).
 */
class RefreshRaceAcrossTokenNodesOnPostgresTest {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_dist_race");
    static final String TENANT = "tabs";
    static final String AUDIENCE = "https://api.tabs.test";
    static final String PASSWORD = "correct horse battery staple";
    static final long SEED = Long.getLong("tally.race.seed", System.nanoTime());
    static final Duration STARTUP = Duration.ofSeconds(180);
    static final int KILLS = 5;

    static EmbeddedKafka kafka;
    static ConfigurableApplicationContext command;
    static Connection store;
    static TokenNode a;
    static TokenNode b;
    static String clientId;
    static String clientSecret;

    @BeforeAll
    static void deploy() throws Exception {
        long started = System.nanoTime();
        kafka = EmbeddedKafka.start();
        command = Services.command(stream(Services.environment(DB)));
        TestHttp admin = new TestHttp(Services.url(command), Services.ADMIN_TOKEN);
        created(admin.admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", "Tabs")));
        created(admin.admin("POST", "/admin/tenants/" + TENANT + "/apis", Map.of("identifier", AUDIENCE, "name", "Orders",
                "token_lifetime", 600, "scopes", List.of("read:orders"), "allow_offline_access", true)));
        Response client = created(admin.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "Shop",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token"))));
        clientId = client.text("client_id");
        clientSecret = client.text("client_secret");
        created(admin.admin("POST", "/admin/tenants/" + TENANT + "/users", Map.of("username", "alice",
                "password", PASSWORD)));
        store = DB.connect();
        a = new TokenNode("token-a");
        b = new TokenNode("token-b");
        a.start();
        b.start();
        System.out.printf("deployed in %d s: command service, Kafka, token nodes %s and %s%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), a, b);
    }

    @AfterAll
    static void undeploy() throws Exception {
        for (TokenNode node : new TokenNode[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
        if (command != null) {
            command.close();
        }
        if (store != null) {
            store.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void twoTabsAlternatingBetweenTheNodesAlwaysGetOneSuccessorAndNeverRevokeTheirFamily() throws Exception {
        Run run = race(2, 150, 50, RefreshRaceAcrossTokenNodesOnPostgresTest::plan);
        assertRace(run, 150);
    }

    @Test
    void fiveTabsAlternatingBetweenTheNodesAlwaysGetOneSuccessorAndNeverRevokeTheirFamily() throws Exception {
        Run run = race(5, 100, 25, RefreshRaceAcrossTokenNodesOnPostgresTest::plan);
        assertRace(run, 100);
    }

    @Test
    void twentyTabsAlternatingBetweenTheNodesAlwaysGetOneSuccessorAndNeverRevokeTheirFamily() throws Exception {
        Run run = race(20, 50, 10, RefreshRaceAcrossTokenNodesOnPostgresTest::plan);
        assertRace(run, 50);
    }

    /**
     * Rounds of five tabs; every third one kills a node while a refresh is in flight on it (by turns A and B, held by
     * turns before and after the family decided), and the round after starts it again on its port.
     */
    @Test
    void aTokenNodeKilledWhileARefreshIsInFlightLeavesItsTabsTheSameSuccessorOnTheOtherNode() throws Exception {
        List<String> kills = new ArrayList<>();
        int rounds = 3 * KILLS;
        Run run = race(5, rounds, 5, round -> {
            for (TokenNode node : new TokenNode[] {a, b}) {
                if (!node.up()) {
                    long started = System.nanoTime();
                    node.start();
                    kills.add(node + " started again in " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
                }
            }
            Plan plan = Plan.of(round % 2 == 0 ? FollowUp.ONE_BY_ONE : FollowUp.AT_ONCE);
            if (round % 3 != 1) {
                return plan;
            }
            int kill = round / 3;
            TokenNode victim = kill % 2 == 0 ? a : b;
            boolean decided = (kill / 2) % 2 == 1;
            FaultyTcpProxy proxy = victim.commands;
            int held = proxy.holds();
            // The command names its type in the HTTP body. Before: the command never reaches the command service.
            // After: the family decides and commits (with the tokens' records, when the node knew the family), and its
            // answer never reaches the node.
            if (decided) {
                proxy.holdAnswerWhenClientSends("RotateRefreshToken");
            } else {
                proxy.holdWhenClientSends("RotateRefreshToken");
            }
            return plan.whileInFlight(() -> {
                await("a refresh held on its way " + (decided ? "back to " + victim + " from the command service"
                                : "from " + victim + " to the command service"),
                        Duration.ofSeconds(30), () -> proxy.holds() > held);
                int exit = victim.kill();
                kills.add(victim + " killed with exit status " + exit + (decided ? " after its family decided"
                        : " before its family decided"));
            });
        });
        System.out.printf("kills: %s%n", kills);

        assertRoundInvariants(run.tally(), rounds);
        assertThat(kills.stream().filter(k -> k.contains("killed with exit status " + ServiceProcess.KILLED)).count())
                .as("nodes killed with SIGKILL while a refresh was held: %s", kills).isEqualTo(KILLS);
        assertThat(run.tally().lost()).as("answers lost to a killed node").isPositive();
        assertThat(run.reuseProblems()).as("what went wrong in the genuine reuses that ended %d families (seed %d)",
                run.reuses(), SEED).isEmpty();
    }

    static Plan plan(int round) {
        Plan plan = Plan.of(round % 2 == 0 ? FollowUp.ONE_BY_ONE : FollowUp.AT_ONCE);
        return round % 4 == 3 ? plan.droppingOne(round % 8 == 7) : plan;
    }

    /** What a race showed: its tally, and what went wrong when its families ended with a genuine reuse. */
    record Run(Tally tally, int reuses, List<String> reuseProblems) {
    }

    /** A login with the password grant and {@code offline_access}: a new family. */
    record Login(String refreshToken, String accessToken) implements RefreshTabs.Family {
    }

    /**
     * The rounds; a tab's first presentation goes to node A or B by turns (tab and round), each retry to the other
     * node, and never to a node that is down. Each family that came through unbroken ends with a genuine reuse.
     */
    Run race(int tabs, int rounds, int roundsPerFamily, IntFunction<Plan> plans) throws Exception {
        long started = System.nanoTime();
        List<String> reuseProblems = new ArrayList<>();
        int[] reuses = {0};
        Tally tally;
        try (RefreshTabs race = new RefreshTabs(tabs, "/t/" + TENANT + "/oauth/token", clientId, clientSecret,
                (tab, round, attempt) -> node(tab + round + attempt).url(), SEED, family -> count(family,
                "RefreshTokenFamilyRevoked") > 0)) {
            race.run(rounds, roundsPerFamily, plans, new RefreshTabs.Families<Login>() {
                private int logins;

                @Override
                public Login login() {
                    Response r = new TestHttp(node(logins++).url(), null).form("/t/" + TENANT + "/oauth/token",
                            TestHttp.params("grant_type", "password", "username", "alice", "password", PASSWORD,
                                    "audience", AUDIENCE, "scope", "read:orders offline_access"), clientId, clientSecret);
                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                    assertThat(r.text("refresh_token")).as(r.toString()).isNotNull();
                    return new Login(r.text("refresh_token"), r.text("access_token"));
                }

                @Override
                public void end(Login login, RefreshTabs tabsOfTheFamily, int index) {
                    reuses[0]++;
                    reuseProblems.addAll(endWithAGenuineReuse(tabsOfTheFamily, index));
                }
            });
            tally = race.tally();
        }
        System.out.printf("refresh race across two token nodes, %d tabs: %s; %d genuine reuses; seed %d; %d s%n", tabs,
                tally, reuses[0], SEED, Duration.ofNanos(System.nanoTime() - started).toSeconds());
        return new Run(tally, reuses[0], reuseProblems);
    }

    /** The node for this turn, or the other one when it is down. */
    static TokenNode node(int turn) {
        TokenNode node = turn % 2 == 0 ? a : b;
        TokenNode other = node == a ? b : a;
        return node.up() ? node : other;
    }

    static void assertRace(Run run, int rounds) {
        assertRoundInvariants(run.tally(), rounds);
        assertThat(run.tally().dropped()).as("rounds that dropped an answer").isPositive();
        assertThat(run.tally().abandonedGranted()).as("dropped answers the server had answered 200").isPositive();
        assertThat(run.tally().lost()).as("connections lost to nodes that did not go away").isZero();
        assertThat(run.reuseProblems()).as("what went wrong in the genuine reuses that ended %d families (seed %d)",
                run.reuses(), SEED).isEmpty();
    }

    /** The invariants of every round, with the counts in the messages ({@link Tally#violations}). */
    static void assertRoundInvariants(Tally t, int rounds) {
        assertThat(t.violations(rounds, SEED)).as("invariants of %d rounds", rounds).isEmpty();
    }

    /**
     * A genuine reuse, presented to one node: by turns a token two generations old and the family's first token,
     * dozens of generations back. Invalid_grant, the family revoked for reuse, and its current refresh token and
     * latest access token inactive on both nodes (on each that is up). Answers what went wrong.
     */
    static List<String> endWithAGenuineReuse(RefreshTabs race, int index) {
        List<String> problems = new ArrayList<>();
        String family = race.familyId();
        List<String> chain = race.chain();
        String current = chain.getLast();
        TokenNode node = node(index / 2);
        boolean first = index % 2 == 1;
        String how = first ? "the family's first token (of " + chain.size() + ")" : "a token two generations old";
        Response reuse = refresh(node, first ? chain.getFirst() : chain.get(chain.size() - 3));
        if (reuse.status() != 400 || !"invalid_grant".equals(reuse.text("error"))) {
            problems.add(family + ": " + how + " at " + node + " got " + reuse + ", not invalid_grant");
        }
        List<String> revoked = payloads(family, "RefreshTokenFamilyRevoked");
        if (revoked.size() != 1 || !revoked.get(0).contains("\"reason\":\"REUSE\"")) {
            problems.add(family + ": after the reuse the store has these revocations: " + revoked);
        }
        for (TokenNode each : new TokenNode[] {a, b}) {
            if (!each.up()) {
                continue; // killed in the round before; it starts again with the next round
            }
            Response after = refresh(each, current);
            if (after.status() != 400) {
                problems.add(family + ": its current token after the reuse got " + after + " at " + each);
            }
            if (active(each, current)) {
                problems.add(family + ": its current refresh token is active at introspection on " + each);
            }
            try {
                await(family + "'s latest access token inactive on " + each, Duration.ofSeconds(30),
                        () -> !active(each, race.latestAccessToken()));
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    static Response refresh(TokenNode node, String refreshToken) {
        return new TestHttp(node.url(), null).form("/t/" + TENANT + "/oauth/token", TestHttp.params(
                "grant_type", "refresh_token", "refresh_token", refreshToken), clientId, clientSecret);
    }

    static boolean active(TokenNode node, String token) {
        Response r = new TestHttp(node.url(), null).form("/t/" + TENANT + "/oauth/introspect",
                TestHttp.params("token", token), clientId, clientSecret);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }

    static Response created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response;
    }

    /** The common variables and the event stream: the relay publishes, the token nodes' views follow. */
    static Map<String, String> stream(Map<String, String> environment) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("TALLY_STREAM_ENABLED", "true");
        env.put("TALLY_STREAM_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("TALLY_STREAM_REPLICATION_FACTOR", "1");
        // three services here, and the PostgreSQL server's connections are shared with other test runs
        env.put("TALLY_DB_POOL_SIZE", "4");
        return env;
    }

    /** How many events of this type the family has in the store. */
    static int count(String familyId, String type) {
        return payloads(familyId, type).size();
    }

    static synchronized List<String> payloads(String familyId, String type) {
        try (PreparedStatement s = store.prepareStatement("SELECT payload FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND payload_type LIKE ?")) {
            s.setString(1, familyId);
            s.setString(2, "%$" + type);
            List<String> payloads = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    payloads.add(new String(rs.getBytes(1), StandardCharsets.UTF_8));
                }
            }
            return payloads;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A token node as a process of its own on a port of its own, reaching the command service and the database
     * through proxies of its own that a kill round arms; started again on the same port after a kill. Each start has
     * its own node id, as a new container would have its own host name.
     */
    static final class TokenNode implements AutoCloseable {
        final String name;
        final int port = ServiceProcess.freePort();
        final FaultyTcpProxy commands;
        final FaultyTcpProxy database;
        private volatile ServiceProcess process;
        private int starts;

        TokenNode(String name) {
            this.name = name;
            try {
                this.commands = new FaultyTcpProxy("127.0.0.1", Services.port(command));
                this.database = new FaultyTcpProxy(DB.host(), DB.port());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void start() {
            // prepareThreshold=0: every statement's SQL and parameters cross the wire as text, so the proxy sees them
            Map<String, String> env = Services.tokenEnvironment(stream(Services.environment(
                    DB.jdbcUrlVia(database.port(), "prepareThreshold=0"), DB)), "http://127.0.0.1:" + commands.port());
            env.put("TALLY_TOKEN_NODE_ID", name + "-" + (++starts));
            process = ServiceProcess.start(name + "-" + starts, TokenServiceApplication.class, env, port, STARTUP);
        }

        boolean up() {
            return process != null;
        }

        int kill() {
            int exit = process.kill();
            process = null;
            return exit;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public String toString() {
            return name;
        }

        @Override
        public void close() throws IOException {
            if (process != null) {
                process.close();
            }
            commands.close();
            database.close();
        }
    }
}
