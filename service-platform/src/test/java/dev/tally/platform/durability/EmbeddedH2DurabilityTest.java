package dev.tally.platform.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.tally.testsupport.PostgresTestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Which data sources get durable commits: an embedded H2 file database however its URL is written (and whatever
 * WRITE_DELAY it asks for), never an in-memory one or PostgreSQL; and a user who cannot sync the file is refused.
 */
class EmbeddedH2DurabilityTest {
    private final EmbeddedH2Durability durability = new EmbeddedH2Durability();
    private final List<HikariDataSource> pools = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void anEmbeddedFileDatabaseIsMadeDurableHoweverItsUrlIsWritten() {
        List<String> urls = List.of(
                "jdbc:h2:file:" + dir.resolve("explicit") + ";DB_CLOSE_ON_EXIT=FALSE",
                "jdbc:h2:" + dir.resolve("implicit"),
                "jdbc:h2:nio:" + dir.resolve("nio") + ";WRITE_DELAY=500",
                "jdbc:h2:file:" + dir.resolve("delayed") + ";WRITE_DELAY=2000;DB_CLOSE_DELAY=-1");
        for (String url : urls) {
            HikariDataSource pool = pool(url, "sa", "");
            Object processed = durability.postProcessAfterInitialization(pool, "dataSource");
            assertThat(processed).as(url).isInstanceOf(DurableH2DataSource.class);
            assertThat(writeDelays((DataSource) processed)).as("WRITE_DELAY of " + url).isNotEmpty().containsOnly("0");
            JdbcTemplate jdbc = new JdbcTemplate((DataSource) processed);
            jdbc.execute("CREATE TABLE item (id INT PRIMARY KEY)");
            long syncs = ((DurableH2DataSource) processed).groupSync().syncs();
            jdbc.update("INSERT INTO item (id) VALUES (1)");
            assertThat(((DurableH2DataSource) processed).groupSync().syncs() - syncs).as(url).isEqualTo(1);
        }
    }

    @Test
    void aDataSourceWithoutPoolIsRecognisedToo() {
        DataSource plain = new DriverManagerDataSource("jdbc:h2:" + dir.resolve("plain") + ";DB_CLOSE_DELAY=-1", "sa", "");
        assertThat(durability.postProcessAfterInitialization(plain, "dataSource")).isInstanceOf(DurableH2DataSource.class);
    }

    /** H2 closes a database with its last connection and opens it again with its default write delay (here 500 ms). */
    @Test
    void aDatabaseReopenedBehindTheDataSourceIsPreparedAgain() throws Exception {
        DataSource plain = new DriverManagerDataSource("jdbc:h2:" + dir.resolve("reopened") + ";WRITE_DELAY=500", "sa", "");
        DataSource durable = (DataSource) durability.postProcessAfterInitialization(plain, "dataSource");
        for (int opening = 1; opening <= 3; opening++) {
            try (Connection c = durable.getConnection(); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery(
                         "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
                List<String> values = new ArrayList<>();
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
                assertThat(values).as("WRITE_DELAY at opening %d", opening).isNotEmpty().containsOnly("0");
            }
        }
    }

    @Test
    void inMemoryH2AndPostgresqlAreLeftAsTheyAre() {
        HikariDataSource memory = pool("jdbc:h2:mem:durability-test;DB_CLOSE_DELAY=-1", "sa", "");
        assertThat(durability.postProcessAfterInitialization(memory, "dataSource")).isSameAs(memory);

        PostgresTestDatabase db = PostgresTestDatabase.create("durability");
        HikariDataSource postgres = pool(db.jdbcUrl(), db.user(), db.password());
        assertThat(durability.postProcessAfterInitialization(postgres, "dataSource")).isSameAs(postgres);
        assertThat(durability.postProcessAfterInitialization("not a data source", "other")).isEqualTo("not a data source");
    }

    /** Its durability is the server's business (Tally logs a warning); a CHECKPOINT SYNC per commit over TCP is not ours. */
    @Test
    void anH2DatabaseServedOverTcpIsLeftAsItIs() throws Exception {
        Server server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.toString()).start();
        try {
            HikariDataSource remote = pool("jdbc:h2:tcp://localhost:" + server.getPort() + "/remote", "sa", "");
            assertThat(durability.postProcessAfterInitialization(remote, "dataSource")).isSameAs(remote);
            remote.close();
        } finally {
            server.stop();
        }
    }

    @Test
    void aUserWhoCannotSyncTheFileIsRefusedRatherThanAcknowledgedUndurably() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("restricted") + ";DB_CLOSE_ON_EXIT=FALSE";
        HikariDataSource owner = pool(url, "sa", "");
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER app PASSWORD 'app-password'");
        }
        HikariDataSource app = pool(url, "app", "app-password");
        assertThatThrownBy(() -> durability.postProcessAfterInitialization(app, "dataSource"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not an administrator")
                .hasMessageNotContaining("app-password");
    }

    private static List<String> writeDelays(DataSource dataSource) {
        return new JdbcTemplate(dataSource).queryForList(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'", String.class);
    }

    private HikariDataSource pool(String url, String user, String password) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(2);
        pools.add(pool);
        return pool;
    }
}
