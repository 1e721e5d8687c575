package dev.tally.platform.axon;

import java.util.concurrent.RejectedExecutionException;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules snapshots through Axon's snapshotter and skips one that its executor refuses. Axon marks an aggregate
 * "snapshot in progress" before it hands the task to the executor, and skips every later trigger of that aggregate
 * while the mark is there; the task clears the mark when it ends, and Axon clears it itself only when the executor
 * throws. An executor that refuses work under load must therefore throw ({@link TransactionBatchingExecutor} does):
 * one that accepted a task and never ran it left the aggregate marked, and it was never snapshotted again until
 * restart, so its loads grew with its history.
 *
 * <p>The refusal is met here rather than passed on: like Axon, a snapshot asked for during a unit of work is scheduled
 * after its commit, and a refusal then would reach the command's after-commit work (Axon logs it with its stack
 * trace). A skipped snapshot costs nothing lasting: the aggregate's next trigger asks again.
 */
public final class SheddingSnapshotter implements Snapshotter {
    private static final Logger LOG = LoggerFactory.getLogger(SheddingSnapshotter.class);

    private final Snapshotter snapshotter;

    public SheddingSnapshotter(Snapshotter snapshotter) {
        this.snapshotter = snapshotter;
    }

    @Override
    public void scheduleSnapshot(Class<?> aggregateType, String aggregateIdentifier) {
        if (CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get().phase().isBefore(UnitOfWork.Phase.COMMIT)) {
            CurrentUnitOfWork.get().afterCommit(unitOfWork -> schedule(aggregateType, aggregateIdentifier));
        } else {
            schedule(aggregateType, aggregateIdentifier);
        }
    }

    private void schedule(Class<?> aggregateType, String aggregateIdentifier) {
        try {
            snapshotter.scheduleSnapshot(aggregateType, aggregateIdentifier);
        } catch (RejectedExecutionException refused) {
            LOG.debug("snapshot of {} {} skipped: {}", aggregateType.getSimpleName(), aggregateIdentifier,
                    refused.getMessage());
        }
    }
}
