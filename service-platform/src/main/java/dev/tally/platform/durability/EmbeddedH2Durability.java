package dev.tally.platform.durability;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Acknowledged means durable on the embedded default: every {@link DataSource} bean that turns out to be an embedded
 * H2 file database is replaced by a {@link DurableH2DataSource}, after the database is told to write each commit to
 * its file at once ({@code SET WRITE_DELAY 0}; H2's default keeps commits in memory for up to 500 ms).
 *
 * <p>The decision is made on a connection, not on the URL, so it holds however the URL is written
 * ({@code jdbc:h2:file:…}, {@code jdbc:h2:./…}, {@code jdbc:h2:~/…}, {@code nio:}, a {@code WRITE_DELAY} in it…) and for
 * a data source built in code: the connection's H2 session runs in this JVM and its database is persistent. In-memory
 * H2 databases (tests) and PostgreSQL, which syncs its WAL at commit itself ({@code synchronous_commit=on}), are
 * left as they are. An H2 user that is not an administrator cannot sync the file, and the server refuses to start
 * rather than acknowledge writes it cannot make durable.
 */
public class EmbeddedH2Durability implements BeanPostProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedH2Durability.class);

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource dataSource && !(bean instanceof DurableH2DataSource)
                && isEmbeddedFileDatabase(dataSource, beanName)) {
            prepare(dataSource, beanName);
            LOG.info("DataSource '{}' is an embedded H2 file database: each write commit returns once the file is "
                    + "synced to disk (WRITE_DELAY 0, group fsync)", beanName);
            return new DurableH2DataSource(dataSource);
        }
        return bean;
    }

    /** Whether the data source's connections are sessions of an H2 database in this JVM that lives in files. */
    static boolean isEmbeddedFileDatabase(DataSource dataSource, String name) {
        try (Connection connection = dataSource.getConnection()) {
            return isEmbeddedFileDatabase(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot tell whether DataSource '" + name + "' is an embedded H2 file "
                    + "database, whose commits need syncing to be durable: " + e.getMessage(), e);
        }
    }

    static boolean isEmbeddedFileDatabase(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)) {
            return false;
        }
        if (connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local) {
            return local.getDatabase().isPersistent();
        }
        LOG.warn("The DataSource is an H2 database served by another process (jdbc:h2:tcp or ssl): Tally does not "
                + "sync its commits; whether an acknowledged write survives a crash of that server depends on its "
                + "WRITE_DELAY (500 ms by default) and on whether it syncs its file");
        return false;
    }

    /** Prepares the database behind {@code dataSource} ({@link #prepare(Connection)}), refusing to start if it cannot. */
    static void prepare(DataSource dataSource, String name) {
        try (Connection connection = dataSource.getConnection()) {
            prepare(connection);
        } catch (SQLException e) {
            if (e.getErrorCode() == ErrorCode.ADMIN_RIGHTS_REQUIRED) {
                throw new IllegalStateException("DataSource '" + name + "' is an embedded H2 file database and its user "
                        + "is not an administrator: Tally cannot make its commits durable (SET WRITE_DELAY 0 and "
                        + "CHECKPOINT SYNC need admin rights), so it will not acknowledge writes on it. Connect as the "
                        + "database's administrator (the standalone default, 'sa', is one).", e);
            }
            throw new IllegalStateException("DataSource '" + name + "': cannot prepare the embedded H2 database for "
                    + "durable commits: " + e.getMessage(), e);
        }
    }

    /**
     * Each commit written to the file by the committing thread itself ({@code SET WRITE_DELAY 0}), and proof that
     * this user may sync the file. WRITE_DELAY 0 does two things the group sync relies on: a commit is in the file
     * (the page cache) when it returns, which survives {@code kill -9}; and H2 stops its background writer and the
     * executors that write chunks asynchronously, so no chunk can still be on its way to the file when a
     * {@code CHECKPOINT SYNC} forces it (with a background writer, the sync could find nothing left to write and force
     * the file before the writer's chunk had reached it). H2 resets the delay from the URL, or to 500 ms, each time it
     * opens the database, so this runs again whenever the database behind the pool has been reopened. The database's
     * files are narrowed to their owner first ({@link OwnerOnlyFiles}).
     */
    static void prepare(Connection connection) throws SQLException {
        if (connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local) {
            OwnerOnlyFiles.databaseFiles(Path.of(local.getDatabase().getDatabasePath()));
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET WRITE_DELAY 0");
            DurableH2DataSource.CHECKPOINT_SYNC.sync(connection);
            try (ResultSet rs = statement.executeQuery(
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
                List<String> writeDelays = new ArrayList<>();
                while (rs.next()) {
                    writeDelays.add(rs.getString(1));
                }
                if (writeDelays.isEmpty() || !writeDelays.stream().allMatch("0"::equals)) {
                    throw new SQLException("H2's WRITE_DELAY is " + writeDelays + " after SET WRITE_DELAY 0");
                }
            }
        }
    }
}
