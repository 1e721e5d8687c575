package dev.tally.platform.axon;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * Axon's transactions for work that runs inside a transaction someone else opened and must be able to fail alone:
 * each transaction started here is a savepoint in the one already open (Spring's nested propagation), released when
 * it commits and rolled back to when it fails. On PostgreSQL a failed statement aborts the whole transaction, so
 * without the savepoint one failed piece of work took every other one of the same transaction with it; H2 undoes only
 * the failed statement either way. With no transaction open, one of its own is opened and ended.
 *
 * <p>Axon's {@code SpringTransactionManager} commits and rolls back only a transaction it began itself: inside another
 * it does neither, which is right for joining and wrong here. Used by the refresh families' snapshotter, whose tasks
 * {@link TransactionBatchingExecutor} runs many to a transaction.
 */
public final class SavepointTransactionManager implements TransactionManager {
    private static final TransactionDefinition NESTED =
            new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_NESTED);

    private final PlatformTransactionManager transactions;

    public SavepointTransactionManager(PlatformTransactionManager transactions) {
        this.transactions = transactions;
    }

    @Override
    public Transaction startTransaction() {
        TransactionStatus status = transactions.getTransaction(NESTED);
        return new Transaction() {
            @Override
            public void commit() {
                if (!status.isCompleted()) {
                    transactions.commit(status);
                }
            }

            @Override
            public void rollback() {
                if (!status.isCompleted()) {
                    transactions.rollback(status);
                }
            }
        };
    }
}
