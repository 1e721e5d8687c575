package dev.tally.platform.axon;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.TransactionStore;

/**
 * The embedded H2 database: its transaction store numbers every transaction as it begins, so a mark is the newest
 * number among the open ones and a transaction open at the mark has a number at or below it. Loaded only when the
 * store is an embedded H2 database (the services without H2 never touch this class).
 */
final class H2OpenTransactions implements OpenTransactions {
    private final TransactionStore store;

    private H2OpenTransactions(TransactionStore store) {
        this.store = store;
    }

    /** For the database of {@code connection}, or {@code null} if it is not embedded (a server this JVM cannot see). */
    static OpenTransactions of(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)
                || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return null;
        }
        return new H2OpenTransactions(session.getDatabase().getStore().getTransactionStore());
    }

    @Override
    public long mark() {
        long newest = -1;
        for (Transaction t : store.getOpenTransactions()) {
            newest = Math.max(newest, t.getSequenceNum());
        }
        return newest;
    }

    @Override
    public long oldestOpen() {
        long oldest = Long.MAX_VALUE;
        for (Transaction t : store.getOpenTransactions()) {
            oldest = Math.min(oldest, t.getSequenceNum());
        }
        return oldest;
    }

    @Override
    public String toString() {
        return "H2 transaction store";
    }
}
