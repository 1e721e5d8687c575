package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.ServiceProcess;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Acknowledged means durable, on the embedded default: the standalone server runs as a process of its own on a data
 * directory this test owns, under concurrent client-credentials load, refresh-token rotations and RFC 7009
 * revocations of access tokens and of refresh tokens (password grant with {@code offline_access}), and is killed with
 * SIGKILL at a random moment, five times, each time started again on the same directory. Every answer the client
 * received counts:
 * <ul>
 *   <li>every token answered 200 has its {@code AccessTokenIssued} in the event store (read from the file between the
 *   kill and the restart, before anything could repair it), and in the audit after the restart; every refresh
 *   answered 200 has its rotation there too (its records are committed with it);</li>
 *   <li>every revocation answered 200 is in the store, introspection of the revoked token says {@code active:false}
 *   after the restart (the token service's own view, rebuilt from the store, no query view involved), and the
 *   revocation list for resource servers lists it; a sample of tokens nobody revoked stays active.</li>
 * </ul>
 * Then the audit projection is replayed and the server killed while the replay runs: after the restart the replay
 * finishes and the audit holds exactly one row per event of the tenant in the store.
 */
class StandaloneCrashTest {
    static final String TENANT = "crash";
    static final String API = "https://api.crash.test";
    static final String PASSWORD = "correct horse battery staple";
    static final int ROUNDS = 5;
    static final int TOKEN_THREADS = 5;
    static final int ACCESS_REVOKE_THREADS = 2;
    static final int REFRESH_REVOKE_THREADS = 1;
    static final int REFRESH_THREADS = 2;
    /** Refreshes of each family a refresh thread starts. */
    static final int REFRESHES_PER_FAMILY = 10;
    static final Duration STARTUP = Duration.ofSeconds(90);
    /** After a kill, a processor claims its segment again once the dead process's claim has timed out (10 s). */
    static final Duration VIEWS_CATCH_UP = Duration.ofSeconds(25);

    @TempDir
    Path dataDir;

    private final String admin = "crash-test-admin-" + Long.toHexString(System.nanoTime());
    private final int port = ServiceProcess.freePort();
    private final Acknowledged acknowledged = new Acknowledged();
    private final long startedAt = System.nanoTime();

    @Test
    void everyAcknowledgedTokenAndRevocationSurvivesSigkillAndAReplayKilledHalfwayFinishes() throws Exception {
        long seed = Long.getLong("tally.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("crash test: seed %d (-Dtally.crash.seed=%d repeats the kill moments)%n", seed, seed);
        List<String> viewProblems = new ArrayList<>();

        ServiceProcess server = start(0);
        try {
            Setup setup = setUp(new TestHttp(server.url(), admin));
            for (int round = 1; round <= ROUNDS; round++) {
                long killAfterMillis = 400 + random.nextInt(2_000);
                Load load = new Load(new TestHttp(server.url(), admin), setup, acknowledged);
                load.start();
                long loadStarted = System.nanoTime();
                Thread.sleep(killAfterMillis);
                acknowledged.awaitEveryKind(Duration.ofSeconds(30));
                long killedAfterMillis = (System.nanoTime() - loadStarted) / 1_000_000;
                int exit = server.kill();
                load.stop();
                assertThat(exit).as("round %d: the server ended by SIGKILL", round).isEqualTo(ServiceProcess.KILLED);
                assertThat(load.unexpectedAnswers).as("round %d: answers other than 200 while the server ran", round)
                        .isEmpty();

                StoreContents store = StoreContents.read(dataDir);
                long missingTokens = acknowledged.tokens.keySet().stream().filter(not(store.issuedJtis::contains)).count();
                long missingAccessRevocations = acknowledged.accessRevocations.keySet().stream()
                        .filter(not(store.revokedJtis::contains)).count();
                long missingFamilyRevocations = acknowledged.refreshRevocations.stream()
                        .filter(r -> !store.revokedFamilies.contains(r.familyId())).count();
                long missingRotations = acknowledged.refreshes.stream().filter(not(store.rotationJtis::contains)).count();
                System.out.printf("round %d (%.1f s into the test): killed after %d ms; acknowledged so far %d tokens (%d this round), %d "
                                + "refreshes, %d access-token revocations, %d refresh-token revocations; missing from the "
                                + "event store: %d tokens, %d rotations, %d access-token revocations, %d refresh-token "
                                + "revocations%n",
                        round, secondsSinceStart(), killedAfterMillis, acknowledged.tokens.size(), load.tokens.get(),
                        acknowledged.refreshes.size(), acknowledged.accessRevocations.size(),
                        acknowledged.refreshRevocations.size(), missingTokens, missingRotations,
                        missingAccessRevocations, missingFamilyRevocations);
                assertThat(missingTokens).as("round %d: acknowledged tokens missing from the event store", round).isZero();
                assertThat(missingRotations).as("round %d: acknowledged refreshes whose rotation is missing from the "
                        + "event store", round).isZero();
                assertThat(missingAccessRevocations).as("round %d: acknowledged access-token revocations missing from "
                        + "the event store", round).isZero();
                assertThat(missingFamilyRevocations).as("round %d: acknowledged refresh-token revocations missing from "
                        + "the event store", round).isZero();

                server = start(round);
                checkIntrospection(new TestHttp(server.url(), admin), setup, round, random);
            }
            assertThat(acknowledged.tokens).as("tokens acknowledged in all rounds").isNotEmpty();
            assertThat(acknowledged.refreshes).as("refreshes acknowledged in all rounds").isNotEmpty();
            assertThat(acknowledged.accessRevocations).as("access-token revocations acknowledged in all rounds").isNotEmpty();
            assertThat(acknowledged.refreshRevocations).as("refresh-token revocations acknowledged in all rounds").isNotEmpty();
            // A crash's gaps are settled for the next process from its start, whatever it holds open (StoreGaps).
            assertThat(server.output()).as("the restarted server knows which indexes its predecessor took")
                    .containsPattern("the event store's indexes below \\d+ were taken before this process opened it");
            // The views keep every row they ever wrote, so one look after the last restart sees what any round lost.
            if (!checkViews(new TestHttp(server.url(), admin), viewProblems)) {
                // Why they lag, from the processors' own tokens, read with the server stopped (the file is locked).
                assertThat(server.kill()).isEqualTo(ServiceProcess.KILLED);
                String tokens = ProcessorTokens.describe(dataDir);
                List<String> processorLines = server.output().lines()
                        .filter(line -> line.contains("WARN") || line.contains("ERROR") || line.contains("Processor"))
                        .toList();
                String processorLog = String.join("\n",
                        processorLines.subList(Math.max(0, processorLines.size() - 40), processorLines.size()));
                String diagnosis = "the processors' tokens when the views lagged:\n" + tokens
                        + "\nthe server's warnings and processor lines:\n" + processorLog;
                System.out.println(diagnosis);
                viewProblems.add(diagnosis);
                server = start(ROUNDS);
            }

            server = killDuringReplayAndRestart(server, viewProblems);
            // One event more, after the last kill's lost indexes: every view reads it in a batch of its own.
            TestHttp http = new TestHttp(server.url(), admin);
            Response token = StandaloneScenario.token(http, TENANT, setup.machine(), API);
            assertThat(token.status()).as(token.toString()).isEqualTo(200);
            assertThat(awaitCaughtUp(http, Duration.ofSeconds(30), "audit", "revocations", "sessions"))
                    .as("the views after one event more").isEmpty();
        } finally {
            server.close();
        }
        // Every index the kills lost lies below that event: the views read past them (the audit's replay read the
        // whole store), and none keeps them as gaps (StoreGaps).
        for (String processor : List.of("query-audit", "query-revocations", "query-sessions")) {
            List<Long> gaps = ProcessorTokens.unstoredGaps(dataDir, processor);
            System.out.printf("%s's token at the end: %d gaps not in the store%n", processor, gaps.size());
            assertThat(gaps).as("gaps the crashes left, in %s's token", processor).isEmpty();
        }
        System.out.printf("crash test (%.1f s): %d rounds, %d acknowledged tokens, %d acknowledged access-token revocations, %d "
                        + "acknowledged refresh-token revocations, none missing from the store, none undone%n",
                secondsSinceStart(), ROUNDS,
                acknowledged.tokens.size(), acknowledged.accessRevocations.size(), acknowledged.refreshRevocations.size());
        assertThat(viewProblems).as("the query views after the restarts").isEmpty();
    }

    /** Introspection is the token service's own answer, from the store via its revocation view and the families. */
    private void checkIntrospection(TestHttp http, Setup setup, int round, Random random) {
        long undoneAccess = acknowledged.accessRevocations.values().stream()
                .filter(token -> active(http, setup, token)).count();
        long undoneRefresh = acknowledged.refreshRevocations.stream()
                .filter(r -> active(http, setup, r.refreshToken())).count();
        long activeAccessOfRevokedFamilies = acknowledged.refreshRevocations.stream()
                .filter(r -> active(http, setup, r.accessToken())).count();
        List<String> unrevoked = new ArrayList<>(acknowledged.tokens.entrySet().stream()
                .filter(e -> e.getValue().startsWith("cc:") && !acknowledged.revocationsSent.contains(e.getKey()))
                .map(e -> e.getValue().substring(3)).toList());
        java.util.Collections.shuffle(unrevoked, random);
        List<String> sample = unrevoked.subList(0, Math.min(20, unrevoked.size()));
        long sampleActive = sample.stream().filter(token -> active(http, setup, token)).count();
        System.out.printf("round %d: after the restart, introspection: %d of %d revoked access tokens active, %d of %d "
                        + "revoked refresh tokens active, %d of %d of their access tokens active; %d of %d unrevoked "
                        + "tokens active%n", round, undoneAccess, acknowledged.accessRevocations.size(), undoneRefresh,
                acknowledged.refreshRevocations.size(), activeAccessOfRevokedFamilies,
                acknowledged.refreshRevocations.size(), sampleActive, sample.size());
        assertThat(undoneAccess).as("round %d: acknowledged access-token revocations undone", round).isZero();
        assertThat(undoneRefresh).as("round %d: acknowledged refresh-token revocations undone", round).isZero();
        assertThat(activeAccessOfRevokedFamilies).as("round %d: access tokens of revoked families active", round).isZero();
        assertThat(sample).isNotEmpty();
        assertThat(sampleActive).as("round %d: tokens nobody revoked, still active", round).isEqualTo(sample.size());
    }

    /**
     * The audit and the revocation list, once their projections have caught up. A view that does not catch up is
     * reported with its status as first and last seen (a position that does not move while the status says "live"
     * is a stalled processor), and the replay still runs.
     */
    private boolean checkViews(TestHttp http, List<String> problems) {
        List<String> lagging = awaitCaughtUp(http, VIEWS_CATCH_UP, "audit", "revocations");
        if (!lagging.isEmpty()) {
            String problem = "projections did not catch up within " + VIEWS_CATCH_UP + ": " + lagging;
            System.out.println(problem);
            problems.add(problem);
        }
        if (lagging.stream().noneMatch(l -> l.startsWith("audit:"))) {
            Set<String> audited = new HashSet<>();
            for (JsonNode event : ndjson(http, "/admin/tenants/" + TENANT + "/audit?type=AccessTokenIssued")) {
                audited.add(event.get("jti").asString());
            }
            long notAudited = acknowledged.tokens.keySet().stream().filter(not(audited::contains)).count();
            System.out.printf("views after the last restart: %d of %d acknowledged tokens not in the audit%n", notAudited,
                    acknowledged.tokens.size());
            if (notAudited > 0) {
                problems.add(notAudited + " acknowledged tokens not in the audit");
            }
        }
        if (lagging.stream().noneMatch(l -> l.startsWith("revocations:"))) {
            Set<String> listedJtis = new HashSet<>();
            Set<String> listedFamilies = new HashSet<>();
            String since = null;
            while (true) {
                Response page = http.admin("GET", "/t/" + TENANT + "/revocations?limit=1000"
                        + (since == null ? "" : "&since=" + since), null);
                assertThat(page.status()).as(page.toString()).isEqualTo(200);
                for (JsonNode entry : page.json().get("revocations")) {
                    switch (entry.get("kind").asString()) {
                        case "jti" -> listedJtis.add(entry.get("jti").asString());
                        case "family" -> listedFamilies.add(entry.get("family_id").asString());
                        default -> { }
                    }
                }
                since = page.text("next_cursor");
                if (!page.json().get("has_more").asBoolean()) {
                    break;
                }
            }
            long notListedJtis = acknowledged.accessRevocations.keySet().stream().filter(not(listedJtis::contains)).count();
            long notListedFamilies = acknowledged.refreshRevocations.stream()
                    .filter(r -> !listedFamilies.contains(r.familyId())).count();
            System.out.printf("views after the last restart: %d of %d revoked access tokens and %d of %d revoked families "
                            + "not in the revocation list%n", notListedJtis, acknowledged.accessRevocations.size(),
                    notListedFamilies, acknowledged.refreshRevocations.size());
            if (notListedJtis + notListedFamilies > 0) {
                problems.add(notListedJtis + " access-token revocations and " + notListedFamilies
                        + " family revocations not in the revocation list");
            }
        }
        return lagging.isEmpty();
    }

    private ServiceProcess killDuringReplayAndRestart(ServiceProcess server, List<String> problems) throws Exception {
        TestHttp http = new TestHttp(server.url(), admin);
        // Killed once the replay has rebuilt some of the audit (a batch committed) and not all of it.
        String killedAt = null;
        for (int attempt = 1; attempt <= 5 && killedAt == null; attempt++) {
            Response replay = http.admin("POST", "/admin/projections/audit/replay", null);
            assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (killedAt == null && System.nanoTime() < deadline) {
                JsonNode status = http.admin("GET", "/admin/projections/audit", null).json();
                if (!"replaying".equals(status.get("status").asString())) {
                    break;
                }
                if (status.get("position").asLong() > 0) {
                    assertThat(server.kill()).isEqualTo(ServiceProcess.KILLED);
                    killedAt = status.toString();
                }
            }
        }
        assertThat(killedAt).as("the server was killed while the audit replayed").isNotNull();
        StoreContents store = StoreContents.read(dataDir);
        System.out.printf("replay: killed while the audit replayed (%s), with %d of the tenant's %d events in the audit "
                + "(its stored token a replay token: %s)%n", killedAt, store.auditRows, store.tenantEventIds.size(),
                store.auditReplaying);
        assertThat(store.auditReplaying).as("the audit's stored token at the kill is a replay token").isTrue();
        assertThat(store.auditRows).as("audit rows at the kill").isLessThan(store.tenantEventIds.size());

        server = start(ROUNDS + 1);
        http = new TestHttp(server.url(), admin);
        List<String> lagging = awaitCaughtUp(http, Duration.ofSeconds(60), "audit");
        assertThat(lagging).as("the replay finished after the restart").isEmpty();
        List<JsonNode> audit = ndjson(http, "/admin/tenants/" + TENANT + "/audit");
        Set<String> auditedIds = new HashSet<>();
        Set<Long> positions = new HashSet<>();
        for (JsonNode event : audit) {
            auditedIds.add(event.get("event_id").asString());
            positions.add(event.get("position").asLong());
        }
        System.out.printf("replay: after the restart the audit has %d rows (%d distinct events, %d distinct positions) for "
                + "the tenant's %d stored events%n", audit.size(), auditedIds.size(), positions.size(),
                store.tenantEventIds.size());
        assertThat(audit).as("audit rows after the replay").hasSize(store.tenantEventIds.size());
        assertThat(auditedIds).as("the audited events are the stored events").isEqualTo(store.tenantEventIds);
        assertThat(positions).hasSize(audit.size());
        return server;
    }

    /**
     * Waits for the named projections to be live with no lag; answers those that were not, each with its status when
     * the wait began and when it ended.
     */
    private static List<String> awaitCaughtUp(TestHttp http, Duration timeout, String... names) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> first = new java.util.HashMap<>();
        while (true) {
            List<String> lagging = new ArrayList<>();
            for (String name : names) {
                JsonNode status = http.admin("GET", "/admin/projections/" + name, null).json();
                first.putIfAbsent(name, status.toString());
                if (!"live".equals(status.get("status").asString()) || status.get("lag_events").asLong() > 0) {
                    lagging.add(name + ": at first " + first.get(name) + ", after " + timeout + " " + status);
                }
            }
            if (lagging.isEmpty() || System.nanoTime() > deadline) {
                return lagging;
            }
            sleep(100);
        }
    }

    private ServiceProcess start(int round) {
        // Query batches of 50 events (not 500, nor the audit's 2,000), so the audit's replay of a few thousand events
        // takes many transactions and a kill lands between two of them.
        return ServiceProcess.start("standalone-crash-" + round, TallyStandalone.class, Map.of("TALLY_DATA_DIR",
                dataDir.toString(), "TALLY_ADMIN_TOKEN", admin, "TALLY_QUERY_BATCH_SIZE", "50",
                "TALLY_QUERY_AUDIT_BATCH_SIZE", "50"), port, STARTUP);
    }

    private static Setup setUp(TestHttp http) {
        StandaloneScenario.createTenant(http, TENANT, null);
        Response api = http.admin("POST", "/admin/tenants/" + TENANT + "/apis", Map.of("identifier", API, "name", "Orders",
                "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true));
        assertThat(api.status()).as(api.toString()).isEqualTo(201);
        Client machine = StandaloneScenario.createMachineClient(http, TENANT);
        Response legacy = http.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "Legacy",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token")));
        assertThat(legacy.status()).as(legacy.toString()).isEqualTo(201);
        Response user = http.admin("POST", "/admin/tenants/" + TENANT + "/users", Map.of("username", "alice",
                "password", PASSWORD));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return new Setup(machine, new Client(legacy.text("client_id"), legacy.text("client_secret")));
    }

    private static boolean active(TestHttp http, Setup setup, String token) {
        Response r = http.form("/t/" + TENANT + "/oauth/introspect", TestHttp.params("token", token),
                setup.machine().id(), setup.machine().secret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }

    private static List<JsonNode> ndjson(TestHttp http, String path) {
        Response r = http.adminGet(path, "application/x-ndjson");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank()) {
                lines.add(TestHttp.parse(line));
            }
        }
        return lines;
    }

    static String jti(String jwt) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return TestHttp.parse(payload).get("jti").asString();
    }

    private double secondsSinceStart() {
        return (System.nanoTime() - startedAt) / 1e9;
    }

    private static <T> Predicate<T> not(Predicate<T> p) {
        return p.negate();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    record Setup(Client machine, Client legacy) {
    }

    record RefreshRevocation(String refreshToken, String accessToken, String familyId) {
    }

    /** Everything a client was told succeeded, over all rounds. */
    static final class Acknowledged {
        /** jti of every token answered 200, to the token ("cc:" + JWT for client-credentials tokens). */
        final Map<String, String> tokens = new ConcurrentHashMap<>();
        /** jti of every access token whose revocation was answered 200, to the token. */
        final Map<String, String> accessRevocations = new ConcurrentHashMap<>();
        /**
         * jti of every access token whose revocation was sent, answered or not: one sent as the server was killed may
         * have been recorded without the client hearing of it, so such a token is no control for "still active".
         */
        final Set<String> revocationsSent = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<RefreshRevocation> refreshRevocations = new ConcurrentLinkedQueue<>();
        /** jti of the access token of every refresh answered 200 (its rotation or replay names it). */
        final Set<String> refreshes = ConcurrentHashMap.newKeySet();

        /**
         * Waits until every kind of write has been acknowledged at least once in the test, or {@code bound} has passed:
         * on a slow or busy machine a few short rounds may otherwise end before the slowest kind (a password grant,
         * then the revocation of its refresh token) was ever answered, and the test would check nothing for it.
         */
        void awaitEveryKind(Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while ((tokens.isEmpty() || accessRevocations.isEmpty() || refreshRevocations.isEmpty()
                    || refreshes.isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    /**
     * Client-credentials requests, revocations of fresh access tokens, and password grants whose refresh token is then
     * revoked, on threads of their own until {@link #stop()}; records what was answered 200. Requests that get no
     * answer (the server was killed under them) record nothing.
     */
    static final class Load {
        private final TestHttp http;
        private final Setup setup;
        private final Acknowledged acknowledged;
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;
        final AtomicInteger tokens = new AtomicInteger();
        final ConcurrentLinkedQueue<String> unexpectedAnswers = new ConcurrentLinkedQueue<>();

        Load(TestHttp http, Setup setup, Acknowledged acknowledged) {
            this.http = http;
            this.setup = setup;
            this.acknowledged = acknowledged;
        }

        void start() {
            for (int i = 0; i < TOKEN_THREADS; i++) {
                threads.add(Thread.ofPlatform().name("crash-tokens-" + i).start(() -> loop(this::clientCredentials)));
            }
            for (int i = 0; i < ACCESS_REVOKE_THREADS; i++) {
                threads.add(Thread.ofPlatform().name("crash-revoke-access-" + i).start(() -> loop(this::revokeAccessToken)));
            }
            for (int i = 0; i < REFRESH_REVOKE_THREADS; i++) {
                threads.add(Thread.ofPlatform().name("crash-revoke-refresh-" + i).start(() -> loop(this::revokeRefreshToken)));
            }
            for (int i = 0; i < REFRESH_THREADS; i++) {
                threads.add(Thread.ofPlatform().name("crash-refresh-" + i).start(() -> loop(this::refreshAFamily)));
            }
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(40));
            }
        }

        private void loop(Runnable step) {
            while (running) {
                try {
                    step.run();
                } catch (IllegalStateException noAnswer) {
                    // the server is gone (killed under this request): nothing was acknowledged
                    if (running) {
                        sleep(20);
                    }
                }
            }
        }

        private String clientCredentials() {
            Response r = StandaloneScenario.token(http, TENANT, setup.machine(), API);
            if (!ok(r, "token")) {
                return null;
            }
            String token = r.text("access_token");
            acknowledged.tokens.put(jti(token), "cc:" + token);
            tokens.incrementAndGet();
            return token;
        }

        private void revokeAccessToken() {
            String token = clientCredentials();
            if (token == null) {
                return;
            }
            acknowledged.revocationsSent.add(jti(token));
            Response r = http.form("/t/" + TENANT + "/oauth/revoke", TestHttp.params("token", token),
                    setup.machine().id(), setup.machine().secret());
            if (ok(r, "revoke access token")) {
                acknowledged.accessRevocations.put(jti(token), token);
            }
        }

        /** A password grant's family, refreshed with the token each answer hands out until one is not answered. */
        private void refreshAFamily() {
            Response grant = passwordGrant();
            String refresh = grant == null ? null : grant.text("refresh_token");
            for (int i = 0; i < REFRESHES_PER_FAMILY && refresh != null && running; i++) {
                Response r = http.form("/t/" + TENANT + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                        "refresh_token", refresh), setup.legacy().id(), setup.legacy().secret());
                if (!ok(r, "refresh")) {
                    return;
                }
                String access = r.text("access_token");
                acknowledged.tokens.put(jti(access), "rt:" + access);
                acknowledged.refreshes.add(jti(access));
                tokens.incrementAndGet();
                refresh = r.text("refresh_token");
            }
        }

        /** A password grant with offline access, its access token acknowledged; null if it was not answered 200. */
        private Response passwordGrant() {
            Response grant = http.form("/t/" + TENANT + "/oauth/token", TestHttp.params("grant_type", "password",
                            "username", "alice", "password", PASSWORD, "audience", API, "scope", "offline_access read:orders"),
                    setup.legacy().id(), setup.legacy().secret());
            if (!ok(grant, "password grant")) {
                return null;
            }
            acknowledged.tokens.put(jti(grant.text("access_token")), "pw:" + grant.text("access_token"));
            tokens.incrementAndGet();
            if (grant.text("refresh_token") == null) {
                unexpectedAnswers.add("password grant without a refresh token: " + grant.body());
                return null;
            }
            return grant;
        }

        private void revokeRefreshToken() {
            Response grant = passwordGrant();
            if (grant == null) {
                return;
            }
            String access = grant.text("access_token");
            String refresh = grant.text("refresh_token");
            Response r = http.form("/t/" + TENANT + "/oauth/revoke", TestHttp.params("token", refresh),
                    setup.legacy().id(), setup.legacy().secret());
            if (ok(r, "revoke refresh token")) {
                acknowledged.refreshRevocations.add(new RefreshRevocation(refresh, access, RefreshTokens.familyOf(refresh)));
            }
        }

        private boolean ok(Response r, String what) {
            if (r.status() == 200) {
                return true;
            }
            unexpectedAnswers.add(what + ": " + r);
            return false;
        }
    }

    /**
     * Each tracking processor's stored token as the kill left it: its index, how many gaps it keeps, and for its oldest
     * gaps whether the store holds them (a gap the store holds is one the processor has not read; one it lacks can
     * only be dead after a restart, since its transaction died with the process).
     */
    static final class ProcessorTokens {
        /** The gaps in the processor's stored tokens that the store does not hold (read with the server stopped). */
        static List<Long> unstoredGaps(Path dataDir, String processor) throws SQLException {
            List<Long> unstored = new ArrayList<>();
            String url = "jdbc:h2:file:" + dataDir.resolve("tally") + ";ACCESS_MODE_DATA=r";
            try (Connection c = DriverManager.getConnection(url, "sa", "");
                 PreparedStatement tokens = c.prepareStatement("SELECT token FROM token_entry WHERE processor_name = ?");
                 PreparedStatement stored = c.prepareStatement(
                         "SELECT COUNT(*) FROM domain_event_entry WHERE global_index = ?")) {
                tokens.setString(1, processor);
                try (ResultSet rs = tokens.executeQuery()) {
                    while (rs.next()) {
                        JsonNode json = TestHttp.parse(new String(rs.getBytes(1), StandardCharsets.UTF_8));
                        JsonNode gapAware = json.has("currentToken") ? json.get("currentToken") : json;
                        for (JsonNode gap : gapAware.path("gaps")) {
                            stored.setLong(1, gap.asLong());
                            try (ResultSet count = stored.executeQuery()) {
                                count.next();
                                if (count.getLong(1) == 0) {
                                    unstored.add(gap.asLong());
                                }
                            }
                        }
                    }
                }
            }
            return unstored;
        }

        static String describe(Path dataDir) throws SQLException {
            StringBuilder out = new StringBuilder();
            String url = "jdbc:h2:file:" + dataDir.resolve("tally") + ";ACCESS_MODE_DATA=r";
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT processor_name, segment, token_type, token, owner, time_stamp FROM "
                         + "token_entry ORDER BY processor_name, segment")) {
                while (rs.next()) {
                    byte[] token = rs.getBytes(4);
                    out.append(rs.getString(1)).append('/').append(rs.getInt(2)).append(" (owner ").append(rs.getString(5))
                            .append(", claimed at ").append(rs.getString(6)).append("): ").append(rs.getString(3))
                            .append(' ');
                    JsonNode json = token == null ? null : TestHttp.parse(new String(token, StandardCharsets.UTF_8));
                    JsonNode gapAware = json == null ? null : json.has("currentToken") ? json.get("currentToken") : json;
                    if (gapAware == null || gapAware.isNull() || !gapAware.has("gaps")) {
                        out.append(json).append('\n');
                        continue;
                    }
                    List<Long> gaps = new ArrayList<>();
                    gapAware.get("gaps").forEach(g -> gaps.add(g.asLong()));
                    out.append("index ").append(gapAware.get("index").asLong()).append(", ").append(gaps.size())
                            .append(" gaps");
                    for (Long gap : gaps.subList(0, Math.min(5, gaps.size()))) {
                        try (Statement q = c.createStatement(); ResultSet stored = q.executeQuery(
                                "SELECT COUNT(*) FROM domain_event_entry WHERE global_index = " + gap)) {
                            stored.next();
                            out.append(", ").append(gap).append(stored.getLong(1) > 0 ? " stored" : " not stored");
                        }
                    }
                    out.append('\n');
                }
                try (ResultSet head = s.executeQuery("SELECT MAX(global_index) FROM domain_event_entry")) {
                    head.next();
                    out.append("head ").append(head.getLong(1));
                }
            }
            return out.toString();
        }
    }

    /** What the event store holds, read from the H2 file as the kill left it (read-only, so nothing is repaired). */
    record StoreContents(Set<String> issuedJtis, Set<String> revokedJtis, Set<String> revokedFamilies,
                         Set<String> rotationJtis, Set<String> tenantEventIds, long auditRows, boolean auditReplaying) {

        static StoreContents read(Path dataDir) throws SQLException {
            Set<String> issued = new HashSet<>();
            Set<String> revoked = new HashSet<>();
            Set<String> families = new HashSet<>();
            Set<String> rotations = new HashSet<>();
            Set<String> tenantEvents = new HashSet<>();
            String url = "jdbc:h2:file:" + dataDir.resolve("tally") + ";ACCESS_MODE_DATA=r";
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT payload_type, payload, event_identifier FROM domain_event_entry")) {
                    while (rs.next()) {
                        String type = rs.getString(1);
                        JsonNode payload = TestHttp.parse(new String(rs.getBytes(2), StandardCharsets.UTF_8));
                        if (TENANT.equals(text(payload, "tenantId"))) {
                            tenantEvents.add(rs.getString(3));
                        }
                        if (type.endsWith("$AccessTokenIssued")) {
                            issued.add(text(payload, "jti"));
                        } else if (type.endsWith("$AccessTokenRevoked")) {
                            revoked.add(text(payload, "jti"));
                        } else if (type.endsWith("$RefreshTokenFamilyRevoked")) {
                            families.add(text(payload, "familyId"));
                        } else if (type.endsWith("$TokenRotated") || type.endsWith("$RefreshTokenReplayed")) {
                            rotations.add(text(payload, "accessTokenId"));
                        }
                    }
                }
                long auditRows;
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM audit_event WHERE tenant_id = '" + TENANT + "'")) {
                    rs.next();
                    auditRows = rs.getLong(1);
                }
                boolean replaying = false;
                try (ResultSet rs = s.executeQuery("SELECT token_type FROM token_entry WHERE processor_name = 'query-audit'")) {
                    while (rs.next()) {
                        replaying |= rs.getString(1) != null && rs.getString(1).endsWith("ReplayToken");
                    }
                }
                return new StoreContents(issued, revoked, families, rotations, tenantEvents, auditRows, replaying);
            }
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value.asString();
        }
    }
}
