package dev.tally.platform.axon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.transaction.TransactionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Executor} with one thread that runs, inside one transaction, every task that queued while it ran the
 * previous ones or within a short linger after the first (at most {@code batch}). For work whose tasks each open a
 * transaction that joins one already open, as Axon's snapshotter's do: one commit for many snapshots instead of one
 * each. On H2 a commit writes a chunk to the file and waits for its sync, 40 % of the snapshot thread's CPU under
 * refresh load when each snapshot had its own.
 *
 * <p>A task that fails does not stop the ones after it (Axon's snapshot tasks clear their family's in-progress mark
 * when they end). What a failed task wrote is undone only if it ran in a savepoint of its own
 * ({@link SavepointTransactionManager}, as the refresh families' snapshots do): Axon's {@code SpringTransactionManager}
 * neither commits nor rolls back a transaction it joined, so the batch would commit what the database kept, on H2
 * everything but the failed statement, on PostgreSQL nothing (a failed statement aborts its transaction).
 *
 * <p>A task that finds the queue full ({@code capacity}), or comes after {@link #shutdown}, is refused with a
 * {@link RejectedExecutionException} and counted, never run on the caller's thread (for Axon's snapshotter a
 * command's after-commit work). Refused, not silently dropped: Axon's snapshotter clears its aggregate's in-progress
 * mark when the executor throws, and only then; a task accepted and never run kept the mark, and that aggregate was
 * never snapshotted again until restart ({@link SheddingSnapshotter}). {@link #shutdown} stops the thread after the
 * batch in hand; what is still queued is not run.
 */
public final class TransactionBatchingExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionBatchingExecutor.class);

    private final BlockingQueue<Runnable> queue;
    private final TransactionManager transactions;
    private final int batch;
    private final long lingerNanos;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param linger how long a batch waits for more tasks after its first, unless it is full: without it, work that
     *               arrives more slowly than it is done would commit one task at a time
     */
    public TransactionBatchingExecutor(String threadName, TransactionManager transactions, int capacity, int batch,
                                       Duration linger) {
        if (capacity < 1 || batch < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("capacity and batch must be at least 1, linger not negative");
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.transactions = transactions;
        this.batch = batch;
        this.lingerNanos = linger.toNanos();
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** @throws RejectedExecutionException if the queue is full or the executor has stopped */
    @Override
    public void execute(Runnable task) {
        if (!running || !queue.offer(task)) {
            dropped.incrementAndGet();
            throw new RejectedExecutionException(running ? "the queue holds " + queue.size() + " tasks" : "stopped");
        }
    }

    /** Tasks refused because the queue was full or the executor stopped. */
    public long dropped() {
        return dropped.get();
    }

    /** Transactions opened so far, one per batch. */
    public long batches() {
        return batches.get();
    }

    /**
     * Stops taking tasks and waits (at most 10 s) for the batch in hand. Never interrupts the thread: an interrupt
     * during an H2 write closes the store for every connection.
     */
    public void shutdown() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every task of a batch runs, whatever the ones before it did: a task's own clean-up is in it. */
    private static void runOne(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("a task failed; the others of its batch still run: {}", e.toString());
        }
    }

    /** Adds what queues within the linger after the first task, up to a full batch. */
    private void gather(List<Runnable> tasks) throws InterruptedException {
        long until = System.nanoTime() + lingerNanos;
        while (tasks.size() < batch) {
            queue.drainTo(tasks, batch - tasks.size());
            long left = until - System.nanoTime();
            if (tasks.size() >= batch || left <= 0) {
                return;
            }
            Runnable next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            tasks.add(next);
        }
    }

    private void run() {
        List<Runnable> tasks = new ArrayList<>(batch);
        while (running) {
            try {
                Runnable first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                tasks.add(first);
                gather(tasks);
            } catch (InterruptedException e) {
                return;
            }
            try {
                batches.incrementAndGet();
                transactions.executeInTransaction(() -> tasks.forEach(TransactionBatchingExecutor::runOne));
            } catch (RuntimeException e) {
                LOG.warn("{} tasks run in one transaction could not commit: {}", tasks.size(), e.toString());
            } finally {
                tasks.clear();
            }
        }
    }
}
