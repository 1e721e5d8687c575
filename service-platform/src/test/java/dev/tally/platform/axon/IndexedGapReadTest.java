package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.H2RowsRead;
import dev.tally.testsupport.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.JdbcEventStorageEngineStatements;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The batch read while a tracking token has gaps ({@link IndexedGapRead}), on the real databases: it answers exactly
 * the rows, in exactly the order, of Axon's own statement, and on H2 it reads only those rows where Axon's reads the
 * whole table.
 */
class IndexedGapReadTest {
    private static final EventSchema SCHEMA = new AxonJdbcAutoConfiguration().eventSchema();

    abstract static class Contract {
        abstract DataSource dataSource();

        @Test
        void answersWhatAxonsStatementAnswersIn500RandomReads() throws SQLException {
            DataSource ds = dataSource();
            List<Long> stored = new ArrayList<>();
            List<Long> lost = new ArrayList<>();
            Random random = new Random(20261206);
            for (int i = 0; i < 600; i++) {
                if (random.nextInt(10) == 0) {
                    lost.add(StoreGapsTest.Contract.appendRolledBack(ds));
                } else {
                    stored.add(StoreGapsTest.Contract.appendCommitted(ds));
                }
            }
            long first = Math.min(stored.get(0), lost.isEmpty() ? Long.MAX_VALUE : lost.get(0));
            long last = stored.get(stored.size() - 1);
            int nonEmpty = 0;
            try (Connection c = ds.getConnection()) {
                for (int round = 0; round < 500; round++) {
                    long position = first + random.nextLong(last - first + 1);
                    int batch = 1 + random.nextInt(100);
                    List<Long> gaps = new ArrayList<>();
                    int count = 1 + random.nextInt(12);
                    for (int g = 0; g < count; g++) {
                        long gap = first - 1 + random.nextLong(position - first + 2); // at or below the position
                        if (gap < position && !gaps.contains(gap)) {
                            gaps.add(gap);
                        }
                    }
                    if (gaps.isEmpty()) {
                        gaps.add(position - 1);
                    }
                    gaps.sort(null);
                    List<String> axons = rows(JdbcEventStorageEngineStatements.readEventDataWithGaps(
                            c, SCHEMA, position, batch, gaps));
                    List<String> ours = rows(new IndexedGapRead().build(c, SCHEMA, position, batch, gaps));
                    assertThat(ours).as("position %d, batch %d, gaps %s", position, batch, gaps).isEqualTo(axons);
                    if (!ours.isEmpty()) {
                        nonEmpty++;
                    }
                }
            }
            assertThat(lost).as("the store has gaps that were never filled").isNotEmpty();
            assertThat(nonEmpty).as("reads that found rows").isGreaterThan(400);
        }

        /** Each row as its index, event id and payload type, in the order answered. */
        static List<String> rows(PreparedStatement statement) throws SQLException {
            List<String> rows = new ArrayList<>();
            try (statement; ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getLong(SCHEMA.globalIndexColumn()) + " " + rs.getString(SCHEMA.eventIdentifierColumn())
                            + " " + rs.getString(SCHEMA.payloadTypeColumn()));
                }
            }
            return rows;
        }
    }

    @Nested
    class OnH2 extends Contract {
        private final DataSource ds = StoreGapsTest.Contract.migratedH2("gap-read");

        @Override
        DataSource dataSource() {
            return ds;
        }

        @Test
        void readsTheBatchAndTheGapsFromTheIndexNotTheWholeStore() throws SQLException {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                for (int i = 0; i < 20_000; i++) {
                    StoreGapsTest.Contract.append(c);
                }
                c.commit();
                List<Long> gaps = List.of(19_000L, 19_500L, 19_900L);
                Object[] parameters = {19_950L, 19_950L + 100, gaps.get(0), gaps.get(1), gaps.get(2)};
                int ours = H2RowsRead.of(c, IndexedGapRead.sql(SCHEMA, gaps.size()), parameters);
                int axons = H2RowsRead.of(c, "SELECT " + SCHEMA.trackedEventFields() + " FROM "
                        + SCHEMA.domainEventTable() + " WHERE (global_index > ? AND global_index <= ?)"
                        + " OR global_index IN (?,?,?) ORDER BY global_index ASC", parameters);
                assertThat(ours).as("rows H2 read for 50 events after the position and 3 gaps").isLessThanOrEqualTo(60);
                assertThat(axons).as("Axon's form, why this class exists").isGreaterThanOrEqualTo(20_000);
            }
        }
    }

    @Nested
    class OnPostgres extends Contract {
        private static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_gap_read");
        private static DataSource ds;

        private static synchronized DataSource postgres() {
            if (ds == null) {
                ds = StoreGapsTest.Contract.migrated(DB);
            }
            return ds;
        }

        @Override
        DataSource dataSource() {
            return postgres();
        }
    }
}
