package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.PostgresTestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The event store's migrations as Flyway runs them: on H2 the global index reserves 256 values at a time (each
 * reservation was a chunk written to the file, every 32 events), and a killed process leaves a gap no larger than
 * that, never an index taken twice; PostgreSQL keeps its cache of 1.
 */
class EventIndexReservationTest {
    private static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_event_index");

    @Test
    void onH2TheGlobalIndexReserves256() throws Exception {
        Path dir = Files.createTempDirectory("tally-event-index");
        DataSource h2 = h2(dir);
        migrate(h2);

        assertThat(query(h2, "SELECT IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_NAME = 'DOMAIN_EVENT_ENTRY' AND COLUMN_NAME = 'GLOBAL_INDEX'")).isEqualTo(256L);
    }

    /**
     * Five rounds of appends by a separate process, each killed with SIGKILL once its appends are committed (so
     * nothing reserved is written back): every index is new, they grow, and no gap exceeds 256.
     */
    @Test
    void onH2AKilledProcessLeavesAGapOfAtMostTheReservationAndNeverAnIndexTwice() throws Exception {
        Path dir = Files.createTempDirectory("tally-event-index-crash");
        migrate(h2(dir));
        List<Long> indexes = new ArrayList<>();
        int gaps = 0;
        for (int round = 0; round < 5; round++) {
            List<Long> appended = appendAndBeKilled(dir, 7 + round * 50);
            if (!indexes.isEmpty() && appended.get(0) - indexes.get(indexes.size() - 1) > 1) {
                gaps++;
            }
            indexes.addAll(appended);
        }

        long largestGap = 0;
        for (int i = 1; i < indexes.size(); i++) {
            assertThat(indexes.get(i)).as("index %d", i).isGreaterThan(indexes.get(i - 1));
            largestGap = Math.max(largestGap, indexes.get(i) - indexes.get(i - 1));
        }
        assertThat(gaps).as("a gap after each kill").isEqualTo(4);
        assertThat(largestGap).as("the values reserved and lost at a kill").isLessThanOrEqualTo(256);
        assertThat(query(h2(dir), "SELECT COUNT(*) FROM domain_event_entry")).isEqualTo((long) indexes.size());
    }

    /** Runs {@link Appender} in a JVM of its own, and kills it (SIGKILL) once it has committed its appends. */
    private static List<Long> appendAndBeKilled(Path dir, int count) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Appender.class.getName(), dir.toString(),
                String.valueOf(count)).redirectErrorStream(true).start();
        List<Long> appended = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("appended")) {
                if (line.matches("\\d+")) {
                    appended.add(Long.parseLong(line));
                }
            }
            assertThat(line).as("the appender's last word").isEqualTo("appended");
            child.destroyForcibly(); // SIGKILL on Linux
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(appended).hasSize(count);
        return appended;
    }

    /** Appends {@code args[1]} events to the H2 store in {@code args[0]}, printing each index, then waits to die. */
    public static final class Appender {
        public static void main(String[] args) throws Exception {
            DataSource h2 = h2(Path.of(args[0]));
            try (Connection open = h2.getConnection()) {
                for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                    System.out.println(StoreGapsTest.Contract.appendCommitted(h2));
                }
                System.out.println("appended");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }

    @Test
    void onPostgresTheSequenceKeepsItsCacheOfOne() throws Exception {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(DB.jdbcUrl());
        pg.setUser(DB.user());
        pg.setPassword(DB.password());
        migrate(pg);

        assertThat(query(pg, "SELECT seqcache FROM pg_sequence "
                + "WHERE seqrelid = pg_get_serial_sequence('domain_event_entry', 'global_index')::regclass"))
                .isEqualTo(1L);
        assertThat(query(pg, "SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1.2' AND success"))
                .as("the migration ran, and did nothing here").isEqualTo(1L);
    }

    private static DataSource h2(Path dir) {
        JdbcDataSource h2 = new JdbcDataSource();
        // each commit written to the file at once, as Tally's durable H2 has it (EmbeddedH2Durability)
        h2.setURL("jdbc:h2:file:" + dir.resolve("store") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        h2.setUser("sa");
        return h2;
    }

    private static void migrate(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/tally/eventstore").load().migrate();
    }

    private static long query(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
