package dev.tally.platform.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * With WRITE_DELAY 0 every durable commit writes a chunk, and H2 no longer rewrites the mostly-dead ones: the file grows
 * by every chunk. The housekeeping rewrites their live pages so the chunks die and their space is reused. Two databases
 * get the same commits, one with housekeeping between them and one without; RETENTION_TIME 0 (in the test only) lets
 * H2 reuse a dead chunk's space at once instead of after 45 seconds.
 */
class H2HousekeepingTest {
    private final List<HikariDataSource> pools = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void rewritingMostlyDeadChunksKeepsTheFileFromGrowingByEveryCommit() throws Exception {
        DurableH2DataSource kept = durable("kept");
        DurableH2DataSource left = durable("left");
        H2Housekeeping housekeeping = new H2Housekeeping(List.of(kept));

        int rewrites = 0;
        for (int round = 0; round < 30; round++) {
            commitRows(kept, 50);
            commitRows(left, 50);
            if (housekeeping.runOnce()) {
                rewrites++;
            }
        }
        long keptSize = Files.size(dir.resolve("kept.mv.db"));
        long leftSize = Files.size(dir.resolve("left.mv.db"));
        int keptFill = chunksFillRate(kept);
        int leftFill = chunksFillRate(left);
        System.out.printf("1,500 durable commits: with housekeeping %d KiB (chunks %d%% live, %d rewriting rounds), "
                + "without %d KiB (chunks %d%% live)%n", keptSize / 1024, keptFill, rewrites, leftSize / 1024, leftFill);
        assertThat(rewrites).as("rounds that rewrote chunks").isPositive();
        assertThat(leftFill).as("live share of the chunks without housekeeping").isLessThan(H2Housekeeping.TARGET_FILL_RATE);
        assertThat(keptFill).as("live share of the chunks with housekeeping").isGreaterThan(leftFill);
        assertThat(keptSize).as("file size with housekeeping").isLessThan(leftSize / 2);
        assertThat(count(kept)).isEqualTo(count(left)).isEqualTo(1_500);
    }

    @Test
    void withoutADatabaseYetThereIsNothingToDo() {
        HikariDataSource pool = pool("idle");
        DurableH2DataSource untouched = new DurableH2DataSource(pool);
        assertThat(new H2Housekeeping(List.of(untouched)).runOnce()).isFalse();
    }

    private DurableH2DataSource durable(String name) {
        DurableH2DataSource db = new DurableH2DataSource(pool(name));
        JdbcTemplate jdbc = new JdbcTemplate(db);
        jdbc.execute("SET RETENTION_TIME 0");
        jdbc.execute("CREATE TABLE item (id UUID PRIMARY KEY, at BIGINT NOT NULL, note VARCHAR(200))");
        jdbc.execute("CREATE INDEX item_at ON item (at)");
        return db;
    }

    private HikariDataSource pool(String name) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl("jdbc:h2:file:" + dir.resolve(name) + ";DB_CLOSE_ON_EXIT=FALSE");
        pool.setUsername("sa");
        pool.setPassword("");
        pool.setMaximumPoolSize(2);
        pools.add(pool);
        return pool;
    }

    private static void commitRows(DurableH2DataSource db, int commits) {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(db));
        for (int i = 0; i < commits; i++) {
            transactions.executeWithoutResult(status -> jdbc.update("INSERT INTO item (id, at, note) VALUES (?, ?, ?)",
                    UUID.randomUUID(), System.nanoTime(), "x".repeat(150)));
        }
    }

    private static int chunksFillRate(DurableH2DataSource db) {
        return Integer.parseInt(new JdbcTemplate(db).queryForObject(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CHUNKS_FILL_RATE'",
                String.class));
    }

    private static long count(DurableH2DataSource db) {
        return new JdbcTemplate(db).queryForObject("SELECT COUNT(*) FROM item", Long.class);
    }
}
