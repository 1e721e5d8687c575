package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;


import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.PostgresTestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * Which gaps in the store's global indexes can still be filled, asked of the real databases: a gap whose transaction
 * is open stays open until it commits (and then is in the store), one whose transaction rolled back is dead as soon
 * as nothing that was open when it was first seen is still open, and never before.
 */
class StoreGapsTest {

    abstract static class Contract {
        abstract DataSource dataSource();

        @Test
        void aGapHeldByAnOpenTransactionStaysOpenUntilItCommitsAndIsThenInTheStore() throws Exception {
            DataSource ds = dataSource();
            StoreGaps gaps = new StoreGaps(ds, Clock.systemUTC());
            try (Connection held = ds.getConnection()) {
                held.setAutoCommit(false);
                long late = append(held);
                long later = appendCommitted(ds);
                assertThat(later).isGreaterThan(late);
                SortedSet<Long> gap = set(late);
                assertThat(gaps.open(gap)).as("first seen").containsExactly(late);
                assertThat(gaps.open(gap)).as("its transaction is still open").containsExactly(late);
                held.commit();
                assertThat(gaps.open(gap)).as("committed: in the store, for the processor to read")
                        .containsExactly(late);
            }
        }

        @Test
        void aGapWhoseTransactionRolledBackIsDeadOnceNothingThatWasOpenIsStillOpen() throws Exception {
            DataSource ds = dataSource();
            StoreGaps gaps = new StoreGaps(ds, Clock.systemUTC());
            long lost = appendRolledBack(ds);
            appendCommitted(ds);
            SortedSet<Long> gap = set(lost);
            assertThat(gaps.open(gap)).as("first seen: marked, not yet judged").containsExactly(lost);
            assertThat(gaps.open(gap)).as("nothing that was open then is still open, and the store lacks it").isEmpty();
            assertThat(gaps.open(gap)).as("dead for good").isEmpty();
        }

        @Test
        void aGapIsNotDeadWhileATransactionThatWasOpenWhenItWasFirstSeenIsStillOpen() throws Exception {
            DataSource ds = dataSource();
            StoreGaps gaps = new StoreGaps(ds, Clock.systemUTC());
            try (Connection older = ds.getConnection()) {
                older.setAutoCommit(false);
                append(older); // an unrelated transaction, open throughout
                long lost = appendRolledBack(ds);
                appendCommitted(ds);
                SortedSet<Long> gap = set(lost);
                assertThat(gaps.open(gap)).containsExactly(lost);
                assertThat(gaps.open(gap)).as("it might still be held, as far as the database can tell")
                        .containsExactly(lost);
                older.rollback();
                assertThat(gaps.open(gap)).isEmpty();
            }
        }

        static SortedSet<Long> set(long... values) {
            SortedSet<Long> s = new TreeSet<>();
            for (long v : values) {
                s.add(v);
            }
            return s;
        }

        static long appendCommitted(DataSource ds) throws SQLException {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(true);
                return append(c);
            }
        }

        /** An index taken by a transaction that rolled back: a gap never filled. */
        static long appendRolledBack(DataSource ds) throws SQLException {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                long index = append(c);
                c.rollback();
                return index;
            }
        }

        /** Appends an event row on the connection (in its transaction) and answers its global index. */
        static long append(Connection c) throws SQLException {
            String id = UUID.randomUUID().toString();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO domain_event_entry (aggregate_identifier, "
                    + "sequence_number, type, event_identifier, payload, payload_type, time_stamp) "
                    + "VALUES (?, 0, 'Test', ?, ?, 'test.Event', '2026-12-03T00:00:00Z')")) {
                insert.setString(1, id);
                insert.setString(2, id);
                insert.setBytes(3, new byte[] {'{', '}'});
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT global_index FROM domain_event_entry WHERE event_identifier = ?")) {
                select.setString(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        /** A new in-memory H2 database, named {@code prefix} and a random suffix, with the event store's schema. */
        static DataSource migratedH2(String prefix) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + prefix + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
            h2.setUser("sa");
            return migrated(h2);
        }

        /** The test database with the event store's schema. */
        static DataSource migrated(PostgresTestDatabase db) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(db.jdbcUrl());
            pg.setUser(db.user());
            pg.setPassword(db.password());
            return migrated(pg);
        }

        static DataSource migrated(DataSource ds) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 InputStream sql = StoreGapsTest.class.getResourceAsStream(
                         "/db/migration/tally/eventstore/V1_0__event_store.sql")) {
                String text = new String(sql.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
                for (String statement : text.split(";")) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
                return ds;
            } catch (SQLException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Nested
    class OnH2 extends Contract {
        private final DataSource ds = migratedH2("gaps");

        @Override
        DataSource dataSource() {
            return ds;
        }

        @Test
        void theJudgeIsH2sTransactionStore() {
            assertThat(new StoreGaps(ds, Clock.systemUTC()).method()).isEqualTo("H2 transaction store");
        }

        /**
         * A crash's gaps in an embedded store are dead at first sight once the store lacks them, even while a
         * transaction of the new process stays open; that transaction's own index still waits for it.
         */
        @Test
        void theIndexesAProcessTookBeforeItsCrashAreSettledForTheNextDespiteATransactionLeftOpen(@TempDir Path dir)
                throws Exception {
            // open until shut down, as under the services' pool (else it closes with its last connection)
            String url = "jdbc:h2:file:" + dir.resolve("store") + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE";
            long committed;
            long cutShort;
            DataSource before = migrated(h2(url));
            try (Connection c = before.getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE domain_event_entry ALTER COLUMN global_index SET CACHE 256");
                committed = appendCommitted(before);
                s.execute("CHECKPOINT SYNC");
                try (Connection open = before.getConnection()) {
                    open.setAutoCommit(false);
                    cutShort = append(open);
                    s.execute("SHUTDOWN IMMEDIATELY"); // as a SIGKILL: nothing more reaches the file
                }
            } catch (SQLException closedUnderIt) {
                throw new IllegalStateException(closedUnderIt);
            }

            DataSource after = h2(url);
            StoreGaps gaps = new StoreGaps(after, Clock.systemUTC()); // as the services make it, before any append
            try (Connection left = after.getConnection()) {
                left.setAutoCommit(false);
                long ofThisProcess = append(left); // open throughout: a transaction that does not end
                long head = appendCommitted(after);
                assertThat(ofThisProcess).as("the crash lost the rest of its reservation")
                        .isGreaterThan(cutShort + 1);
                SortedSet<Long> asked = set(committed, cutShort, cutShort + 1, ofThisProcess - 1, ofThisProcess);
                assertThat(gaps.open(asked)).as("first seen: the crash's gaps dead at once, the committed one "
                        + "for the processor to read, this process's open one waiting")
                        .containsExactly(committed, ofThisProcess);
                assertThat(gaps.open(asked)).containsExactly(committed, ofThisProcess);
                assertThat(head).isGreaterThan(ofThisProcess);

                GapAwareTrackingToken token = GapAwareTrackingToken.newInstance(head, asked);
                TrackingToken read = gaps.withoutEarlierProcessesGaps(token);
                assertThat(read).as("the token the next batch is read from").isInstanceOf(GapAwareTrackingToken.class);
                assertThat(((GapAwareTrackingToken) read).getGaps()).as("the crash's gaps left out")
                        .containsExactly(committed, ofThisProcess);
                assertThat(read.position()).isEqualTo(token.position());
                assertThat(gaps.withoutEarlierProcessesGaps(read)).as("nothing more to leave out").isSameAs(read);
                assertThat(gaps.withoutEarlierProcessesGaps(null)).isNull();

                // A batch read in index order from the committed event to this process's first skips the crash's
                // indexes: the token built for the next event is moved past them, not given them as gaps.
                GapAwareTrackingToken atCommitted = GapAwareTrackingToken.newInstance(committed, set());
                GapAwareTrackingToken moved = gaps.pastEarlierProcessesIndexes(atCommitted, ofThisProcess);
                assertThat(moved.getIndex()).isEqualTo(ofThisProcess - 1);
                assertThat(moved.advanceTo(ofThisProcess, Integer.MAX_VALUE).getGaps()).isEmpty();
                assertThat(gaps.pastEarlierProcessesIndexes(atCommitted, head).advanceTo(head, Integer.MAX_VALUE).getGaps())
                        .as("past the crash's indexes only: this process's skipped one stays a gap")
                        .containsExactly(ofThisProcess);
                assertThat(gaps.pastEarlierProcessesIndexes(moved, ofThisProcess)).as("nothing skipped").isSameAs(moved);
                GapAwareTrackingToken ours = GapAwareTrackingToken.newInstance(ofThisProcess, set());
                assertThat(gaps.pastEarlierProcessesIndexes(ours, head + 5)).as("only this process's skipped")
                        .isSameAs(ours);
                assertThat(gaps.pastEarlierProcessesIndexes(null, head)).isNull();
                left.rollback();
                assertThat(gaps.open(asked)).as("its transaction rolled back").containsExactly(committed);
            }
        }

        /**
         * H2 closes a database on a fatal error and the next connection opens it anew, numbering its transactions from
         * the start again: the gaps are judged by the transactions of the database open now.
         */
        @Test
        void aDatabaseClosedAndOpenedAnewIsAskedAboutItsOwnTransactions(@TempDir Path dir) throws Exception {
            DataSource store = migrated(h2("jdbc:h2:file:" + dir.resolve("store") + ";DB_CLOSE_DELAY=-1"));
            try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
                s.execute("CHECKPOINT SYNC"); // the schema on disk, to be there when it is opened anew
            }
            StoreGaps gaps = new StoreGaps(store, Clock.systemUTC());
            long lost;
            Connection cut = store.getConnection();
            try {
                cut.setAutoCommit(false);
                lost = append(cut);
                appendCommitted(store);
                assertThat(gaps.open(set(lost))).as("first seen, under the first database").containsExactly(lost);
                try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT SYNC"); // the later commit durable, as Tally's commits are
                    s.execute("SHUTDOWN IMMEDIATELY");
                }
            } finally {
                try {
                    cut.close();
                } catch (SQLException closedWithTheDatabase) {
                    // its transaction ended with the database
                }
            }

            try (Connection held = store.getConnection()) { // opens the database anew
                held.setAutoCommit(false);
                long late = append(held);
                appendCommitted(store);
                SortedSet<Long> asked = set(lost, late);
                assertThat(gaps.open(asked)).as("the cut one dead, the new one first seen").containsExactly(late);
                assertThat(gaps.open(asked)).as("held by a transaction of the database open now")
                        .containsExactly(late);
                held.commit();
                assertThat(gaps.open(asked)).as("committed: for the processor to read").containsExactly(late);
            }
        }

        @Test
        void aGapHeldLongIsLoggedWithTheTransactionThatHoldsItAndNotItsParameters() throws Exception {
            MutableClock clock = new MutableClock(Instant.parse("2026-12-07T00:00:00Z"));
            StoreGaps gaps = new StoreGaps(ds, clock);
            ListAppender<ILoggingEvent> log = new ListAppender<>();
            log.start();
            Logger logger = (Logger) LoggerFactory.getLogger(StoreGaps.class);
            logger.addAppender(log);
            long row = appendCommitted(ds);
            ExecutorService blocked = Executors.newSingleThreadExecutor();
            try (Connection holder = ds.getConnection(); Connection locker = ds.getConnection()) {
                holder.setAutoCommit(false);
                long late = append(holder); // the oldest open transaction, holding the gap
                appendCommitted(ds);
                locker.setAutoCommit(false);
                String update = "UPDATE domain_event_entry SET payload_type = ? WHERE global_index = ?";
                try (PreparedStatement lock = locker.prepareStatement(update)) {
                    lock.setString(1, "locked");
                    lock.setLong(2, row);
                    lock.executeUpdate();
                }
                Future<?> waiting = blocked.submit(() -> {
                    try (PreparedStatement wait = holder.prepareStatement(update)) {
                        wait.setString(1, "a-value-not-for-logs");
                        wait.setLong(2, row);
                        return wait.executeUpdate();
                    }
                });
                SortedSet<Long> gap = set(late);
                gaps.open(gap);
                clock.advance(StoreGaps.HELD_LONG);
                assertThat(gaps.open(gap)).containsExactly(late);
                assertThat(log.list).as("not longer than the bound yet").isEmpty();
                clock.advance(Duration.ofSeconds(1));
                for (int i = 0; i < 100 && !describedBlocked(gaps, gap, log); i++) {
                    Thread.sleep(20); // until the update waits for the lock (no clock is advanced by this)
                }
                gaps.open(gap);
                assertThat(log.list).as("once a minute at most").hasSize(1);
                String warning = log.list.get(0).getFormattedMessage();
                assertThat(warning).contains("gap " + late + " ", "open for 31 s", "H2 transaction", "BLOCKED",
                        "statement 'UPDATE domain_event_entry SET payload_type = ? WHERE global_index = ?'");
                assertThat(warning).as("the statement's values stay out of the log")
                        .doesNotContain("a-value-not-for-logs");
                locker.rollback();
                waiting.get(10, TimeUnit.SECONDS);
                holder.rollback();
            } finally {
                blocked.shutdownNow();
                logger.detachAppender(log);
            }
        }

        /**
         * Asks once; true when it logged the holder's update waiting for its lock (else forgets the log). H2 shows the
         * session blocked a moment before it shows the statement.
         */
        private static boolean describedBlocked(StoreGaps gaps, SortedSet<Long> gap, ListAppender<ILoggingEvent> log) {
            gaps.open(gap);
            boolean blocked = log.list.size() == 1 && log.list.get(0).getFormattedMessage().contains("BLOCKED")
                    && log.list.get(0).getFormattedMessage().contains("statement 'UPDATE");
            if (!blocked) {
                log.list.clear();
                gaps.forgetWarning();
            }
            return blocked;
        }

        private static DataSource h2(String url) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            h2.setUser("sa");
            return h2;
        }
    }

    @Nested
    class OnPostgres extends Contract {
        private static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_gaps");
        private static DataSource ds;

        private static synchronized DataSource postgres() {
            if (ds == null) {
                ds = migrated(DB);
            }
            return ds;
        }

        @Override
        DataSource dataSource() {
            return postgres();
        }

        @Test
        void theJudgeIsPostgresActivity() {
            assertThat(new StoreGaps(postgres(), Clock.systemUTC()).method()).isEqualTo("PostgreSQL pg_stat_activity");
        }
    }
}
