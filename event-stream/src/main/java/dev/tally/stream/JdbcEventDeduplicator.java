package dev.tally.stream;

import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records the id of every applied event in a table, in the same transaction as the view's own writes: the pattern for
 * a view kept in a database. {@code apply} runs inside that transaction, so its {@code JdbcTemplate} writes (on the
 * same {@code DataSource}) commit or roll back together with the record of the event; a copy of the event finds the
 * record and changes nothing. Works on PostgreSQL and H2. The owning module creates the table in its own migration:
 *
 * <pre>{@code
 * CREATE TABLE <table> (
 *     tenant_id    VARCHAR(63)  NOT NULL,
 *     consumer     VARCHAR(100) NOT NULL,
 *     event_id     VARCHAR(255) NOT NULL,
 *     global_index BIGINT       NOT NULL,
 *     PRIMARY KEY (tenant_id, consumer, event_id)
 * );
 * }</pre>
 *
 * One row per event and consumer; {@code global_index} lets a module prune rows far behind the stream. Two consumers
 * applying the same event at once (during a rebalance) cannot both record it: the primary key fails one of them,
 * which rolls back and, handed the event again, skips it.
 */
public class JdbcEventDeduplicator implements EventDeduplicator {
    private static final Pattern TABLE = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final String consumer;
    private final String insert;

    /** @param consumer the name this consumer records its events under (one table may serve several consumers) */
    public JdbcEventDeduplicator(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, String table,
                                 String consumer) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.consumer = consumer;
        this.insert = "INSERT INTO " + table + " (tenant_id, consumer, event_id, global_index) SELECT ?, ?, ?, ? "
                + "WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE tenant_id = ? AND consumer = ? AND event_id = ?)";
    }

    /** The table's DDL, as in the class comment. */
    public static String createTableSql(String table) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        return "CREATE TABLE " + table + " (tenant_id VARCHAR(63) NOT NULL, consumer VARCHAR(100) NOT NULL, "
                + "event_id VARCHAR(255) NOT NULL, global_index BIGINT NOT NULL, "
                + "PRIMARY KEY (tenant_id, consumer, event_id))";
    }

    @Override
    public boolean applyOnce(StreamedEvent event, Runnable apply) {
        Boolean applied = transactions.execute(status -> {
            int recorded = jdbc.update(insert, event.tenantId(), consumer, event.id(), event.globalIndex(),
                    event.tenantId(), consumer, event.id());
            if (recorded == 0) {
                return false;
            }
            apply.run();
            return true;
        });
        return Boolean.TRUE.equals(applied);
    }
}
