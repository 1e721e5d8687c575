package dev.tally.support.durability;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
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

    public DurableH2DataSource(DataSource target) {
        this(target, CHECKPOINT_SYNC);
    }

    DurableH2DataSource(DataSource target, GroupSync.SyncAction action) {
        super(target);
        this.sync = new GroupSync(action);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DurableConnection.wrap(obtainTargetDataSource().getConnection(), sync);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return DurableConnection.wrap(obtainTargetDataSource().getConnection(username, password), sync);
    }

    /** The group sync every connection of this data source shares (for metrics and tests). */
    public GroupSync groupSync() {
        return sync;
    }
}
