package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Tasks that each open a transaction joining the one open, as Axon's snapshotter's do, on a real H2 database through
 * Spring's transaction manager: what queued together commits together, a failing task does not stop the others, a
 * full queue drops, and shutting down lets the batch in hand finish without an interrupt.
 */
class TransactionBatchingExecutorTest {
    private final JdbcDataSource ds = new JdbcDataSource();
    private final JdbcTemplate jdbc;
    private final TransactionManager transactions;
    private TransactionBatchingExecutor executor;

    TransactionBatchingExecutorTest() {
        ds.setURL("jdbc:h2:mem:batching-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(ds);
        jdbc.execute("CREATE TABLE snapshot (id INT PRIMARY KEY)");
        transactions = new SpringTransactionManager(new DataSourceTransactionManager(ds));
    }

    @AfterEach
    void stop() {
        if (executor != null) {
            executor.shutdown();
        }
    }

    @Test
    void whatQueuedWhileABatchRanCommitsInOneTransaction() throws Exception {
        executor = new TransactionBatchingExecutor("batching-test", transactions, 1_000, 64, Duration.ZERO);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> transactions.executeInTransaction(() -> {
            insert(0);
            running.countDown();
            await(release);
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 50; i++) {
            int id = i;
            executor.execute(() -> transactions.executeInTransaction(() -> insert(id)));
        }
        release.countDown();

        awaitRows(51);
        assertThat(executor.batches()).as("the first task's, then the 50 queued behind it").isEqualTo(2);
        assertThat(executor.dropped()).isZero();
    }

    /** Tasks sent one after another, each after the last was queued, commit together within the linger. */
    @Test
    void tasksArrivingWithinTheLingerCommitTogether() throws Exception {
        executor = new TransactionBatchingExecutor("batching-test", transactions, 1_000, 64, Duration.ofSeconds(5));
        for (int i = 1; i <= 5; i++) {
            int id = i;
            executor.execute(() -> transactions.executeInTransaction(() -> insert(id)));
        }

        awaitRows(5);
        assertThat(executor.batches()).isEqualTo(1);
    }

    /** A full batch does not wait for the linger. */
    @Test
    void aFullBatchCommitsWithoutWaitingForTheLinger() throws Exception {
        executor = new TransactionBatchingExecutor("batching-test", transactions, 1_000, 3, Duration.ofMinutes(10));
        for (int i = 1; i <= 3; i++) {
            int id = i;
            executor.execute(() -> transactions.executeInTransaction(() -> insert(id)));
        }

        awaitRows(3);
        assertThat(executor.batches()).isEqualTo(1);
    }

    /**
     * On H2 a failed statement is undone alone and the batch commits the rest, as it would have without batching;
     * the tasks after the failed one run.
     */
    @Test
    void aFailingTaskDoesNotStopTheOthersOfItsBatch() throws Exception {
        executor = new TransactionBatchingExecutor("batching-test", transactions, 1_000, 64, Duration.ZERO);
        CountDownLatch release = hold();
        executor.execute(() -> transactions.executeInTransaction(() -> insert(1)));
        executor.execute(() -> transactions.executeInTransaction(() -> insert(1))); // the same key: refused
        executor.execute(() -> transactions.executeInTransaction(() -> insert(2)));
        release.countDown();

        awaitRows(2);
        assertThat(executor.batches()).isEqualTo(2);
        assertThat(jdbc.queryForList("SELECT id FROM snapshot ORDER BY id", Integer.class)).containsExactly(1, 2);
    }

    /** Refused by throwing, as {@link java.util.concurrent.Executor} says: Axon's snapshotter clears its mark then. */
    @Test
    void aFullQueueRefusesByThrowingAndCounts() throws Exception {
        executor = new TransactionBatchingExecutor("batching-test", transactions, 5, 64, Duration.ZERO);
        CountDownLatch release = hold();
        int refused = 0;
        for (int i = 1; i <= 8; i++) {
            int id = i;
            try {
                executor.execute(() -> transactions.executeInTransaction(() -> insert(id)));
            } catch (RejectedExecutionException e) {
                refused++;
            }
        }
        release.countDown();

        awaitRows(5);
        assertThat(refused).isEqualTo(3);
        assertThat(executor.dropped()).isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT id FROM snapshot ORDER BY id", Integer.class)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void shutdownLetsTheBatchInHandFinishWithoutAnInterrupt() throws Exception {
        executor = new TransactionBatchingExecutor("batching-test", transactions, 1_000, 64, Duration.ZERO);
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        executor.execute(() -> transactions.executeInTransaction(() -> {
            running.countDown();
            try {
                Thread.sleep(300); // stands for a write in progress
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            insert(7);
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        executor.shutdown();
        assertThatThrownBy(() -> executor.execute(() -> insert(8))).isInstanceOf(RejectedExecutionException.class);

        assertThat(interrupted).isFalse();
        assertThat(jdbc.queryForList("SELECT id FROM snapshot", Integer.class)).containsExactly(7);
        assertThat(executor.dropped()).isEqualTo(1);
        executor = null;
    }

    /** Occupies the thread until the latch is released, so what follows queues behind it. */
    private CountDownLatch hold() throws InterruptedException {
        return hold(executor);
    }

    /** Occupies {@code executor}'s thread until the latch is released, so what follows queues behind it. */
    static CountDownLatch hold(TransactionBatchingExecutor executor) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            running.countDown();
            await(release);
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private void insert(int id) {
        jdbc.update("INSERT INTO snapshot (id) VALUES (?)", id);
    }

    private void awaitRows(int rows) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count() < rows && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(count()).isEqualTo(rows);
    }

    private int count() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM snapshot", Integer.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
