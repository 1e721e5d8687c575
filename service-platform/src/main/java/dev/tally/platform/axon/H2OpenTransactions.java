package dev.tally.platform.axon;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.command.Command;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.TransactionStore;

/**
 * The embedded H2 database: its transaction store numbers every transaction as it begins, so a mark is the newest
 * number among the open ones and a transaction open at the mark has a number at or below it. Loaded only when the
 * store is an embedded H2 database (the services without H2 never touch this class).
 *
 * <p>An embedded database is open in this process alone, so every index it handed out before this process opened it
 * belongs to a transaction that ended with the process before: {@link #settledBelow()} is the event store's next
 * index as it was when this process began using the store.
 */
final class H2OpenTransactions implements OpenTransactions {
    private final DataSource dataSource;
    private final long settledBelow;
    private volatile Opened opened;
    /** The highest number this has answered, so the numbers of a database opened anew come after it. */
    private long highest = -1;

    /** The database open now, and what is added to its sequence numbers (they start again when it is reopened). */
    private record Opened(Database database, long offset) {
        TransactionStore store() {
            return database.getStore().getTransactionStore();
        }
    }

    private H2OpenTransactions(DataSource dataSource, Database database, long settledBelow) {
        this.dataSource = dataSource;
        this.opened = new Opened(database, 0);
        this.settledBelow = settledBelow;
    }

    /**
     * For the database of {@code connection}, or {@code null} if it is not embedded (a server this JVM cannot see).
     *
     * @param beforeAnyAppend whether nothing of this process can have taken an index yet (asked while the services
     *                        start, before they run a command or take a request): only then is the store's next index
     *                        this process's first
     */
    static OpenTransactions of(DataSource dataSource, Connection connection, boolean beforeAnyAppend)
            throws SQLException {
        Database database = database(connection);
        return database == null ? null
                : new H2OpenTransactions(dataSource, database, beforeAnyAppend ? nextIndex(connection) : 0);
    }

    private static Database database(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)
                || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return null;
        }
        return session.getDatabase();
    }

    /**
     * The transaction store of the database open now. H2 closes a database on a fatal error (an interrupt during a
     * write, a full disk) and the pool's next connection opens it anew: the closed one's store would answer for
     * transactions that no longer exist and miss the new ones. The new one numbers its transactions from the start
     * again, so its numbers are moved past every number answered before: a gap marked under the closed database is
     * judged once the transactions open at the reopening have ended (the closed one's ended with it).
     */
    private Opened opened() {
        Opened current = opened;
        return closed(current.database()) ? reopened() : current;
    }

    private synchronized Opened reopened() {
        Opened current = opened;
        if (closed(current.database())) {
            try (Connection connection = dataSource.getConnection()) {
                current = new Opened(database(connection), highest + 1);
                opened = current;
            } catch (SQLException e) {
                throw new IllegalStateException("the event store's database was closed and cannot be opened", e);
            }
        }
        return current;
    }

    private static boolean closed(Database database) {
        return database.isClosing() || database.getStore().getMvStore().isClosed();
    }

    /** The event store's next global index (H2 calls it the identity's base); 0 without an event store. */
    private static long nextIndex(Connection connection) throws SQLException {
        try (PreparedStatement next = connection.prepareStatement("SELECT IDENTITY_BASE FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = 'DOMAIN_EVENT_ENTRY' "
                + "AND COLUMN_NAME = 'GLOBAL_INDEX'");
             ResultSet rs = next.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public long mark() {
        Opened current = opened();
        long newest = -1;
        for (Transaction t : current.store().getOpenTransactions()) {
            newest = Math.max(newest, t.getSequenceNum());
        }
        return answered(current.offset() + newest);
    }

    @Override
    public long oldestOpen() {
        Opened current = opened();
        Transaction oldest = oldest(current);
        return oldest == null ? Long.MAX_VALUE : answered(current.offset() + oldest.getSequenceNum());
    }

    private synchronized long answered(long number) {
        highest = Math.max(highest, number);
        return number;
    }

    @Override
    public long settledBelow() {
        return settledBelow;
    }

    private static Transaction oldest(Opened opened) {
        Transaction oldest = null;
        for (Transaction t : opened.store().getOpenTransactions()) {
            if (oldest == null || t.getSequenceNum() < oldest.getSequenceNum()) {
                oldest = t;
            }
        }
        return oldest;
    }

    /** The oldest open transaction and the session that holds it: its state, statement and when it started. */
    @Override
    public String describeOldest() {
        Opened current = opened();
        Transaction oldest = oldest(current);
        if (oldest == null) {
            return "no transaction open";
        }
        for (SessionLocal session : current.database().getSessions(true)) {
            if (holds(session, oldest)) {
                Command command = session.getCurrentCommand();
                return "H2 transaction " + oldest + " of session " + session.getId() + " (" + session.getState()
                        + ", started " + session.getSessionStart() + ", statement "
                        + (command == null ? "none running" : "'" + sql(command) + "'") + " at "
                        + session.getCommandStartOrEnd() + ")";
            }
        }
        return "H2 transaction " + oldest + " (no session found for it)";
    }

    /** The statement's text without its parameters' values (H2's own description of it shows them). */
    private static String sql(Command command) {
        try {
            Field field = Command.class.getDeclaredField("sql");
            field.setAccessible(true);
            return String.valueOf(field.get(command));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "?";
        }
    }

    /** Whether {@code session} holds {@code transaction}; read without beginning one, which its getter would. */
    private static boolean holds(SessionLocal session, Transaction transaction) {
        try {
            Field field = SessionLocal.class.getDeclaredField("transaction");
            field.setAccessible(true);
            return field.get(session) == transaction;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "H2 transaction store";
    }
}
