package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.PostgresTestDatabase;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Work that fails inside a batch's transaction takes only itself back: the batch of {@link TransactionBatchingExecutor}
 * runs tasks the way Axon's snapshotter sends them (each opens a transaction of its own kind and swallows its failure),
 * one of them fails on a duplicate key, and the others are committed. On PostgreSQL, where a failed statement aborts
 * the transaction, Axon's own {@code SpringTransactionManager} (which joins the batch and neither commits nor rolls
 * back) lost the whole batch; the control test shows it.
 */
class SavepointTransactionManagerTest {

    abstract static class Contract {
        abstract DataSource dataSource();

        @Test
        void aFailedTaskTakesOnlyItselfBackAndTheRestOfItsBatchCommits() throws Exception {
            JdbcTemplate jdbc = table();
            PlatformTransactionManager platform = new DataSourceTransactionManager(dataSource());
            runBatch(new SpringTransactionManager(platform), new SavepointTransactionManager(platform), jdbc);

            assertThat(jdbc.queryForList("SELECT id FROM snapshot ORDER BY id", Integer.class)).containsExactly(1, 2, 3);
        }

        @Test
        void aTaskAloneOpensAndCommitsItsOwnTransaction() {
            JdbcTemplate jdbc = table();
            TransactionManager savepoints = new SavepointTransactionManager(new DataSourceTransactionManager(dataSource()));

            savepoints.executeInTransaction(() -> jdbc.update("INSERT INTO snapshot (id) VALUES (7)"));

            assertThat(jdbc.queryForList("SELECT id FROM snapshot", Integer.class)).containsExactly(7);
        }

        JdbcTemplate table() {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource());
            jdbc.execute("DROP TABLE IF EXISTS snapshot");
            jdbc.execute("CREATE TABLE snapshot (id INT PRIMARY KEY)");
            return jdbc;
        }
    }

    /**
     * Four tasks in one batch, the third a duplicate of the first; each swallows its own failure, as Axon's snapshot
     * tasks do (they log it).
     */
    static void runBatch(TransactionManager batch, TransactionManager task, JdbcTemplate jdbc) throws Exception {
        TransactionBatchingExecutor executor = new TransactionBatchingExecutor("savepoint-test", batch, 100, 64,
                Duration.ZERO);
        try {
            CountDownLatch release = TransactionBatchingExecutorTest.hold(executor);
            CountDownLatch done = new CountDownLatch(1);
            for (int id : new int[] {1, 2, 1, 3}) {
                executor.execute(() -> {
                    try {
                        task.executeInTransaction(() -> jdbc.update("INSERT INTO snapshot (id) VALUES (?)", id));
                    } catch (RuntimeException swallowed) {
                        // Axon's snapshot task logs its failure and goes on
                    }
                });
            }
            executor.execute(done::countDown);
            release.countDown();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            // sent now, a task runs in the next batch, which begins only once the one that ran `done` has committed
            CountDownLatch committed = new CountDownLatch(1);
            executor.execute(committed::countDown);
            assertThat(committed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(executor.batches()).isEqualTo(3);
        } finally {
            executor.shutdown();
        }
    }

    @Nested
    class OnH2 extends Contract {
        private final JdbcDataSource ds = new JdbcDataSource();

        OnH2() {
            ds.setURL("jdbc:h2:mem:savepoints-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        }

        @Override
        DataSource dataSource() {
            return ds;
        }
    }

    @Nested
    class OnPostgres extends Contract {
        private static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_savepoints");
        /** One instance: a Spring transaction is bound to its data source object, and the template must find it. */
        private final PGSimpleDataSource ds = new PGSimpleDataSource();

        OnPostgres() {
            ds.setUrl(DB.jdbcUrl());
            ds.setUser(DB.user());
            ds.setPassword(DB.password());
        }

        @Override
        DataSource dataSource() {
            return ds;
        }

        /** The control: joined by Axon's own transaction manager, one failed statement loses the whole batch. */
        @Test
        void joinedWithoutSavepointsOneFailedStatementLosesTheWholeBatch() throws Exception {
            JdbcTemplate jdbc = table();
            TransactionManager axon = new SpringTransactionManager(new DataSourceTransactionManager(dataSource()));
            runBatch(axon, axon, jdbc);

            assertThat(jdbc.queryForList("SELECT id FROM snapshot", Integer.class)).isEmpty();
        }
    }
}
