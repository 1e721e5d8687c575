package dev.tally.command.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.command.CommandServiceTestApplication;
import dev.tally.command.QueryPlans;
import dev.tally.command.refresh.RefreshFamilyCatalog.FamilyRow;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyExpired;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenReplayed;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenUsed;
import dev.tally.kernel.refresh.RefreshEvents.ReuseDetected;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.platform.axon.CommandTargets;
import dev.tally.platform.axon.ConcurrentAppend;
import dev.tally.platform.axon.TransactionBatchingExecutor;
import dev.tally.testsupport.Await;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp.Response;
import dev.tally.testsupport.TestHttp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Refresh token families on real PostgreSQL, through the command gateway as the token endpoint uses them: many
 * presentations of one token at once (on one node, where Axon's aggregate lock serializes them, and on two, where
 * the event store's optimistic lock decides), and the sweeper recording each expiry once. Time is the test's clock,
 * moved forward by hand.
 */
@SpringBootTest(classes = CommandServiceTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RefreshFamiliesOnPostgresTest.Time.class)
class RefreshFamiliesOnPostgresTest {
    static final String ADMIN = "refresh-admin-token";
    static final String MASTER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_refresh");
    /** One instance, so a second node started in a test reads the same time. */
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    static final int THREADS = 50;
    /** A use that lost an append race on another node is sent again, as the token endpoint must; at most this often. */
    static final int ATTEMPTS = 20;

    private static ConfigurableApplicationContext secondNode;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> MASTER_KEY);
        // The tests sweep by calling sweep() after moving the clock; the scheduled sweeps must not interleave.
        registry.add("tally.refresh.sweep-interval", () -> "PT1H");
        registry.add("tally.session.sweep-interval", () -> "PT1H");
    }

    /** Imported explicitly: the context must run on the test's clock, and the test checks that it does. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Time {
        @Bean
        @Primary
        MutableClock refreshTestClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commands;
    @Autowired
    RefreshFamilySweeper sweeper;
    @Autowired
    RefreshFamilyCatalog catalog;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    @Qualifier("refreshFamilySnapshotExecutor")
    TransactionBatchingExecutor snapshotExecutor;
    @Autowired
    Clock clock;
    @Autowired
    ScheduledTaskHolder scheduledTasks;
    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;

    /**
     * Ends every family an earlier test left alive (no test uses an absolute lifetime over a day), so each test's
     * sweep sees only its own families.
     */
    @BeforeEach
    void everyEarlierFamilyHasEnded() {
        CLOCK.advance(Duration.ofDays(2));
        for (int i = 0; i < 100 && sweeper.sweep() > 0; i++) {
            // sweep until nothing is due
        }
        assertThat(sweeper.sweep()).isZero();
    }

    @AfterAll
    static void stopSecondNode() {
        if (secondNode != null) {
            secondNode.close();
        }
    }

    @Test
    void theContextRunsOnTheTestsClock() {
        assertThat(clock).isSameAs(CLOCK);
    }

    /** Axon's Spring configuration gives the one resolver bean to every aggregate that names none (none does). */
    @Test
    void commandsFindTheirAggregateThroughCommandTargets(@Autowired ApplicationContext context) {
        assertThat(context.getBeansOfType(CommandTargetResolver.class).values()).singleElement()
                .isInstanceOf(CommandTargets.class);
    }

    @Test
    void fiftyConcurrentUsesOfOneTokenWithoutLeewayGrantOneAndRevokeTheFamilyForReuse() throws Exception {
        String tenant = tenant("race");
        Family family = start(tenant, RotationMode.ROTATE, 0);
        Attempts attempts = new Attempts();

        List<Use> uses = concurrently(THREADS, i -> present(commands, attempts, family, family.first(), "race-" + i));

        assertThat(uses).filteredOn(u -> u.outcome().granted()).singleElement()
                .satisfies(u -> assertThat(u.outcome().generation()).isEqualTo(2));
        assertThat(uses).filteredOn(u -> u.outcome().reuseDetected()).singleElement()
                .satisfies(u -> assertThat(u.outcome()).extracting(RefreshOutcome::userId, RefreshOutcome::sessionId)
                        .containsExactly("usr_1", "ses_1"));
        assertThat(uses).filteredOn(u -> !u.outcome().granted() && !u.outcome().reuseDetected())
                .hasSize(THREADS - 2)
                .allSatisfy(u -> assertThat(u.outcome().failure()).isEqualTo("the refresh token was revoked after a reuse"));
        System.out.printf("one node, leeway 0: %d uses, %s%n", THREADS, attempts);

        List<Object> events = events(family.id());
        assertThat(events).extracting(Object::getClass).containsExactly(RefreshTokenFamilyStarted.class,
                TokenRotated.class, ReuseDetected.class, RefreshTokenFamilyRevoked.class);
        assertThat(((ReuseDetected) events.get(2))).extracting(ReuseDetected::presentedGeneration,
                ReuseDetected::currentGeneration).containsExactly(1, 2);
        assertThat(((RefreshTokenFamilyRevoked) events.get(3)).reason()).isEqualTo(FamilyEndReason.REUSE);
        assertThat(catalog.family(tenant, family.id())).get().extracting(FamilyRow::generation, FamilyRow::endReason)
                .containsExactly(2, "reuse");

        // The one successor handed out is worthless now too: the theft ended the whole family.
        String successor = uses.stream().filter(u -> u.outcome().granted()).findFirst().orElseThrow().newToken();
        RefreshOutcome afterwards = present(commands, attempts, family, successor, "after").outcome();
        assertThat(afterwards).isEqualTo(RefreshOutcome.refused("the refresh token was revoked after a reuse"));
        assertThat(events(family.id())).hasSize(4);
    }

    @Test
    void fiftyConcurrentUsesOfOneTokenWithLeewayGrantOnePlusTheBoundAndLeaveTheFamilyAlive() throws Exception {
        String tenant = tenant("leeway");
        Family family = start(tenant, RotationMode.ROTATE, 10);
        Attempts attempts = new Attempts();

        List<Use> uses = concurrently(THREADS, i -> present(commands, attempts, family, family.first(), "leeway-" + i));

        List<Use> granted = uses.stream().filter(u -> u.outcome().granted()).toList();
        assertThat(granted).as("one rotation, then the same successor again up to the bound")
                .hasSize(1 + RefreshCommands.MAX_LEEWAY_SUCCESSES)
                .allSatisfy(u -> assertThat(u.outcome().generation()).isEqualTo(2))
                .extracting(Use::newToken).containsOnly(successorOf(family.first()));
        assertThat(granted).filteredOn(u -> u.outcome().replayed()).hasSize(RefreshCommands.MAX_LEEWAY_SUCCESSES);
        assertThat(uses).filteredOn(u -> !u.outcome().granted())
                .hasSize(THREADS - 1 - RefreshCommands.MAX_LEEWAY_SUCCESSES)
                .allSatisfy(u -> assertThat(u.outcome()).isEqualTo(
                        RefreshOutcome.refused("too many refreshes of one token within the leeway")));
        System.out.printf("one node, leeway 10: %d uses, %s%n", THREADS, attempts);

        List<Object> events = events(family.id());
        assertThat(events).hasSize(2 + RefreshCommands.MAX_LEEWAY_SUCCESSES);
        assertThat(events.get(1)).isInstanceOf(TokenRotated.class);
        assertThat(events.subList(2, events.size())).hasSize(RefreshCommands.MAX_LEEWAY_SUCCESSES)
                .allSatisfy(e -> assertThat(e).isInstanceOf(RefreshTokenReplayed.class));
        assertThat(catalog.family(tenant, family.id())).get().extracting(FamilyRow::endedAt).isNull();

        // The family is alive: the successor every use got is the current token and rotates.
        RefreshOutcome next = present(commands, attempts, family, successorOf(family.first()), "next").outcome();
        assertThat(next.granted()).isTrue();
        assertThat(next.generation()).isEqualTo(3);
        assertThat(catalog.family(tenant, family.id())).get().extracting(FamilyRow::generation, FamilyRow::endedAt)
                .containsExactly(3, null);
    }

    @Test
    void fiftyConcurrentUsesSplitAcrossTwoNodesStillGrantExactlyOneThenOnePlusTheBound() throws Exception {
        CommandGateway other = secondNode().getBean(CommandGateway.class);
        String tenant = tenant("nodes");

        Family strict = start(tenant, RotationMode.ROTATE, 0);
        Attempts strictAttempts = new Attempts();
        List<Use> strictUses = concurrently(THREADS, i -> present(i % 2 == 0 ? commands : other, strictAttempts, strict,
                strict.first(), "strict-" + i));
        assertThat(strictUses).filteredOn(u -> u.outcome().granted()).hasSize(1);
        assertThat(strictUses).filteredOn(u -> u.outcome().reuseDetected()).hasSize(1);
        assertThat(events(strict.id())).extracting(Object::getClass).containsExactly(RefreshTokenFamilyStarted.class,
                TokenRotated.class, ReuseDetected.class, RefreshTokenFamilyRevoked.class);

        Family lenient = start(tenant, RotationMode.ROTATE, 10);
        Attempts lenientAttempts = new Attempts();
        List<Use> lenientUses = concurrently(THREADS, i -> present(i % 2 == 0 ? commands : other, lenientAttempts,
                lenient, lenient.first(), "lenient-" + i));
        assertThat(lenientUses).filteredOn(u -> u.outcome().granted()).hasSize(1 + RefreshCommands.MAX_LEEWAY_SUCCESSES);
        assertThat(lenientUses).filteredOn(u -> u.outcome().reuseDetected()).isEmpty();
        assertThat(events(lenient.id())).hasSize(2 + RefreshCommands.MAX_LEEWAY_SUCCESSES);

        System.out.printf("two nodes, leeway 0: %d uses, %s%n", THREADS, strictAttempts);
        System.out.printf("two nodes, leeway 10: %d uses, %s%n", THREADS, lenientAttempts);
    }

    /**
     * Each node keeps the families it used in memory (an aggregate cache). A node whose copy is behind must not refuse
     * from it without appending: an append would meet the optimistic lock, a refusal that records nothing would not.
     */
    @Test
    void aNodeWhoseCopyOfTheFamilyIsBehindGrantsTheTokenTheOtherNodeIssued() {
        CommandGateway other = secondNode().getBean(CommandGateway.class);
        String tenant = tenant("behind");
        Family family = start(tenant, RotationMode.ROTATE, 0);
        Attempts attempts = new Attempts();

        Use here = present(commands, attempts, family, family.first(), "here"); // this node now holds the family
        Use there = present(other, attempts, family, here.newToken(), "there"); // ... one rotation behind
        Use again = present(commands, attempts, family, there.newToken(), "here-again");

        assertThat(List.of(here, there, again)).allSatisfy(u -> assertThat(u.outcome().granted()).isTrue());
        assertThat(events(family.id())).extracting(Object::getClass).containsExactly(RefreshTokenFamilyStarted.class,
                TokenRotated.class, TokenRotated.class, TokenRotated.class);
        System.out.printf("copy behind, current token: %s%n", attempts);
    }

    @Test
    void aNodeWhoseCopyOfTheFamilyIsBehindStillDetectsReuseOfAnOldToken() {
        CommandGateway other = secondNode().getBean(CommandGateway.class);
        String tenant = tenant("behind-reuse");
        Family family = start(tenant, RotationMode.ROTATE, 10);
        Attempts attempts = new Attempts();
        String current = null;
        for (int i = 0; i <= RefreshCommands.MAX_LEEWAY_SUCCESSES; i++) { // one rotation, then the leeway's bound
            Use use = present(commands, attempts, family, family.first(), "here-" + i);
            assertThat(use.outcome().granted()).isTrue();
            current = use.newToken();
        }
        // on this node's copy the first token is the previous one, its leeway used up; the other node moves on
        assertThat(present(other, attempts, family, current, "there").outcome().granted()).isTrue();

        Use old = present(commands, attempts, family, family.first(), "here-old");

        assertThat(old.outcome().reuseDetected()).as("decided on the history, not on this node's copy").isTrue();
        assertThat(last(family.id())).isInstanceOf(RefreshTokenFamilyRevoked.class);
        System.out.printf("copy behind, old token: %s%n", attempts);
    }

    /**
     * A snapshot the snapshot thread cannot take now (its queue full) is refused and skipped, and the family's next
     * trigger takes one. Axon marks a family "snapshot in progress" until the task ends; a task dropped without a
     * refusal never ran and left the family marked, so it was never snapshotted again until restart and every load read
     * more of its history.
     */
    @Test
    void aSnapshotRefusedByAFullQueueIsTakenAtTheFamilysNextTrigger() throws Exception {
        String tenant = tenant("refused-snapshot");
        Family family = start(tenant, RotationMode.ROTATE, 10);
        Attempts attempts = new Attempts();
        String current = family.first();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        long refusedBefore;
        try {
            snapshotExecutor.execute(() -> {
                holding.countDown();
                awaitLatch(release);
            });
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            int queued = 0;
            long droppedBefore = snapshotExecutor.dropped();
            while (snapshotExecutor.dropped() == droppedBefore) {
                try {
                    snapshotExecutor.execute(() -> { });
                    queued++;
                } catch (RejectedExecutionException full) {
                    // the queue is full: what the family's trigger will meet
                }
            }
            assertThat(queued).as("tasks queued behind the held one").isPositive();
            refusedBefore = snapshotExecutor.dropped();
            for (int i = 0; i < 2 * RefreshFamilyCaching.SNAPSHOT_EVERY; i++) {
                Use use = present(commands, attempts, family, current, "full-" + i);
                assertThat(use.outcome().granted()).isTrue();
                current = use.newToken();
            }
            assertThat(snapshotExecutor.dropped()).as("snapshots refused while the queue was full")
                    .isGreaterThan(refusedBefore);
        } finally {
            release.countDown();
        }
        AtomicBoolean drained = new AtomicBoolean(); // a task queued after the others has run
        Await.await("the queue drained", Duration.ofSeconds(30), () -> {
            try {
                snapshotExecutor.execute(() -> drained.set(true));
            } catch (RejectedExecutionException stillFull) {
                // asked again at the next look
            }
            return drained.get();
        });
        assertThat(latestSnapshot(family.id())).as("no snapshot of the family while its snapshots were refused")
                .isEqualTo(-1);

        for (int i = 0; i < 2 * RefreshFamilyCaching.SNAPSHOT_EVERY; i++) {
            Use use = present(commands, attempts, family, current, "after-" + i);
            assertThat(use.outcome().granted()).isTrue();
            current = use.newToken();
        }
        long lastSequence = events(family.id()).size() - 1;
        Await.await("a snapshot at most " + RefreshFamilyCaching.SNAPSHOT_EVERY + " events behind after the refusal",
                Duration.ofSeconds(10), () -> latestSnapshot(family.id()) >= lastSequence
                        - RefreshFamilyCaching.SNAPSHOT_EVERY);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A long-lived family is loaded from its latest snapshot and the few events after it, never from its whole history:
     * the other node, which has never held it, decides on such a copy exactly as on the history (the current token
     * rotates, the previous one is replayed within the leeway, a token of generation 2 is reuse).
     */
    @Test
    void aFamilyOfManyGenerationsIsSnapshottedAndANodeThatLoadsItFromTheSnapshotDecidesTheSame() throws Exception {
        CommandGateway other = secondNode().getBean(CommandGateway.class);
        String tenant = tenant("snapshots");
        Family family = start(tenant, RotationMode.ROTATE, 10);
        Attempts attempts = new Attempts();
        String current = family.first();
        String second = null;
        for (int i = 0; i < 3 * RefreshFamilyCaching.SNAPSHOT_EVERY + 5; i++) {
            Use use = present(commands, attempts, family, current, "gen-" + i);
            assertThat(use.outcome().granted()).isTrue();
            current = use.newToken();
            second = second == null ? current : second;
        }
        String previous = current;
        int generation = 3 * RefreshFamilyCaching.SNAPSHOT_EVERY + 6;
        long lastSequence = events(family.id()).size() - 1;
        // taken on the snapshot thread after the commit: wait for it, then check it is no further behind than allowed
        Await.await("a snapshot at most " + RefreshFamilyCaching.SNAPSHOT_EVERY + " events behind",
                java.time.Duration.ofSeconds(10), () -> latestSnapshot(family.id()) >= lastSequence
                        - RefreshFamilyCaching.SNAPSHOT_EVERY);
        assertThat(jdbc.queryForList("SELECT DISTINCT payload_revision FROM snapshot_event_entry WHERE "
                + "aggregate_identifier = ?", String.class, family.id())).as("the snapshot's form").containsOnly("1");

        Use there = present(other, attempts, family, current, "there");
        assertThat(there.outcome().granted()).isTrue();
        assertThat(there.outcome().generation()).isEqualTo(generation + 1);
        Use replayed = present(other, attempts, family, previous, "there-again");
        assertThat(replayed.outcome().replayed()).isTrue();
        assertThat(replayed.newToken()).isEqualTo(there.newToken());

        Use old = present(other, attempts, family, second, "there-old");
        assertThat(old.outcome().reuseDetected()).as("generation 2, found in the history behind the snapshot").isTrue();
        assertThat(last(family.id())).isInstanceOf(RefreshTokenFamilyRevoked.class);
    }

    /**
     * An inspection records nothing either: a node whose cached copy is behind must not answer from it (a token the
     * other node rotated away would look current, and the other node's token unknown).
     */
    @Test
    void aNodeWhoseCopyOfTheFamilyIsBehindAnswersAnInspectionFromTheStoredHistory() {
        CommandGateway other = secondNode().getBean(CommandGateway.class);
        String tenant = tenant("inspect-behind");
        Family family = start(tenant, RotationMode.ROTATE, 0);
        Attempts attempts = new Attempts();

        Use here = present(commands, attempts, family, family.first(), "here"); // this node now holds the family
        assertThat(inspect(commands, attempts, family, here.newToken()).active()).isTrue();
        Use there = present(other, attempts, family, here.newToken(), "there"); // ... one rotation behind

        assertThat(inspect(commands, attempts, family, here.newToken()).active()).as("rotated away on the other node").isFalse();
        assertThat(inspect(commands, attempts, family, there.newToken()).active()).as("issued by the other node").isTrue();
        assertThat(attempts.retries.get()).as("the stale copy was noticed").isPositive();

        other.sendAndWait(new RevokeRefreshTokenFamily(family.id(), tenant, FamilyEndReason.LOGOUT));
        assertThat(inspect(commands, attempts, family, there.newToken())).isEqualTo(RefreshTokenIntrospection.INACTIVE);
        assertThat(events(family.id())).extracting(Object::getClass).containsExactly(RefreshTokenFamilyStarted.class,
                TokenRotated.class, TokenRotated.class, RefreshTokenFamilyRevoked.class);
    }

    @Test
    void sweeperRecordsExpiryOfFamiliesPastADeadlineAndNotOfLiveOnes() {
        String tenant = tenant("sweep");
        Instant start = CLOCK.instant();
        Family idle = start(tenant, RotationMode.ROTATE, 0, 3600, 600);
        Family absolute = start(tenant, RotationMode.ROTATE, 0, 900, 0);
        Family live = start(tenant, RotationMode.ROTATE, 0, 7200, 3000);
        Family revoked = start(tenant, RotationMode.ROTATE, 0, 900, 600);
        commands.sendAndWait(new RevokeRefreshTokenFamily(revoked.id(), tenant, FamilyEndReason.LOGOUT));
        CLOCK.advance(Duration.ofSeconds(1000));
        Instant sweptAt = CLOCK.instant();

        assertThat(sweeper.sweep()).isEqualTo(2);

        assertThat(last(idle.id())).isEqualTo(new RefreshTokenFamilyExpired(idle.id(), tenant, "usr_1",
                FamilyEndReason.IDLE, start.plusSeconds(600), sweptAt));
        assertThat(last(absolute.id())).isEqualTo(new RefreshTokenFamilyExpired(absolute.id(), tenant, "usr_1",
                FamilyEndReason.ABSOLUTE, start.plusSeconds(900), sweptAt));
        assertThat(last(live.id())).isInstanceOf(RefreshTokenFamilyStarted.class);
        assertThat(last(revoked.id())).isInstanceOf(RefreshTokenFamilyRevoked.class);
        assertThat(catalog.family(tenant, absolute.id())).get().extracting(FamilyRow::endedAt, FamilyRow::endReason)
                .containsExactly(start.plusSeconds(900), "absolute");

        CLOCK.advance(Duration.ofSeconds(20));
        assertThat(sweeper.sweep()).isZero();
        assertThat(expiriesPerFamily(tenant)).containsOnlyKeys(idle.id(), absolute.id())
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(present(commands, new Attempts(), live, live.first(), "live").outcome().granted()).isTrue();
    }

    @Test
    void twoSweepsAtOnceRecordExactlyOneExpiryPerDueFamily() throws Exception {
        String tenant = tenant("sweeps");
        List<String> due = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            due.add(start(tenant, RotationMode.ROTATE, 0, 3600, 600).id());
        }
        Family live = start(tenant, RotationMode.ROTATE, 0, 7200, 3600);
        CLOCK.advance(Duration.ofSeconds(601));

        List<Integer> asked = concurrently(2, i -> sweeper.sweep());

        assertThat(asked).allSatisfy(n -> assertThat(n).isBetween(0, due.size()));
        assertThat(expiriesPerFamily(tenant)).containsOnlyKeys(due).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(last(live.id())).isInstanceOf(RefreshTokenFamilyStarted.class);
        assertThat(sweeper.sweep()).isZero();
    }

    @Test
    void sweepsOnTwoNodesAtOnceRecordExactlyOneExpiryPerDueFamily() throws Exception {
        RefreshFamilySweeper otherNode = secondNode().getBean(RefreshFamilySweeper.class);
        String tenant = tenant("node-sweeps");
        List<String> due = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            due.add(start(tenant, RotationMode.ROTATE, 0, 3600, 600).id());
        }
        CLOCK.advance(Duration.ofSeconds(601));

        List<Integer> asked = concurrently(2, i -> i == 0 ? sweeper.sweep() : otherNode.sweep());

        assertThat(asked).allSatisfy(n -> assertThat(n).isBetween(0, due.size()));
        assertThat(expiriesPerFamily(tenant)).containsOnlyKeys(due).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(sweeper.sweep()).isZero();
    }

    @Test
    void sweeperRunsOnSpringsSchedulerEveryConfiguredInterval() {
        assertThat(scheduledTasks.getScheduledTasks()).map(ScheduledTask::getTask)
                .filteredOn(task -> task.toString().contains(RefreshFamilySweeper.class.getName() + ".sweepOnSchedule"))
                .singleElement()
                .isInstanceOfSatisfying(FixedDelayTask.class,
                        task -> assertThat(task.getIntervalDuration()).isEqualTo(Duration.ofHours(1)));
    }

    @Test
    void sweepersQueryCanUseItsIndex() {
        String plan = QueryPlans.withoutSequentialScans(jdbc, "SELECT tenant_id, family_id FROM refresh_family_catalog "
                + "WHERE ended_at IS NULL AND next_deadline <= now() LIMIT 500");
        assertThat(plan).contains("ix_refresh_family_catalog_due")
                .contains("Index Cond: ((ended_at IS NULL) AND (next_deadline <= now()))")
                .doesNotContain("Sort").doesNotContain("Filter");
    }

    @Test
    void rotationNoneThroughTheGatewayKeepsTheTokenAndAnExpiryItFindsIsCommitted() {
        String tenant = tenant("none");
        Instant start = CLOCK.instant();
        Family family = start(tenant, RotationMode.NONE, 0, 3600, 600);
        CLOCK.advance(Duration.ofSeconds(300));

        for (int i = 0; i < 3; i++) {
            RefreshOutcome used = commands.sendAndWait(new RotateRefreshToken(family.id(), tenant, "app",
                    SecretHash.of(family.first()), null, "jti-" + i));
            assertThat(used).isEqualTo(new RefreshOutcome(true, false, false, null, "usr_1", "ses_1", "openid offline_access",
                    "https://api.example.com", 1));
        }
        assertThat(last(family.id())).isEqualTo(new RefreshTokenUsed(family.id(), tenant, "app", "usr_1", CLOCK.instant(),
                CLOCK.instant().plusSeconds(600), "jti-2"));
        assertThat(catalog.family(tenant, family.id())).get().extracting(FamilyRow::lastUsedAt, FamilyRow::idleExpiresAt)
                .containsExactly(start.plusSeconds(300), start.plusSeconds(900));

        CLOCK.advance(Duration.ofSeconds(600));
        RefreshOutcome expired = commands.sendAndWait(new RotateRefreshToken(family.id(), tenant, "app",
                SecretHash.of(family.first()), null, "jti-late"));
        assertThat(expired).isEqualTo(RefreshOutcome.refused("the refresh token has expired"));
        assertThat(last(family.id())).isEqualTo(new RefreshTokenFamilyExpired(family.id(), tenant, "usr_1",
                FamilyEndReason.IDLE, start.plusSeconds(900), CLOCK.instant()));
        assertThat(catalog.family(tenant, family.id())).get().extracting(FamilyRow::endReason).isEqualTo("idle");
    }

    @Test
    void familiesAnswerOnlyToTheirTenant() {
        String tenant = tenant("mine");
        String other = tenant("theirs");
        Family family = start(tenant, RotationMode.ROTATE, 0);

        assertThatThrownBy(() -> commands.sendAndWait(new RotateRefreshToken(family.id(), other, "app",
                SecretHash.of(family.first()), SecretHash.of("x"), "jti"))).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> commands.sendAndWait(new RevokeRefreshTokenFamily(family.id(), other,
                FamilyEndReason.ADMINISTRATOR))).isInstanceOf(NotFound.class);
        assertThat(catalog.family(other, family.id())).isEmpty();
        assertThat(events(family.id())).hasSize(1);
        assertThatThrownBy(() -> commands.sendAndWait(new StartRefreshTokenFamily(RefreshTokens.newFamilyId(),
                "no-such-tenant", "app", "usr_1", "ses_1", SecretHash.of("t"), "openid", null, RotationMode.ROTATE, 3600,
                0, 0))).isInstanceOf(NotFound.class);
    }

    @Test
    void everyRefreshEventRoundTripsThroughTheConfiguredSerializer() {
        Instant t = Instant.parse("2026-11-22T10:15:30.123456Z");
        String h1 = SecretHash.of("one");
        String h2 = SecretHash.of("two");
        List<Object> samples = List.of(
                new RefreshTokenFamilyStarted("rtf_1", "acme", "app", "usr_1", "ses_1", h1, "openid", "https://api",
                        RotationMode.ROTATE_SLIDING, 3600, 600, 10, t, t.plusSeconds(3600), t.plusSeconds(600)),
                new RefreshTokenFamilyStarted("rtf_1", "acme", "app", "usr_1", null, h1, null, null, RotationMode.NONE,
                        3600, 0, 0, t, t.plusSeconds(3600), null),
                new TokenRotated("rtf_1", "acme", "app", "usr_1", 2, h1, h2, true, t, t.plusSeconds(3600), null, "jti"),
                new RefreshTokenUsed("rtf_1", "acme", "app", "usr_1", t, t.plusSeconds(600), "jti"),
                new ReuseDetected("rtf_1", "acme", "app", "usr_1", "ses_1", 1, 3, t),
                new RefreshTokenFamilyRevoked("rtf_1", "acme", "usr_1", "ses_1", FamilyEndReason.PERMISSION_CHANGE, t),
                new RefreshTokenFamilyExpired("rtf_1", "acme", "usr_1", FamilyEndReason.IDLE, t, t.plusSeconds(5)));
        for (Object event : samples) {
            SerializedObject<byte[]> serialized = eventSerializer.serialize(event, byte[].class);
            assertThat((Object) eventSerializer.deserialize(serialized)).as(event.getClass().getSimpleName()).isEqualTo(event);
        }
    }

    // --- helpers

    /** A family and the plain value of its first token (the test plays the token endpoint, which hashes it). */
    record Family(String id, String tenantId, String first) {
    }

    /** One presentation of a token: the token that would be handed out if the family rotated, and the answer. */
    record Use(String newToken, RefreshOutcome outcome) {
    }

    /** How many uses lost an append race and were sent again, and what the command bus handed over then. */
    static final class Attempts {
        final AtomicInteger retries = new AtomicInteger();
        final Set<String> thrown = ConcurrentHashMap.newKeySet();

        void lostRace(Throwable e) {
            retries.incrementAndGet();
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                chain.append(chain.isEmpty() ? "" : " <- ").append(t.getClass().getSimpleName());
            }
            thrown.add(chain.toString());
        }

        @Override
        public String toString() {
            return retries.get() + " lost an append race and were sent again " + thrown;
        }
    }

    /**
     * Presents {@code token} as the token endpoint does. A use that lost an append race to another node recorded
     * nothing, so it is sent again and the family decides on the state the winner left; any other failure fails.
     */
    private static Use present(CommandGateway gateway, Attempts attempts, Family family, String token, String label) {
        String newToken = successorOf(token);
        RotateRefreshToken command = new RotateRefreshToken(family.id(), family.tenantId(), "app", SecretHash.of(token),
                SecretHash.of(newToken), "jti-" + label);
        for (int attempt = 1; ; attempt++) {
            try {
                return new Use(newToken, gateway.sendAndWait(command));
            } catch (RuntimeException e) {
                if (!ConcurrentAppend.causedBy(e) || attempt == ATTEMPTS) {
                    throw e;
                }
                attempts.lostRace(e);
            }
        }
    }

    /**
     * The one successor of a token, as the token service derives it (there with a key from the master key; any
     * function of the token alone shows the same here): every presentation of a token names the same successor.
     */
    static String successorOf(String token) {
        return RefreshTokens.familyOf(token) + "." + SecretHash.of("successor of " + token);
    }

    /** Asks the family about a token as the introspection endpoint does, again after a concurrency failure. */
    private static RefreshTokenIntrospection inspect(CommandGateway gateway, Attempts attempts, Family family, String token) {
        InspectRefreshToken command = new InspectRefreshToken(family.id(), family.tenantId(), SecretHash.of(token));
        for (int attempt = 1; ; attempt++) {
            try {
                return gateway.sendAndWait(command);
            } catch (RuntimeException e) {
                if (!ConcurrentAppend.causedBy(e) || attempt == ATTEMPTS) {
                    throw e;
                }
                attempts.lostRace(e);
            }
        }
    }

    private Family start(String tenant, RotationMode rotation, long leeway) {
        return start(tenant, rotation, leeway, 3600, 600);
    }

    private Family start(String tenant, RotationMode rotation, long leeway, long absolute, long idle) {
        String id = RefreshTokens.newFamilyId();
        String token = RefreshTokens.newToken(id);
        commands.sendAndWait(new StartRefreshTokenFamily(id, tenant, "app", "usr_1", "ses_1", SecretHash.of(token),
                "openid offline_access", "https://api.example.com", rotation, absolute, idle, leeway));
        return new Family(id, tenant, token);
    }

    private String tenant(String prefix) {
        String id = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        Response created = new TestHttp("http://localhost:" + port, ADMIN)
                .admin("POST", "/admin/tenants", Map.of("id", id, "name", "Refresh " + prefix));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return id;
    }

    /** A second command-service node on the same database and clock, started once for the tests that need it. */
    private static synchronized ConfigurableApplicationContext secondNode() {
        if (secondNode == null) {
            secondNode = new SpringApplicationBuilder(CommandServiceTestApplication.class)
                    .properties("server.port=0", "spring.datasource.url=" + DB.jdbcUrl(),
                            "spring.datasource.username=" + DB.user(), "spring.datasource.password=" + DB.password(),
                            "tally.admin-token=second-node-admin-token", "tally.master-key=" + MASTER_KEY,
                            "tally.refresh.sweep-interval=PT1H", "tally.session.sweep-interval=PT1H")
                    .initializers(c -> c.getBeanFactory().registerSingleton("sharedTestClock", CLOCK))
                    .run();
            assertThat(secondNode.getBean(Clock.class)).isSameAs(CLOCK);
        }
        return secondNode;
    }

    /** The sequence number of the family's latest snapshot, -1 without one. */
    private long latestSnapshot(String familyId) {
        Long at = jdbc.queryForObject("SELECT max(sequence_number) FROM snapshot_event_entry WHERE aggregate_identifier = ?",
                Long.class, familyId);
        return at == null ? -1 : at;
    }

    /** Every event of the family from its first, past any snapshot. */
    private List<Object> events(String familyId) {
        return eventStore.readEvents(familyId, 0).asStream().map(DomainEventMessage::getPayload)
                .map(Object.class::cast).toList();
    }

    private Object last(String familyId) {
        List<Object> events = events(familyId);
        return events.get(events.size() - 1);
    }

    /** RefreshTokenFamilyExpired events in the store per family of the tenant, read as the stored JSON. */
    private Map<String, Integer> expiriesPerFamily(String tenant) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        jdbc.query("SELECT aggregate_identifier, COUNT(*) AS n FROM domain_event_entry WHERE payload_type = ? "
                        + "AND convert_from(payload, 'UTF8') LIKE ? GROUP BY aggregate_identifier",
                rs -> {
                    counts.put(rs.getString("aggregate_identifier"), rs.getInt("n"));
                }, RefreshTokenFamilyExpired.class.getName(), "%\"tenantId\":\"" + tenant + "\"%");
        return counts;
    }

    /** Runs {@code count} tasks at once (released together), each given its index; their results in index order. */
    private static <T> List<T> concurrently(int count, Function<Integer, T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch ready = new CountDownLatch(count);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<T> call = () -> {
                    ready.countDown();
                    go.await();
                    return task.apply(index);
                };
                futures.add(pool.submit(call));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }
}
