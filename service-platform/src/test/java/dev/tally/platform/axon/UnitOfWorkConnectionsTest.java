package dev.tally.platform.axon;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.axon.ConnectionsTestApplication.Count;
import dev.tally.platform.axon.ConnectionsTestApplication.Noted;
import dev.tally.platform.axon.ConnectionsTestApplication.StartCounter;
import dev.tally.platform.axon.ConnectionsTestApplication.Tracker;
import dev.tally.testsupport.PoolOwnership;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.Registration;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Who owns a pooled connection while Axon works in a unit of work: the Spring transaction the unit of work runs in,
 * and nobody after it. A connection used after the transaction gave it back to the pool may by then be another
 * thread's (the one in 200 concurrent revocations that answered 500), so the pool is watched for any such use: on H2,
 * with one connection in the pool, so the connection a transaction gives back is always the one the next borrower
 * gets.
 */
class UnitOfWorkConnectionsTest {
    static ConfigurableApplicationContext context;
    static PoolOwnership pool;

    @BeforeAll
    static void start() {
        Map<String, Object> p = new LinkedHashMap<>();
        String url = "jdbc:h2:mem:connections-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        p.put("spring.datasource.url", url);
        p.put("spring.datasource.username", "sa");
        // Flyway needs two connections at once: it migrates over connections of its own, outside the watched pool.
        p.put("spring.flyway.url", url);
        p.put("spring.flyway.user", "sa");
        p.put("spring.datasource.hikari.maximum-pool-size", "1");
        p.put("spring.datasource.hikari.connection-timeout", "5000");
        p.put("tally.master-key", Base64.getEncoder().encodeToString(new byte[32]));
        p.put("tally.admin-token", "connections-test-admin-token");
        context = new SpringApplicationBuilder(ConnectionsTestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(p)
                .run();
        pool = (PoolOwnership) context.getBean(DataSource.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void commandsTrackingBatchesAndAppendsOutsideAggregatesGiveTheirConnectionBackOnceAndInTheirTransaction() {
        CommandGateway commands = context.getBean(CommandGateway.class);
        EventStore store = context.getBean(EventStore.class);
        TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
        Tracker tracker = context.getBean(Tracker.class);
        int handledBefore = tracker.handled.get();
        int borrowedBefore = pool.borrowed();
        int lateBefore = pool.usedAfterReturn();

        for (int c = 0; c < 5; c++) {
            String id = "counter-" + UUID.randomUUID();
            commands.sendAndWait(new StartCounter(id));
            for (int i = 0; i < 9; i++) {
                commands.sendAndWait(new Count(id));
            }
        }
        // The issuance log's way: a plain event appended in a transaction of its own, no unit of work around it.
        for (int i = 0; i < 10; i++) {
            String note = "note-" + i;
            transactions.executeWithoutResult(status -> store.publish(List.of(GenericEventMessage.asEventMessage(new Noted(note)))));
        }
        await("the tracking processor to handle the 60 events", Duration.ofSeconds(20),
                () -> tracker.handled.get() - handledBefore >= 60);

        assertThat(tracker.handled.get() - handledBefore).isEqualTo(60);
        assertThat(tracker.outsideTransactions.get()).as("tracking batches handled outside a transaction").isZero();
        assertThat(pool.borrowed() - borrowedBefore).as("connections borrowed").isGreaterThanOrEqualTo(60);
        assertThat(pool.usedAfterReturn() - lateBefore)
                .as("calls on connections after their borrower gave them back; the first: %s", pool.firstLateCall())
                .isZero();
    }

    @Test
    void aCommandDoesNotTouchItsConnectionAgainOnceTheNextBorrowerHasIt() throws Exception {
        CommandBus bus = context.getBean(CommandBus.class);
        CommandGateway commands = context.getBean(CommandGateway.class);
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        String id = "counter-" + UUID.randomUUID();
        commands.sendAndWait(new StartCounter(id));
        int sharedBefore = pool.usedWhileAnotherHeldIt();
        int lateBefore = pool.usedAfterReturn();

        CountDownLatch borrowed = new CountDownLatch(1);
        CountDownLatch commandAnswered = new CountDownLatch(1);
        CompletableFuture<Void> nextBorrower = new CompletableFuture<>();
        // Once the command's transaction has committed (and given the pool's one connection back), another thread
        // borrows it and holds it until the command has been answered, so the unit of work's cleanup runs while the
        // connection is that thread's.
        Registration handOff = bus.registerHandlerInterceptor((unitOfWork, chain) -> {
            unitOfWork.afterCommit(u -> {
                Thread.ofPlatform().name("next-borrower").start(() -> {
                    try {
                        jdbc.execute((ConnectionCallback<Void>) connection -> {
                            borrowed.countDown();
                            await("the command to be answered", Duration.ofSeconds(10), () -> commandAnswered.getCount() == 0);
                            return null;
                        });
                        nextBorrower.complete(null);
                    } catch (Throwable e) {
                        nextBorrower.completeExceptionally(e);
                    }
                });
                try {
                    assertThat(borrowed.await(10, TimeUnit.SECONDS)).as("the next borrower got the connection").isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return chain.proceed();
        });
        try {
            commands.sendAndWait(new Count(id));
        } finally {
            handOff.cancel();
            commandAnswered.countDown();
        }
        nextBorrower.get(10, TimeUnit.SECONDS);

        assertThat(pool.usedWhileAnotherHeldIt() - sharedBefore)
                .as("calls on the connection while the next borrower held it; the first late call: %s", pool.firstLateCall())
                .isZero();
        assertThat(pool.usedAfterReturn() - lateBefore).isZero();
    }
}
