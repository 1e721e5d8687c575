package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.PostgresTestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

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
            StoreGaps gaps = new StoreGaps(ds);
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
            StoreGaps gaps = new StoreGaps(ds);
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
            StoreGaps gaps = new StoreGaps(ds);
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
            h2.setURL("jdbc:h2:mem:" + prefix + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
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
            assertThat(new StoreGaps(ds).method()).isEqualTo("H2 transaction store");
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
            assertThat(new StoreGaps(postgres()).method()).isEqualTo("PostgreSQL pg_stat_activity");
        }
    }
}
