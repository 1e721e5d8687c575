package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.standalone.OfflineTenant.Login;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import dev.tally.token.view.ViewCheckpoints;
import dev.tally.token.view.ViewsProbe;
import dev.tally.token.view.ViewsProbe.Views;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A token node starts from its views' checkpoint and the events after it, and ends in the state a read of the whole
 * store gives: compared structurally (every tenant, key, API, client, user, session and revocation) and by the answers
 * of real token requests and introspections, against a node that reads the whole store. Run on H2 and PostgreSQL.
 */
abstract class ViewCheckpointContract {
    static final String ADMIN = "checkpoint-admin-token";
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The settings that point a node at its store (a fresh one per call of {@link #newStore}). */
    abstract List<String> store(Path dataDir);

    /** A fresh, empty store for one test. */
    abstract void newStore();

    @Test
    void aRestartFromTheCheckpointServesWhatAReadOfTheWholeStoreServes(@TempDir Path dataDir) {
        newStore();
        Scenario s;
        Map<String, Object> before;
        Map<String, Long> processorsBefore;
        try (ConfigurableApplicationContext first = start(dataDir)) {
            s = Scenario.build(http(first));
            before = s.answers(http(first));
            processorsBefore = trackingPositions(first.getBean(JdbcTemplate.class));
        }

        Map<String, Object> fromCheckpoint;
        try (ConfigurableApplicationContext second = start(dataDir)) {
            Views live = ViewsProbe.live(second);
            assertThat(live.start().checkpointIndex()).as("started from the checkpoint written at shutdown")
                    .isGreaterThan(0);
            ViewsProbe.assertSameState(live, ViewsProbe.start(second, false));
            fromCheckpoint = s.answers(http(second));
            // the query side's tracking processors resume from their stored tokens: none starts again from the first event
            Map<String, Long> processorsAfter = trackingPositions(second.getBean(JdbcTemplate.class));
            assertThat(processorsBefore).as("query-side processors with stored tokens").isNotEmpty();
            processorsBefore.forEach((name, index) -> assertThat(processorsAfter.get(name))
                    .as(name + " resumes from its stored position").isGreaterThanOrEqualTo(index));
        }
        assertThat(before).containsEntry("login session found by its cookie", true);
        assertThat(fromCheckpoint).isEqualTo(before);

        try (ConfigurableApplicationContext whole = start(dataDir, "--tally.token.checkpoint.enabled=false")) {
            assertThat(ViewsProbe.live(whole).start().checkpointIndex()).isEqualTo(-1);
            assertThat(s.answers(http(whole))).as("a node that read the whole store").isEqualTo(fromCheckpoint);
        }
    }

    /**
     * An event whose transaction is held open while later ones commit gets an index below the checkpoint's; the
     * checkpoint keeps that index as a gap, and a start from it reads it once it has committed.
     */
    @Test
    void eventsAfterTheCheckpointAndOneCommittedLateBelowItAreInTheViews(@TempDir Path dataDir) throws Exception {
        newStore();
        try (ConfigurableApplicationContext node = start(dataDir)) {
            TestHttp http = http(node);
            OfflineTenant t = OfflineTenant.create(http, "ckpt-late");
            ViewCheckpoints checkpoints = node.getBean(ViewCheckpoints.class);
            JdbcTemplate jdbc = node.getBean(JdbcTemplate.class);
            checkpoints.write();

            EventMessage<?> late = GenericEventMessage.asEventMessage(new AccessTokenRevoked(t.tenant(), "late-jti",
                    t.clientId(), t.userId(), CLOCK.instant().plus(Duration.ofHours(1)), CLOCK.instant(),
                    RevocationCause.clientRequest(t.clientId())));
            CountDownLatch appended = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TransactionTemplate tx = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
            EventStorageEngine storage = node.getBean(EventStorageEngine.class);
            CompletableFuture<Void> held = CompletableFuture.runAsync(() -> tx.executeWithoutResult(status -> {
                storage.appendEvents(late);
                appended.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            long checkpointIndex;
            Client during;
            try {
                assertThat(appended.await(30, TimeUnit.SECONDS)).as("the late event took its index").isTrue();
                during = createMachineClient(http, t.tenant());
                checkpointIndex = checkpoints.write().orElseThrow();
            } finally {
                release.countDown();
            }
            held.get(30, TimeUnit.SECONDS);
            long lateIndex = jdbc.queryForObject("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                    Long.class, late.getIdentifier());
            assertThat(lateIndex).as("committed late, below the checkpoint's index").isLessThan(checkpointIndex);
            ViewCheckpoints.Loaded checkpoint = checkpoints.load().orElseThrow();
            assertThat(checkpoint.position().getIndex()).isEqualTo(checkpointIndex);
            assertThat(checkpoint.position().getGaps()).as("kept as a gap").contains(lateIndex);
            Client after = createMachineClient(http, t.tenant());
            Login login = t.login();

            Views restarted = ViewsProbe.start(node, true);
            assertThat(restarted.start().checkpointIndex()).isEqualTo(checkpointIndex);
            assertThat(restarted.revocations().tokenRevoked(t.tenant(), "late-jti")).as("the late event").isTrue();
            assertThat(restarted.config().client(t.tenant(), during.id())).isPresent();
            assertThat(restarted.config().client(t.tenant(), after.id())).isPresent();
            ViewsProbe.assertSameState(restarted, ViewsProbe.start(node, false));
            assertThat(login.access()).isNotNull();

            // the next checkpoint has it too, and no longer waits for it
            long next = checkpoints.write().orElseThrow();
            ViewCheckpoints.Loaded newer = checkpoints.load().orElseThrow();
            assertThat(newer.position().getIndex()).isEqualTo(next);
            assertThat(newer.position().getGaps()).doesNotContain(lateIndex);
            assertThat(newer.revocations().tokens()).containsKey(t.tenant() + "\nlate-jti");
            ViewsProbe.assertSameState(ViewsProbe.start(node, true), ViewsProbe.start(node, false));
        }
    }

    /** A checkpoint of another format, or one that cannot be read, is passed over: the start reads the whole store. */
    @Test
    void aCheckpointOfAnotherFormatOrUnreadableIsPassedOver(@TempDir Path dataDir) {
        newStore();
        try (ConfigurableApplicationContext node = start(dataDir)) {
            Scenario.build(http(node));
            ViewCheckpoints checkpoints = node.getBean(ViewCheckpoints.class);
            JdbcTemplate jdbc = node.getBean(JdbcTemplate.class);
            long index = checkpoints.write().orElseThrow();
            assertThat(ViewsProbe.start(node, true).start().checkpointIndex()).isEqualTo(index);

            // newer than the good one: an older format, then one whose body is not JSON, then one naming a foreign event
            insert(jdbc, ViewCheckpoints.FORMAT - 1, index + 1, "{\"format\":0}");
            insert(jdbc, ViewCheckpoints.FORMAT, index + 2, "not json at all");
            insert(jdbc, ViewCheckpoints.FORMAT, index + 3, "{\"format\":1,\"index\":1,\"gaps\":[],\"events\":[{\"type\":"
                    + "\"Tenant\",\"aggregateId\":\"x\",\"sequence\":0,\"eventId\":\"e\",\"timestamp\":\"2026-01-01T00:00:00Z\","
                    + "\"payloadType\":\"java.lang.String\",\"payloadRevision\":null,\"payload\":\"ImEi\",\"metaData\":\"e30=\"}],"
                    + "\"revocations\":{\"tokens\":{},\"sessions\":{},\"families\":{},\"notBefore\":{},"
                    + "\"sessionTokensUntil\":{},\"familyTokensUntil\":{}}}");
            assertThat(ViewsProbe.start(node, true).start().checkpointIndex()).as("the newest readable one")
                    .isEqualTo(index);

            jdbc.update("UPDATE token_view_checkpoint SET body = ? WHERE store_index = ?",
                    "{\"format\":1,\"truncated".getBytes(StandardCharsets.UTF_8), index);
            Views whole = ViewsProbe.start(node, true);
            assertThat(whole.start().checkpointIndex()).as("none readable: the whole store").isEqualTo(-1);
            ViewsProbe.assertSameState(whole, ViewsProbe.start(node, false));
            ViewsProbe.assertSameState(ViewsProbe.live(node), whole);
        }
    }

    /**
     * A checkpoint written when token nodes held every user carries the users' events: it is read with them passed over
     * (not passed over as unreadable), and the next checkpoint is written without them.
     */
    @Test
    void aCheckpointHoldingUsersFromBeforeIsReadWithoutThemAndRewrittenWithout(@TempDir Path dataDir) {
        newStore();
        try (ConfigurableApplicationContext node = start(dataDir)) {
            Scenario scenario = Scenario.build(http(node));
            ViewCheckpoints checkpoints = node.getBean(ViewCheckpoints.class);
            JdbcTemplate jdbc = node.getBean(JdbcTemplate.class);
            long index = checkpoints.write().orElseThrow();

            // the newest checkpoint again, with a user's registration as the previous version kept it
            Map<String, Object> user = jdbc.queryForMap("SELECT aggregate_identifier, sequence_number, event_identifier, "
                    + "time_stamp, payload_type, payload_revision, payload FROM domain_event_entry "
                    + "WHERE payload_type LIKE '%UserRegistered' ORDER BY global_index LIMIT 1");
            ObjectNode body = (ObjectNode) JSON.readTree(jdbc.queryForObject(
                    "SELECT body FROM token_view_checkpoint WHERE store_index = ?", byte[].class, index));
            ObjectNode event = ((ArrayNode) body.get("events")).addObject();
            event.put("type", "User");
            event.put("aggregateId", (String) user.get("aggregate_identifier"));
            event.put("sequence", ((Number) user.get("sequence_number")).longValue());
            event.put("eventId", (String) user.get("event_identifier"));
            event.put("timestamp", (String) user.get("time_stamp"));
            event.put("payloadType", (String) user.get("payload_type"));
            event.put("payloadRevision", (String) user.get("payload_revision"));
            event.put("payload", java.util.Base64.getEncoder().encodeToString((byte[]) user.get("payload")));
            event.put("metaData", java.util.Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)));
            // same position, written later: the newest
            insert(jdbc, ViewCheckpoints.FORMAT, index, JSON.writeValueAsString(body));

            ViewCheckpoints.Loaded loaded = checkpoints.load().orElseThrow();
            assertThat(loaded.users()).as("read, not passed over").containsExactly((String) user.get("aggregate_identifier"));
            assertThat(loaded.position().getIndex()).isEqualTo(index);
            assertThat(loaded.events()).noneMatch(e -> e.getAggregateIdentifier().equals(user.get("aggregate_identifier")));
            Views fromIt = ViewsProbe.start(node, true);
            assertThat(fromIt.start().checkpointIndex()).isEqualTo(index);
            ViewsProbe.assertSameState(fromIt, ViewsProbe.start(node, false));

            // something new, then the next checkpoint: built on that one, without the user
            createMachineClient(http(node), scenario.t().tenant());
            assertThat(checkpoints.write()).isPresent();
            ViewCheckpoints.Loaded next = checkpoints.load().orElseThrow();
            assertThat(next.position().getIndex()).isGreaterThan(index);
            assertThat(next.users()).isEmpty();
            assertThat(new String(jdbc.queryForObject("SELECT body FROM token_view_checkpoint WHERE store_index = ?",
                    byte[].class, next.position().getIndex()), StandardCharsets.UTF_8))
                    .doesNotContain((String) user.get("aggregate_identifier"));
        }
    }

    /**
     * Each tracking processor's stored position (its token's index); -1 for a replay token, which a processor that
     * starts over from the first event would hold.
     */
    private static Map<String, Long> trackingPositions(JdbcTemplate jdbc) {
        Map<String, Long> positions = new LinkedHashMap<>();
        jdbc.query("SELECT processor_name, token_type, token FROM token_entry WHERE token IS NOT NULL", rs -> {
            String json = new String(rs.getBytes(3), StandardCharsets.UTF_8);
            java.util.regex.Matcher index = java.util.regex.Pattern.compile("\"index\"\\s*:\\s*(\\d+)").matcher(json);
            boolean replay = rs.getString(2).endsWith("ReplayToken");
            positions.merge(rs.getString(1), replay || !index.find() ? -1 : Long.parseLong(index.group(1)), Math::min);
        });
        return positions;
    }

    private static void insert(JdbcTemplate jdbc, int format, long index, String body) {
        jdbc.update("INSERT INTO token_view_checkpoint (format, store_index, written_at, body) VALUES (?, ?, ?, ?)",
                format, index, java.time.OffsetDateTime.now(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** A store with what the views hold: tenants, keys, APIs, clients (a rotated secret), users, revocations. */
    record Scenario(OfflineTenant t, Login kept, Login familyRevoked, Login accessRevoked, String bobToken,
                    Client rotated, String oldSecret, String machineToken, Client deleted, Client ofDeletedTenant,
                    String spaClient, String sessionCookies) {

        static Scenario build(TestHttp http) {
            OfflineTenant t = OfflineTenant.create(http, "ckpt");
            assertThat(http.admin("PATCH", "/admin/tenants/ckpt", Map.of("on_permission_change", "revoke_all")).status())
                    .isEqualTo(200);
            Response bob = http.admin("POST", "/admin/tenants/ckpt/users", Map.of("username", "bob",
                    "password", OfflineTenant.PASSWORD));
            assertThat(bob.status()).isEqualTo(201);
            Client machine = createMachineClient(http, "ckpt");
            Response rotatedSecret = http.admin("POST", "/admin/tenants/ckpt/clients/" + machine.id() + "/rotate-secret", null);
            assertThat(rotatedSecret.status()).as(rotatedSecret.toString()).isEqualTo(200);
            Client rotated = new Client(machine.id(), rotatedSecret.text("client_secret"));
            Client deleted = createMachineClient(http, "ckpt");
            assertThat(http.admin("DELETE", "/admin/tenants/ckpt/clients/" + deleted.id(), null).status()).isEqualTo(204);
            createTenant(http, "ckpt-gone", null);
            Client ofDeletedTenant = createMachineClient(http, "ckpt-gone");
            assertThat(http.admin("DELETE", "/admin/tenants/ckpt-gone", null).status()).isEqualTo(204);

            Login kept = t.login();
            Login familyRevoked = t.login();
            assertThat(t.revoke(familyRevoked.refresh()).status()).isEqualTo(200);
            Login accessRevoked = t.login();
            assertThat(t.revoke(accessRevoked.access()).status()).isEqualTo(200);
            String bobToken = http.form("/t/ckpt/oauth/token", TestHttp.params("grant_type", "password", "username", "bob",
                    "password", OfflineTenant.PASSWORD, "audience", t.api()), t.clientId(), t.clientSecret())
                    .text("access_token");
            CLOCK.advance(Duration.ofSeconds(1));
            assertThat(http.admin("PATCH", "/admin/tenants/ckpt/users/" + bob.text("user_id"),
                    Map.of("roles", List.of("viewer"))).status()).isEqualTo(200);
            String machineToken = token(http, "ckpt", rotated, t.api()).text("access_token");

            // a login session (the login form), which a silent authorization finds by its cookie
            Response spa = http.admin("POST", "/admin/tenants/ckpt/clients", Map.of("name", "Web app", "app_type", "spa",
                    "callbacks", List.of(LoginFlowEndToEndTest.CALLBACK)));
            assertThat(spa.status()).as(spa.toString()).isEqualTo(201);
            String spaClient = spa.text("client_id");
            Browser browser = new Browser(http.baseUrl());
            HttpResponse<String> form = browser.get(LoginFlowEndToEndTest.authorizePath("ckpt", spaClient, ""));
            assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
            HttpResponse<String> submitted = browser.post("/t/ckpt/login", Map.of(
                    "request", Browser.hidden(form.body(), "request"), "csrf", Browser.hidden(form.body(), "csrf"),
                    "username", "alice", "password", OfflineTenant.PASSWORD));
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(302);
            String cookies = String.join("; ", submitted.headers().allValues("Set-Cookie").stream()
                    .map(c -> c.split(";", 2)[0]).toList());
            assertThat(cookies).as("the login set a session cookie").isNotEmpty();
            return new Scenario(t, kept, familyRevoked, accessRevoked, bobToken, rotated, machine.secret(), machineToken,
                    deleted, ofDeletedTenant, spaClient, cookies);
        }

        /** {@code prompt=none} with the session's cookie: whether the node finds the session (a code comes back). */
        boolean silentAuthorization(TestHttp http) {
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http.baseUrl()
                        + LoginFlowEndToEndTest.authorizePath("ckpt", spaClient, "&prompt=none")))
                        .header("Cookie", sessionCookies).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
                return Browser.redirectParams(r).containsKey("code");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** What a node answers about them (no answer that changes state: no refresh, no revocation). */
        Map<String, Object> answers(TestHttp http) {
            OfflineTenant on = new OfflineTenant(http, t.tenant(), t.api(), t.clientId(), t.clientSecret(), t.userId());
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("kept access token active", on.active(kept.access()));
            a.put("revoked family's access token active", on.active(familyRevoked.access()));
            a.put("revoked access token active", on.active(accessRevoked.access()));
            a.put("token from before bob's roles changed active", on.active(bobToken));
            a.put("machine token active", on.active(machineToken));
            a.put("rotated secret", token(http, "ckpt", rotated, t.api()).status());
            a.put("secret before rotation", token(http, "ckpt", new Client(rotated.id(), oldSecret), t.api()).status());
            a.put("deleted client", token(http, "ckpt", deleted, t.api()).status());
            a.put("client of the deleted tenant", token(http, "ckpt-gone", ofDeletedTenant, t.api()).status());
            a.put("alice's password grant", on.passwordGrant().status());
            a.put("jwks", http.get("/t/ckpt/.well-known/jwks.json").body());
            a.put("login session found by its cookie", silentAuthorization(http));
            return a;
        }
    }

    ConfigurableApplicationContext start(Path dataDir, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--tally.data-dir=" + dataDir,
                "--tally.admin-token=" + ADMIN, "--tally.base-url=https://tally.checkpoint.test"));
        args.addAll(store(dataDir));
        args.addAll(List.of(more));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TallyStandalone.class)
                .initializers(c -> c.getBeanFactory().registerSingleton("checkpointTestClock", CLOCK))
                .run(args.toArray(String[]::new));
        assertThat(context.getBean(Clock.class)).isSameAs(CLOCK);
        return context;
    }

    static TestHttp http(ConfigurableApplicationContext context) {
        return new TestHttp("http://localhost:" + context.getEnvironment().getProperty("local.server.port"), ADMIN);
    }
}
