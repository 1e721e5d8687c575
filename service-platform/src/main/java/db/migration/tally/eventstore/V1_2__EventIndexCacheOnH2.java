package db.migration.tally.eventstore;

import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On H2 only: the event store's global index reserves 256 values at a time instead of H2's 32. H2 records each
 * reservation in its schema, committed at once by its system session: one more chunk written to the file every 32
 * events, inside the command writer's group commit (10 % of that thread's CPU under refresh load; an eighth as many
 * now). A crash loses what was reserved and unused, so the next start leaves a gap of at most 256 indexes, which
 * every tracking processor holds as gaps and asks for with each batch until they time out (a minute): the reason
 * not to reserve more. A clean shutdown loses nothing. PostgreSQL keeps its sequence's cache of 1: a cache there is
 * per connection, and indexes taken by different connections would interleave with their commits far more often.
 *
 * <p>Java, not SQL, because the same SQL runs on both databases and this statement is for one.
 */
public class V1_2__EventIndexCacheOnH2 extends BaseJavaMigration {
    static final int RESERVED = 256;

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        if (connection.getMetaData().getDatabaseProductName().equals("H2")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE domain_event_entry ALTER COLUMN global_index SET CACHE " + RESERVED);
            }
        }
    }
}
