package dev.tally.platform.durability;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The group sync on a real H2 file database, through a real connection pool and Spring's transaction manager: a
 * write commit returns only after a sync that started after it; reads, rollbacks and queries in auto-commit mode
 * sync nothing; commits that wait together share one sync; a failed sync fails every later write commit. The sync
 * itself is H2's {@code CHECKPOINT SYNC}; where a test must hold a sync in progress, it wraps the real one.
 */
class DurableH2CommitsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        threads.shutdownNow();
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void aWriteCommitWaitsForASyncThatStartedAfterItNotForOneAlreadyRunning() throws Exception {
        HeldSyncs held = new HeldSyncs();
        DurableH2DataSource db = durable("held", held);
        GroupSync sync = db.groupSync();
        long syncsBefore = sync.syncs();

        Future<?> first = threads.submit(() -> insertInTransaction(db, 1));
        held.awaitStarted(1);
        // the first sync is running; a second commit finishes now, after that sync started
        Future<?> second = threads.submit(() -> insertInTransaction(db, 2));
        await("the second commit to wait for a sync", TIMEOUT, () -> sync.waiting() == 1);
        assertThat(countRows(db)).as("both commits happened; neither is acknowledged yet").isEqualTo(2);
        assertThat(first.isDone()).isFalse();

        held.release(1);
        first.get(20, TimeUnit.SECONDS);
        held.awaitStarted(2);
        assertThat(second.isDone()).as("the sync that was running when the second commit finished does not cover it")
                .isFalse();
        assertThat(sync.syncs() - syncsBefore).isEqualTo(2);

        held.release(2);
        second.get(20, TimeUnit.SECONDS);
        assertThat(sync.syncs() - syncsBefore).isEqualTo(2);
        assertThat(held.finished.get()).isEqualTo(2);
    }

    @Test
    void transactionsThatOnlyReadOrRollBackSyncNothing() {
        DurableH2DataSource db = durable("reads", DurableH2DataSource.CHECKPOINT_SYNC);
        JdbcTemplate jdbc = new JdbcTemplate(db);
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(db));
        jdbc.update("INSERT INTO item (id) VALUES (0)");
        GroupSync sync = db.groupSync();
        long syncs = sync.syncs();
        long commits = sync.commits();

        for (int i = 0; i < 100; i++) {
            transactions.executeWithoutResult(status -> jdbc.queryForObject("SELECT COUNT(*) FROM item", Long.class));
            jdbc.queryForObject("SELECT MAX(id) FROM item", Long.class);
            jdbc.execute("SELECT 1");
            transactions.executeWithoutResult(status -> {
                jdbc.update("INSERT INTO item (id) VALUES (?)", 1_000);
                status.setRollbackOnly();
            });
        }
        assertThat(sync.syncs() - syncs).as("syncs for 400 reads and rolled-back writes").isZero();
        assertThat(sync.commits() - commits).isZero();
        assertThat(countRows(db)).isEqualTo(1);

        transactions.executeWithoutResult(status -> jdbc.update("INSERT INTO item (id) VALUES (1)"));
        assertThat(sync.syncs() - syncs).as("syncs for one committed write").isEqualTo(1);
        assertThat(sync.commits() - commits).isEqualTo(1);
    }

    @Test
    void aWriteInAutoCommitModeWaitsForASync() {
        DurableH2DataSource db = durable("autocommit", DurableH2DataSource.CHECKPOINT_SYNC);
        JdbcTemplate jdbc = new JdbcTemplate(db);
        GroupSync sync = db.groupSync();
        long syncs = sync.syncs();

        jdbc.update("INSERT INTO item (id) VALUES (1)");
        assertThat(sync.syncs() - syncs).as("after executeUpdate").isEqualTo(1);
        jdbc.batchUpdate("INSERT INTO item (id) VALUES (?)", List.of(new Object[]{2}, new Object[]{3}));
        assertThat(sync.syncs() - syncs).as("after executeBatch").isEqualTo(2);
        jdbc.execute("DELETE FROM item WHERE id = 3");
        assertThat(sync.syncs() - syncs).as("after execute without rows").isEqualTo(3);
        jdbc.queryForList("SELECT id FROM item");
        assertThat(sync.syncs() - syncs).as("after a query").isEqualTo(3);
        assertThat(countRows(db)).isEqualTo(2);
    }

    @Test
    void aTransactionEndedOtherwiseThanByCommitWaitsForASyncToo() throws Exception {
        DurableH2DataSource db = durable("implicit", DurableH2DataSource.CHECKPOINT_SYNC);
        GroupSync sync = db.groupSync();
        long syncs = sync.syncs();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO item (id) VALUES (1)");
            assertThat(sync.syncs() - syncs).as("inside the transaction").isZero();
            c.setAutoCommit(true);
            assertThat(sync.syncs() - syncs).as("after setAutoCommit(true) committed it").isEqualTo(1);

            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO item (id) VALUES (2)");
            s.execute("CREATE TABLE other (id INT)");
            assertThat(sync.syncs() - syncs).as("after DDL committed it implicitly").isEqualTo(2);
            s.executeUpdate("INSERT INTO item (id) VALUES (3)");
            s.execute("COMMIT");
            assertThat(sync.syncs() - syncs).as("after an SQL COMMIT").isEqualTo(3);
            c.setAutoCommit(true);
            assertThat(sync.syncs() - syncs).as("setAutoCommit(true) with nothing pending").isEqualTo(3);
        }
        assertThat(countRows(db)).isEqualTo(3);
    }

    @Test
    void commitsThatWaitTogetherShareOneSync() throws Exception {
        int writers = 16;
        AtomicInteger started = new AtomicInteger();
        CountDownLatch othersWaiting = new CountDownLatch(1);
        DurableH2DataSource[] holder = new DurableH2DataSource[1];
        // the first sync is held until every other writer has committed and waits; the next one covers them all
        DurableH2DataSource db = durable("shared", connection -> {
            if (started.incrementAndGet() == 1) {
                await("the other writers to wait", TIMEOUT, () -> holder[0].groupSync().waiting() == writers - 1);
                othersWaiting.countDown();
            }
            DurableH2DataSource.CHECKPOINT_SYNC.sync(connection);
        }, writers + 1);
        holder[0] = db;
        long syncs = db.groupSync().syncs();
        long commits = db.groupSync().commits();

        List<Future<?>> done = new ArrayList<>();
        for (int i = 1; i <= writers; i++) {
            int id = i;
            done.add(threads.submit(() -> insertInTransaction(db, id)));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertThat(othersWaiting.getCount()).isZero();
        assertThat(db.groupSync().commits() - commits).isEqualTo(writers);
        assertThat(db.groupSync().syncs() - syncs).as("syncs for %d commits", writers).isEqualTo(2);
        assertThat(countRows(db)).isEqualTo(writers);
    }

    @Test
    void underConcurrentLoadSyncsAreFewerThanCommits() throws Exception {
        DurableH2DataSource db = durable("load", DurableH2DataSource.CHECKPOINT_SYNC, 9);
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(db));
        JdbcTemplate jdbc = new JdbcTemplate(db);
        long syncs = db.groupSync().syncs();
        long commits = db.groupSync().commits();
        int threadsCount = 8;
        int perThread = 200;
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threadsCount; t++) {
            int base = t * perThread;
            done.add(threads.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    int id = base + i;
                    transactions.executeWithoutResult(status -> jdbc.update("INSERT INTO item (id) VALUES (?)", id));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        long madeSyncs = db.groupSync().syncs() - syncs;
        long madeCommits = db.groupSync().commits() - commits;
        System.out.printf("group sync under load: %d write commits, %d syncs (%.1f commits per sync)%n",
                madeCommits, madeSyncs, (double) madeCommits / madeSyncs);
        assertThat(madeCommits).isEqualTo(threadsCount * perThread);
        assertThat(madeSyncs).isPositive().isLessThan(madeCommits);
        assertThat(countRows(db)).isEqualTo(threadsCount * perThread);
    }

    @Test
    void aFailedSyncFailsEveryLaterWriteCommitButNotReads() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("failing") + ";DB_CLOSE_ON_EXIT=FALSE";
        HikariDataSource owner = pool(url, "sa", 1);
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER tally PASSWORD 'tally-test' ADMIN");
            s.execute("CREATE TABLE item (id INT PRIMARY KEY)");
            s.execute("GRANT ALL ON item TO tally");
        }
        DurableH2DataSource db = new DurableH2DataSource(pool(url, "tally", 2));
        JdbcTemplate jdbc = new JdbcTemplate(db);
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(db));
        transactions.executeWithoutResult(status -> jdbc.update("INSERT INTO item (id) VALUES (1)"));

        // The sync now fails (CHECKPOINT SYNC needs an administrator): the commit happened, but is not acknowledged.
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER USER tally ADMIN FALSE");
        }
        assertThatThrownBy(() -> transactions.executeWithoutResult(
                status -> jdbc.update("INSERT INTO item (id) VALUES (2)")))
                .hasStackTraceContaining("could not be synced");
        assertThat(db.groupSync().failed()).isTrue();

        // Even once a sync could succeed again, nothing since the failed one is known durable: writes keep failing.
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER USER tally ADMIN TRUE");
        }
        assertThatThrownBy(() -> jdbc.update("INSERT INTO item (id) VALUES (3)"))
                .hasStackTraceContaining("could not be synced");
        Long rows = transactions.execute(status -> jdbc.queryForObject("SELECT COUNT(*) FROM item", Long.class));
        assertThat(rows).as("reads go on").isEqualTo(3);
    }

    private DurableH2DataSource durable(String name, GroupSync.SyncAction action) {
        return durable(name, action, 4);
    }

    private DurableH2DataSource durable(String name, GroupSync.SyncAction action, int poolSize) {
        String url = "jdbc:h2:file:" + dir.resolve(name) + ";DB_CLOSE_ON_EXIT=FALSE";
        HikariDataSource pool = pool(url, "sa", poolSize);
        EmbeddedH2Durability.prepare(pool, name);
        new JdbcTemplate(pool).execute("CREATE TABLE item (id INT PRIMARY KEY)");
        return new DurableH2DataSource(pool, action);
    }

    private HikariDataSource pool(String url, String user, int size) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setPassword("sa".equals(user) ? "" : "tally-test");
        pool.setMaximumPoolSize(size);
        pools.add(pool);
        return pool;
    }

    private static void insertInTransaction(DurableH2DataSource db, int id) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO item (id) VALUES (" + id + ")");
            }
            c.commit();
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long countRows(DurableH2DataSource db) {
        return new JdbcTemplate(db).queryForObject("SELECT COUNT(*) FROM item", Long.class);
    }

    /** The real sync, held before it runs until the test releases it: sync n waits for {@code release(n)}. */
    private static final class HeldSyncs implements GroupSync.SyncAction {
        private final List<CountDownLatch> started = List.of(new CountDownLatch(1), new CountDownLatch(1));
        private final List<CountDownLatch> released = List.of(new CountDownLatch(1), new CountDownLatch(1));
        private final AtomicInteger count = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();

        @Override
        public void sync(Connection connection) throws SQLException {
            int n = count.getAndIncrement();
            if (n < started.size()) {
                started.get(n).countDown();
                try {
                    if (!released.get(n).await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("sync " + (n + 1) + " never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            DurableH2DataSource.CHECKPOINT_SYNC.sync(connection);
            finished.incrementAndGet();
        }

        void awaitStarted(int n) throws InterruptedException {
            assertThat(started.get(n - 1).await(20, TimeUnit.SECONDS)).as("sync %d started", n).isTrue();
        }

        void release(int n) {
            released.get(n - 1).countDown();
        }
    }
}
