package dev.tally.platform.axon;

import java.sql.SQLException;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * The event store or its database failed (connection lost, timeout), or, in distributed mode, the command service
 * that owns them could not be asked ({@link StoreUnreachable}). The caller answers "retry shortly" (503), never 500;
 * the decision it asked for was not made by this call (after a transport timeout it may have been, see the command
 * transport's {@code CommandServiceUnavailable}).
 */
public final class StoreFailure {
    private StoreFailure() {
    }

    public static boolean causedBy(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EventStoreException || t instanceof TransactionException || t instanceof DataAccessException
                    || t instanceof SQLException || t instanceof StoreUnreachable) {
                return true;
            }
        }
        return false;
    }
}
