package dev.tally.platform.groupcommit;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.axon.GroupCommitCommandBus;
import dev.tally.platform.groupcommit.GroupCommitTestApplication.Add;
import dev.tally.platform.groupcommit.GroupCommitTestApplication.Open;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandCallback;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.Registration;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Group commit on a real store (an H2 file database, so each commit is synced like the embedded default's): commands
 * queued while the writer is busy are decided one after another and committed together, each caller hears its own
 * decision only after that commit, and a failure stays the failing command's own.
 *
 * <p>Every test holds the writer on a first command (the gate) until its other commands are queued, so the group
 * they form is known rather than left to timing.
 */
class GroupCommitCommandBusTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static ConfigurableApplicationContext context;
    static GroupCommitCommandBus bus;
    static CommandGateway commands;
    static JdbcTemplate jdbc;

    CountDownLatch gateReached;
    CountDownLatch gateOpen;
    Registration gate;
    String gateLedger;

    @BeforeAll
    static void start() throws Exception {
        Map<String, Object> p = new LinkedHashMap<>();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("group-commit");
        p.put("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("store") + ";DB_CLOSE_ON_EXIT=FALSE");
        p.put("spring.datasource.username", "sa");
        p.put("tally.master-key", Base64.getEncoder().encodeToString(new byte[32]));
        p.put("tally.admin-token", "group-commit-test-admin-token");
        context = new SpringApplicationBuilder(GroupCommitTestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(p)
                .run();
        bus = context.getBean(GroupCommitCommandBus.class);
        commands = context.getBean(CommandGateway.class);
        jdbc = context.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @BeforeEach
    void holdTheWriterOnAGate() {
        gateLedger = open("gate");
        gateReached = new CountDownLatch(1);
        gateOpen = new CountDownLatch(1);
        gate = bus.registerHandlerInterceptor((unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof Add add && add.ledgerId().equals(gateLedger)) {
                gateReached.countDown();
                if (!gateOpen.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate was never opened");
                }
            }
            return chain.proceed();
        });
    }

    @AfterEach
    void removeTheGate() {
        gateOpen.countDown();
        gate.cancel();
    }

    @Test
    void commandsQueuedTogetherAreDecidedInOrderAndCommittedAsOneGroup() throws Exception {
        CompletableFuture<Object> held = send(new Add(gateLedger, false));
        assertThat(gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the writer holds the gate").isTrue();
        long groupsBefore = bus.groups();
        String shared = open("shared");
        List<String> own = new ArrayList<>();
        List<CompletableFuture<Object>> toShared = new ArrayList<>();
        List<CompletableFuture<Object>> toOwn = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            own.add(open("own"));
            toOwn.add(send(new Add(own.get(i), false)));
            toShared.add(send(new Add(shared, false)));
        }
        await("the 20 commands to queue behind the gate", WAIT, () -> bus.queued() == 20);
        assertThat(entries(shared)).as("nothing of a queued command is stored").isZero();

        gateOpen.countDown();
        assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        List<Object> sharedTotals = new ArrayList<>();
        for (CompletableFuture<Object> f : toShared) {
            sharedTotals.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        for (CompletableFuture<Object> f : toOwn) {
            assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        }

        assertThat(sharedTotals).as("each command decided on the state the one before it left")
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(bus.groups() - groupsBefore).as("the gate's group, then one group of all 20").isEqualTo(2);
        assertThat(jdbc.queryForList("SELECT sequence_number FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "ORDER BY sequence_number", Long.class, shared)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L,
                9L, 10L);
        assertThat(rows(shared)).as("the subscribing projection wrote in the group's transaction").isEqualTo(10);
        for (String ledger : own) {
            assertThat(entries(ledger)).isEqualTo(1);
            assertThat(rows(ledger)).isEqualTo(1);
        }
    }

    @Test
    void aCallerHearsItsDecisionOnlyOnceTheGroupHasCommitted() throws Exception {
        CompletableFuture<Object> held = send(new Add(gateLedger, false));
        assertThat(gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        List<String> ledgers = new ArrayList<>();
        List<CompletableFuture<Long>> seenAtAnswer = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String ledger = open("seen");
            ledgers.add(ledger);
            CompletableFuture<Long> seen = new CompletableFuture<>();
            seenAtAnswer.add(seen);
            // asked from the callback, on a connection of its own, at the moment the caller is answered
            bus.dispatch(GenericCommandMessage.asCommandMessage(new Add(ledger, false)),
                    (CommandCallback<Object, Object>) (message, result) -> {
                        try {
                            seen.complete(entries(ledger));
                        } catch (RuntimeException e) {
                            seen.completeExceptionally(e);
                        }
                    });
        }
        await("the 5 commands to queue behind the gate", WAIT, () -> bus.queued() == 5);
        gateOpen.countDown();
        held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (CompletableFuture<Long> seen : seenAtAnswer) {
            assertThat(seen.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("another connection sees the entry when its caller is answered").isEqualTo(1);
        }
    }

    @Test
    void aCommandThatFailsFailsAloneAndWhatItRecordedIsNotKept() throws Exception {
        CompletableFuture<Object> held = send(new Add(gateLedger, false));
        assertThat(gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long groupsBefore = bus.groups();
        long aloneBefore = bus.handledAlone();
        List<String> good = new ArrayList<>();
        List<CompletableFuture<Object>> goodAnswers = new ArrayList<>();
        String refusing = open("refusing");
        for (int i = 0; i < 3; i++) {
            good.add(open("good"));
            goodAnswers.add(send(new Add(good.get(i), false)));
        }
        CompletableFuture<Object> refused = send(new Add(refusing, true));
        CompletableFuture<Object> unknown = send(new Add("ledger-that-was-never-opened", false));
        for (int i = 3; i < 6; i++) {
            good.add(open("good"));
            goodAnswers.add(send(new Add(good.get(i), false)));
        }
        await("the 8 commands to queue behind the gate", WAIT, () -> bus.queued() == 8);
        gateOpen.countDown();
        held.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(causeOf(refused)).isInstanceOf(IllegalStateException.class).hasMessage("refused after recording");
        assertThat(causeOf(unknown)).isInstanceOf(AggregateNotFoundException.class);
        for (CompletableFuture<Object> answer : goodAnswers) {
            assertThat(answer.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(entries(refusing)).as("the failed command's entry was rolled back with it").isZero();
        assertThat(rows(refusing)).isZero();
        for (String ledger : good) {
            assertThat(entries(ledger)).isEqualTo(1);
        }
        assertThat(bus.groups() - groupsBefore).as("the group committed").isEqualTo(2);
        assertThat(bus.handledAlone() - aloneBefore).isZero();
        // the refusing ledger is not left in a state that never committed: its next entry is its first
        assertThat(commands.<Object>sendAndWait(new Add(refusing, false))).isEqualTo(1);
    }

    @Test
    void aGroupThatCannotCommitIsDecidedAgainCommandByCommandSoOnlyTheCulpritFails() throws Exception {
        CompletableFuture<Object> held = send(new Add(gateLedger, false));
        assertThat(gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long groupsBefore = bus.groups();
        long aloneBefore = bus.handledAlone();
        String poison = open("poison");
        String shared = open("shared");
        List<CompletableFuture<Object>> toShared = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            toShared.add(send(new Add(shared, false)));
        }
        CompletableFuture<Object> poisoned = send(new Add(poison, false));
        for (int i = 0; i < 4; i++) {
            toShared.add(send(new Add(shared, false)));
        }
        await("the 9 commands to queue behind the gate", WAIT, () -> bus.queued() == 9);
        gateOpen.countDown();
        held.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(causeOf(poisoned)).hasMessageContaining("this projection refuses " + poison);
        List<Object> totals = new ArrayList<>();
        for (CompletableFuture<Object> f : toShared) {
            totals.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertThat(totals).as("decided again on the stored state: the group's first decisions were never kept")
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(entries(shared)).isEqualTo(8);
        assertThat(rows(shared)).isEqualTo(8);
        assertThat(entries(poison)).isZero();
        assertThat(bus.handledAlone() - aloneBefore).isEqualTo(9);
        assertThat(bus.groups() - groupsBefore).as("only the gate's group committed as a group").isEqualTo(1);
    }

    /**
     * A thread that holds one of the group's aggregates and waits for another that the writer holds closes a cycle;
     * Axon's lock manager refuses one of the two acquisitions. Whichever it is, nothing hangs, every command of the
     * group is decided and committed (one the writer was refused is handled again alone after the group), and the
     * other thread's work either commits or fails with the deadlock, never half.
     */
    @Test
    void aLockCycleWithAnotherThreadEndsWithEveryGroupedCommandDecided() throws Exception {
        Repository<GroupCommitTestApplication.Ledger> ledgers = context.getBean(org.axonframework.config.Configuration.class)
                .repository(GroupCommitTestApplication.Ledger.class);
        int writerRefused = 0;
        int otherRefused = 0;
        for (int round = 0; round < 5; round++) {
            if (round > 0) {
                gateOpen.countDown();
                gate.cancel();
                holdTheWriterOnAGate();
            }
            String a = open("cycle-a");
            String b = open("cycle-b");
            CountDownLatch writerAtA = new CountDownLatch(1);
            Registration atA = bus.registerHandlerInterceptor((unitOfWork, chain) -> {
                if (unitOfWork.getMessage().getPayload() instanceof Add add && add.ledgerId().equals(a)) {
                    writerAtA.countDown();
                }
                return chain.proceed();
            });
            try {
                CompletableFuture<Object> held = send(new Add(gateLedger, false));
                assertThat(gateReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                CompletableFuture<Object> toB = send(new Add(b, false));
                CompletableFuture<Object> toA = send(new Add(a, false));
                await("the two commands to queue behind the gate", WAIT, () -> bus.queued() == 2);
                long aloneBefore = bus.handledAlone();
                CountDownLatch otherHoldsA = new CountDownLatch(1);
                CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                    UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage("x"));
                    try {
                        ledgers.load(a); // A's lock, until this unit of work ends
                        otherHoldsA.countDown();
                        assertThat(writerAtA.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                        ledgers.load(b); // held by the writer until its group commits
                        unitOfWork.commit();
                    } catch (Exception e) {
                        unitOfWork.rollback(e);
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
                assertThat(otherHoldsA.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                gateOpen.countDown();
                held.get(WAIT.toSeconds(), TimeUnit.SECONDS);

                assertThat(toB.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(toA.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(entries(a)).isEqualTo(1);
                assertThat(entries(b)).isEqualTo(1);
                try {
                    other.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(e).hasRootCauseInstanceOf(org.axonframework.common.lock.DeadlockException.class);
                    otherRefused++;
                }
                writerRefused += (int) (bus.handledAlone() - aloneBefore);
            } finally {
                atA.cancel();
            }
        }
        System.out.printf("lock cycles: the writer was refused %d times, the other thread %d times, in 5 rounds%n",
                writerRefused, otherRefused);
        assertThat(writerRefused + otherRefused).as("every round closed a cycle that one side was refused").isEqualTo(5);
    }

    private static String open(String prefix) {
        String id = prefix + "-" + UUID.randomUUID();
        commands.sendAndWait(new Open(id));
        return id;
    }

    private static CompletableFuture<Object> send(Add add) {
        return commands.send(add);
    }

    private static Throwable causeOf(CompletableFuture<?> answer) throws Exception {
        try {
            answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the command to fail");
    }

    private static long entries(String ledger) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE '%Added'", Long.class, ledger);
    }

    private static long rows(String ledger) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM ledger_row WHERE ledger_id = ?", Long.class, ledger);
    }
}
