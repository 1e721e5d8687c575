package dev.tally.command.session;

import dev.tally.command.QueryPlans;
import dev.tally.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.command.CommandServiceTestApplication;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands;
import dev.tally.kernel.session.SessionCommands.StartSession;
import dev.tally.kernel.session.SessionCommands.UseSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.kernel.session.SessionUse;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.time.Duration;
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
import java.util.concurrent.ThreadLocalRandom;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Login sessions on real PostgreSQL: the sweeper records expiries exactly once, also when sweeps race on one node
 * and across two nodes, and the administrator lists and revokes a user's sessions over HTTP. Time is the test's
 * clock, moved forward by hand.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionsOnPostgresTest {
    static final String ADMIN = "sessions-admin-token";
    static final String MASTER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_sessions");
    /** One instance, so a second node started in a test reads the same time. */
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    static final String COOKIE_HASH = SecretHash.of("a cookie");
    static final RevocationCause BY_ADMINISTRATOR = new RevocationCause(RevocationCause.ADMINISTRATOR, null);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> MASTER_KEY);
        // The tests sweep by calling sweep() after moving the clock; the scheduled sweep must not interleave.
        registry.add("tally.session.sweep-interval", () -> "PT1H");
    }

    @TestConfiguration
    static class Time {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commands;
    @Autowired
    SessionSweeper sweeper;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionManager transactionManager;
    @Autowired
    ScheduledTaskHolder scheduledTasks;
    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /**
     * Ends every session an earlier test left alive (no test uses an absolute timeout over a day), so each test's
     * sweep sees only its own sessions.
     */
    @BeforeEach
    void everyEarlierSessionHasEnded() {
        CLOCK.advance(Duration.ofDays(2));
        for (int i = 0; i < 100 && sweeper.sweep() > 0; i++) {
            // sweep until nothing is due
        }
        assertThat(sweeper.sweep()).isZero();
    }

    @Test
    void sweeperRecordsExpiryOfSessionsPastADeadlineAndNotOfLiveOnes() {
        String tenant = tenant("sweep");
        Instant start = CLOCK.instant();
        String idle1 = start(tenant, "usr_1", 600, 3600);
        String idle2 = start(tenant, "usr_2", 600, 3600);
        String live = start(tenant, "usr_1", 3000, 7200);
        String absolute = start(tenant, "usr_3", 600, 900);
        CLOCK.advance(Duration.ofSeconds(500));
        assertThat(use(tenant, absolute).alive()).isTrue(); // idle deadline now min(1100, 900): the absolute one
        CLOCK.advance(Duration.ofSeconds(500));
        Instant sweptAt = CLOCK.instant();

        assertThat(sweeper.sweep()).isEqualTo(3);

        assertThat(last(idle1)).isEqualTo(new SessionExpired(idle1, tenant, "usr_1", SessionEndReason.IDLE,
                start.plusSeconds(600), sweptAt));
        assertThat(last(idle2)).isEqualTo(new SessionExpired(idle2, tenant, "usr_2", SessionEndReason.IDLE,
                start.plusSeconds(600), sweptAt));
        assertThat(last(absolute)).isEqualTo(new SessionExpired(absolute, tenant, "usr_3", SessionEndReason.ABSOLUTE,
                start.plusSeconds(900), sweptAt));
        assertThat(last(live)).isInstanceOf(SessionStarted.class);
        assertThat(jdbc.queryForObject("SELECT end_reason FROM session_catalog WHERE tenant_id = ? AND session_id = ?",
                String.class, tenant, absolute)).isEqualTo("absolute");

        CLOCK.advance(Duration.ofSeconds(20));
        assertThat(sweeper.sweep()).isZero();
        assertThat(expiriesIn(tenant)).isEqualTo(3);
        assertThat(use(tenant, live).alive()).isTrue();
    }

    @Test
    void sweeperRunsOnSpringsSchedulerEveryConfiguredInterval() {
        assertThat(scheduledTasks.getScheduledTasks()).map(ScheduledTask::getTask)
                .filteredOn(task -> task.toString().contains(SessionSweeper.class.getName() + ".sweepOnSchedule"))
                .singleElement()
                .isInstanceOfSatisfying(FixedDelayTask.class,
                        task -> assertThat(task.getIntervalDuration()).isEqualTo(Duration.ofHours(1)));
    }

    @Test
    void twoSweepsAtOnceOnOneNodeRecordExactlyOneExpiryPerDueSession() throws Exception {
        String tenant = tenant("race");
        List<String> due = startMany(tenant, 40, 600);
        String live = start(tenant, "usr_live", 3600, 7200);
        CLOCK.advance(Duration.ofSeconds(601));

        List<Integer> asked = concurrently(sweeper::sweep, sweeper::sweep);

        assertThat(asked).allSatisfy(n -> assertThat(n).isBetween(0, due.size()));
        assertThat(expiriesPerSession(tenant)).hasSize(due.size()).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(last(live)).isInstanceOf(SessionStarted.class);
        assertThat(sweeper.sweep()).isZero();
    }

    @Test
    void sweepsOnTwoNodesAtOnceRecordExactlyOneExpiryPerDueSession() throws Exception {
        String tenant = tenant("nodes");
        List<String> due = startMany(tenant, 40, 600);
        CLOCK.advance(Duration.ofSeconds(601));

        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(CommandServiceTestApplication.class)
                .properties("server.port=0", "spring.datasource.url=" + DB.jdbcUrl(), "spring.datasource.username=" + DB.user(),
                        "spring.datasource.password=" + DB.password(), "tally.admin-token=second-node-admin-token",
                        "tally.master-key=" + MASTER_KEY, "tally.session.sweep-interval=PT1H")
                .initializers(c -> c.getBeanFactory().registerSingleton("sharedMutableClock", CLOCK))
                .run()) {
            SessionSweeper otherNode = second.getBean(SessionSweeper.class);
            assertThat(second.getBean(java.time.Clock.class)).isSameAs(CLOCK);

            List<Integer> asked = concurrently(sweeper::sweep, otherNode::sweep);

            assertThat(asked).allSatisfy(n -> assertThat(n).isBetween(0, due.size()));
        }
        assertThat(expiriesPerSession(tenant)).hasSize(due.size()).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(sweeper.sweep()).isZero();
    }

    @Test
    void useThroughTheGatewayAnswersAndAnExpiryItFindsIsCommitted() {
        String tenant = tenant("use");
        Instant start = CLOCK.instant();
        String session = start(tenant, "usr_1", 600, 3600);
        CLOCK.advance(Duration.ofSeconds(300));

        SessionUse alive = use(tenant, session);
        assertThat(alive).isEqualTo(new SessionUse(session, "usr_1", true, start, start.plusSeconds(900),
                start.plusSeconds(3600), null));
        assertThat(last(session)).isInstanceOf(SessionExtended.class);

        CLOCK.advance(Duration.ofSeconds(900));
        SessionUse expired = use(tenant, session);
        assertThat(expired.alive()).isFalse();
        assertThat(expired.endReason()).isEqualTo(SessionEndReason.IDLE);
        assertThat(last(session)).isEqualTo(new SessionExpired(session, tenant, "usr_1", SessionEndReason.IDLE,
                start.plusSeconds(900), CLOCK.instant()));
        assertThat(jdbc.queryForObject("SELECT end_reason FROM session_catalog WHERE session_id = ?", String.class, session))
                .isEqualTo("idle");

        assertThatThrownBy(() -> commands.sendAndWait(new StartSession(SessionCommands.newSessionId(), "no-such-tenant",
                "usr_1", "app", COOKIE_HASH, 600, 3600))).isInstanceOf(NotFound.class);
    }

    @Test
    void administratorListsRevokesOneAndRevokesAllSessionsOfAUser() {
        String tenant = tenant("admin");
        String other = tenant("admin-other");
        Instant start = CLOCK.instant();
        String a1 = start(tenant, "usr_a", "app-1", 600, 3600);
        String a2 = start(tenant, "usr_a", "app-2", 600, 3600);
        String a3 = start(tenant, "usr_a", "app-1", 600, 3600);
        String b1 = start(tenant, "usr_b", "app-1", 600, 3600);
        String otherTenants = start(other, "usr_a", "app-1", 600, 3600);
        String base = "/admin/tenants/" + tenant + "/users/usr_a/sessions";
        TestHttp http = http();

        Response listed = http.admin("GET", base, null);
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(ids(listed)).containsExactlyInAnyOrder(a1, a2, a3);
        JsonNode first = find(listed, a2);
        assertThat(first.get("user_id").asString()).isEqualTo("usr_a");
        assertThat(first.get("client_id").asString()).isEqualTo("app-2");
        assertThat(Instant.parse(first.get("started_at").asString())).isEqualTo(start);
        assertThat(Instant.parse(first.get("last_activity_at").asString())).isEqualTo(start);
        assertThat(Instant.parse(first.get("idle_deadline").asString())).isEqualTo(start.plusSeconds(600));
        assertThat(Instant.parse(first.get("absolute_deadline").asString())).isEqualTo(start.plusSeconds(3600));
        assertThat(first.has("ended_at")).isFalse();
        assertThat(first.has("end_reason")).isFalse();

        CLOCK.advance(Duration.ofSeconds(60));
        Instant revokedAt = CLOCK.instant();
        assertThat(http.admin("DELETE", base + "/" + a1, null).status()).isEqualTo(204);
        assertThat(last(a1)).isEqualTo(new SessionRevoked(a1, tenant, "usr_a", SessionEndReason.ADMINISTRATOR, revokedAt,
                BY_ADMINISTRATOR));
        assertThat(use(tenant, a1)).extracting(SessionUse::alive, SessionUse::endReason)
                .containsExactly(false, SessionEndReason.ADMINISTRATOR);
        // Revoking again is a no-op, not an error.
        assertThat(http.admin("DELETE", base + "/" + a1, null).status()).isEqualTo(204);
        assertThat(events(a1)).hasSize(2);

        assertThat(ids(http.admin("GET", base, null))).containsExactlyInAnyOrder(a2, a3);
        Response all = http.admin("GET", base + "?include_ended=true", null);
        assertThat(ids(all)).containsExactlyInAnyOrder(a1, a2, a3);
        assertThat(find(all, a1).get("end_reason").asString()).isEqualTo("administrator");
        assertThat(Instant.parse(find(all, a1).get("ended_at").asString())).isEqualTo(revokedAt);

        // Another user's session, an unknown session, another tenant's session, an unknown tenant: 404.
        assertThat(http.admin("DELETE", base + "/" + b1, null).status()).isEqualTo(404);
        assertThat(http.admin("DELETE", base + "/ses_unknown", null).status()).isEqualTo(404);
        assertThat(http.admin("DELETE", base + "/" + otherTenants, null).status()).isEqualTo(404);
        Response unknownTenant = http.admin("GET", "/admin/tenants/no-such-tenant/users/usr_a/sessions", null);
        assertThat(unknownTenant.status()).isEqualTo(404);
        assertThat(unknownTenant.header("Content-Type")).startsWith("application/problem+json");
        assertThat(http.admin("DELETE", "/admin/tenants/no-such-tenant/users/usr_a/sessions", null).status()).isEqualTo(404);
        assertThat(http.admin("GET", base + "?include_ended=maybe", null).status()).isEqualTo(400);

        assertThat(http.admin("DELETE", base, null).status()).isEqualTo(204);
        assertThat(ids(http.admin("GET", base, null))).isEmpty();
        assertThat(last(a2)).isEqualTo(new SessionRevoked(a2, tenant, "usr_a", SessionEndReason.ADMINISTRATOR, revokedAt,
                BY_ADMINISTRATOR));
        assertThat(last(a3)).isEqualTo(new SessionRevoked(a3, tenant, "usr_a", SessionEndReason.ADMINISTRATOR, revokedAt,
                BY_ADMINISTRATOR));
        assertThat(ids(http.admin("GET", "/admin/tenants/" + tenant + "/users/usr_b/sessions", null))).containsExactly(b1);
        assertThat(ids(http.admin("GET", "/admin/tenants/" + other + "/users/usr_a/sessions", null))).containsExactly(otherTenants);
    }

    @Test
    void sessionPastItsDeadlineIsNotListedAsLiveBeforeTheSweepRecordsIt() {
        String tenant = tenant("listing");
        String idle = start(tenant, "usr_a", "app", 600, 3600);
        String live = start(tenant, "usr_a", "app", 1200, 3600);
        CLOCK.advance(Duration.ofSeconds(601));
        String base = "/admin/tenants/" + tenant + "/users/usr_a/sessions";

        assertThat(ids(http().admin("GET", base, null))).containsExactly(live);
        assertThat(ids(http().admin("GET", base + "?include_ended=true", null))).containsExactlyInAnyOrder(idle, live);
    }

    @Test
    void sweepersQueryCanUseItsIndex() {
        String plan = QueryPlans.withoutSequentialScans(jdbc, "SELECT tenant_id, session_id FROM session_catalog WHERE ended_at IS NULL "
                + "AND idle_deadline <= now() LIMIT 500");
        assertThat(plan).contains("Index Cond: ((ended_at IS NULL) AND (idle_deadline <= now()))")
                .doesNotContain("Sort").doesNotContain("Filter");
    }

    @Test
    void anAppendThatLosesARaceIsAConcurrencyExceptionNotAnEventStoreFailure() {
        // What two nodes see when both append to one session: the sweeper and the admin API rely on telling the two apart.
        String tenant = tenant("conflict");
        String session = start(tenant, "usr_1", 600, 3600);
        SessionExtended extended = new SessionExtended(session, tenant, "usr_1", "app", CLOCK.instant(),
                CLOCK.instant().plusSeconds(600));
        appendCommitted(new GenericDomainEventMessage<>("Session", session, 1, extended));

        assertThatThrownBy(() -> appendCommitted(new GenericDomainEventMessage<>("Session", session, 1, extended)))
                .isInstanceOf(ConcurrencyException.class);
        assertThat(events(session)).hasSize(2);
    }

    @Test
    void everySessionEventRoundTripsThroughTheConfiguredSerializer() {
        Instant t = Instant.parse("2026-11-22T10:15:30.123456Z");
        List<Object> samples = List.of(
                new SessionStarted("ses_1", "acme", "usr_1", "app", COOKIE_HASH, t, 600, 3600, t.plusSeconds(600), t.plusSeconds(3600)),
                new SessionExtended("ses_1", "acme", "usr_1", "app", t, t.plusSeconds(600)),
                new SessionExpired("ses_1", "acme", "usr_1", SessionEndReason.ABSOLUTE, t, t.plusSeconds(5)),
                new SessionRevoked("ses_1", "acme", "usr_1", SessionEndReason.REFRESH_TOKEN_REUSE, t));
        for (Object event : samples) {
            SerializedObject<byte[]> serialized = eventSerializer.serialize(event, byte[].class);
            assertThat((Object) eventSerializer.deserialize(serialized)).as(event.getClass().getSimpleName()).isEqualTo(event);
        }
    }

    /** Appends as the command bus does: in a unit of work bound to a database transaction. */
    private void appendCommitted(GenericDomainEventMessage<?> event) {
        DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
        uow.attachTransaction(transactionManager);
        eventStore.publish(event);
        uow.commit();
    }

    private String tenant(String prefix) {
        String id = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        Response created = http().admin("POST", "/admin/tenants", Map.of("id", id, "name", "Sessions " + prefix));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return id;
    }

    private String start(String tenant, String user, long idle, long absolute) {
        return start(tenant, user, "app", idle, absolute);
    }

    private String start(String tenant, String user, String client, long idle, long absolute) {
        String id = SessionCommands.newSessionId();
        commands.sendAndWait(new StartSession(id, tenant, user, client, COOKIE_HASH, idle, absolute));
        return id;
    }

    private List<String> startMany(String tenant, int count, long idle) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(start(tenant, "usr_" + i, idle, idle * 2));
        }
        return ids;
    }

    private SessionUse use(String tenant, String session) {
        return commands.sendAndWait(new UseSession(session, tenant, "app", 60));
    }

    private List<Object> events(String session) {
        return eventStore.readEvents(session).asStream().map(DomainEventMessage::getPayload).map(Object.class::cast).toList();
    }

    private Object last(String session) {
        List<Object> events = events(session);
        return events.get(events.size() - 1);
    }

    private Integer expiriesIn(String tenant) {
        return expiriesPerSession(tenant).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** SessionExpired events in the store per session of the tenant, read as the stored JSON. */
    private Map<String, Integer> expiriesPerSession(String tenant) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        jdbc.query("SELECT aggregate_identifier, COUNT(*) AS n FROM domain_event_entry WHERE payload_type = ? "
                        + "AND convert_from(payload, 'UTF8') LIKE ? GROUP BY aggregate_identifier",
                rs -> {
                    counts.put(rs.getString("aggregate_identifier"), rs.getInt("n"));
                }, SessionExpired.class.getName(), "%\"tenantId\":\"" + tenant + "\"%");
        return counts;
    }

    @SafeVarargs
    private static List<Integer> concurrently(Callable<Integer>... sweeps) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sweeps.length);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (Callable<Integer> sweep : sweeps) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return sweep.call();
                }));
            }
            go.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private static List<String> ids(Response list) {
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        list.json().forEach(s -> ids.add(s.get("session_id").asString()));
        return ids;
    }

    private static JsonNode find(Response list, String session) {
        for (JsonNode s : list.json()) {
            if (s.get("session_id").asString().equals(session)) {
                return s;
            }
        }
        throw new AssertionError(session + " not in " + list);
    }
}
