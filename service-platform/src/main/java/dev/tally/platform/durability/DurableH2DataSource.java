package dev.tally.platform.durability;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * An embedded H2 file database whose write commits are durable when they return: every connection it hands out
 * is a {@link DurableConnection}, and they all share one {@link GroupSync}. Spring's transaction managers, every
 * {@code JdbcTemplate}, Axon's event store and token store, and Flyway all take their connections from this bean, so
 * no write reaches the database around it.
 */
public final class DurableH2DataSource extends DelegatingDataSource {
    /** H2's own flush-and-fsync of its file ({@code Database.sync()}); needs an administrator. */
    static final GroupSync.SyncAction CHECKPOINT_SYNC = connection -> {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }
    };

    private final GroupSync sync;
    /** The H2 database (an {@code org.h2.engine.Database}) last prepared by {@link EmbeddedH2Durability#prepare}. */
    private volatile Database prepared;

    public DurableH2DataSource(DataSource target) {
        this(target, CHECKPOINT_SYNC);
    }

    DurableH2DataSource(DataSource target, GroupSync.SyncAction action) {
        super(target);
        this.sync = new GroupSync(action);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return durable(obtainTargetDataSource().getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return durable(obtainTargetDataSource().getConnection(username, password));
    }

    /**
     * Wraps a connection of the pool, first preparing its database if it is not the one prepared last: when every
     * connection has been closed, H2 closes the database, and the next connection opens it again with its default
     * WRITE_DELAY. One comparison of references per connection handed out.
     */
    private Connection durable(Connection target) throws SQLException {
        try {
            SessionLocal session = (SessionLocal) target.unwrap(JdbcConnection.class).getSession();
            Database database = session.getDatabase();
            if (database != prepared) {
                prepare(target, database);
            }
            return DurableConnection.wrap(target, session, sync);
        } catch (SQLException | RuntimeException e) {
            target.close();
            throw e;
        }
    }

    private synchronized void prepare(Connection target, Database database) throws SQLException {
        if (database != prepared) {
            EmbeddedH2Durability.prepare(target);
            prepared = database;
        }
    }

    /** The H2 database its connections reach now, once prepared; null before the first connection. */
    Database preparedDatabase() {
        return prepared;
    }

    /** The group sync every connection of this data source shares (for metrics and tests). */
    public GroupSync groupSync() {
        return sync;
    }
}
