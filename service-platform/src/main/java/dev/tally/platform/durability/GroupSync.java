package dev.tally.platform.durability;

import java.sql.SQLException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group fsync: one sync of the database file covers every commit that finished before the sync started.
 *
 * <p>A committing thread takes a ticket once its commit has returned ({@link #committed()}), then waits in
 * {@link #awaitDurable} until a sync that <em>started after</em> that moment has completed. The first waiter that
 * finds no sync running becomes the leader and runs one on its own connection; commits that finish while it runs
 * wait for the next one, which the first of them leads. So under load each sync covers every commit of the
 * previous sync's duration, and an idle database pays one sync per commit.
 *
 * <p>A failed sync is final: after it, no write can be reported durable (the kernel may have dropped the dirty
 * pages the failed fsync was about, so a later fsync that succeeds proves nothing about them; PostgreSQL panics
 * for the same reason). Every waiting and later write commit then fails until the process restarts.
 */
public final class GroupSync {

    /** Forces the database file to stable storage, on the leader's own (unwrapped) connection. */
    @FunctionalInterface
    public interface SyncAction {
        void sync(java.sql.Connection connection) throws SQLException;
    }

    private final SyncAction action;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Tickets handed out: commits that have finished and wait to be durable. */
    private long committed;
    /** Every ticket up to this one is covered by a completed sync. */
    private long durable;
    private boolean syncing;
    private SQLException failure;
    private long syncs;
    private int waiting;

    public GroupSync(SyncAction action) {
        this.action = action;
    }

    /** Call right after a commit that wrote something has returned; answers its ticket for {@link #awaitDurable}. */
    public long committed() {
        lock.lock();
        try {
            return ++committed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once a sync that started after ticket {@code ticket} was handed out has completed; leads that sync on
     * {@code connection} if none is running.
     *
     * @throws SQLException if the sync failed (now or earlier), or the thread was interrupted while waiting: the
     *                      commit happened, but it must not be acknowledged as durable
     */
    public void awaitDurable(long ticket, java.sql.Connection connection) throws SQLException {
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw new SQLException("the database file could not be synced to disk; commits since the last "
                            + "successful sync are not known to be durable (restart Tally)", failure);
                }
                if (durable >= ticket) {
                    return;
                }
                if (!syncing) {
                    lead(connection);
                } else {
                    waiting++;
                    try {
                        changed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SQLException("interrupted before the commit was known to be durable", e);
                    } finally {
                        waiting--;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs one sync covering every ticket handed out so far. Called and returns with the lock held. */
    private void lead(java.sql.Connection connection) {
        syncing = true;
        syncs++;
        long covers = committed;
        SQLException failed = null;
        lock.unlock();
        try {
            action.sync(connection);
        } catch (SQLException e) {
            failed = e;
        } catch (RuntimeException e) {
            failed = new SQLException(e.getMessage(), e);
        } finally {
            lock.lock();
            syncing = false;
            if (failed == null) {
                durable = Math.max(durable, covers);
            } else if (failure == null) {
                failure = failed;
            }
            changed.signalAll();
        }
    }

    /** Syncs started so far. */
    public long syncs() {
        lock.lock();
        try {
            return syncs;
        } finally {
            lock.unlock();
        }
    }

    /** Write commits that have asked to be made durable so far. */
    public long commits() {
        lock.lock();
        try {
            return committed;
        } finally {
            lock.unlock();
        }
    }

    /** Commits waiting now for a sync another thread is leading. */
    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a sync has failed, after which no write commit succeeds. */
    public boolean failed() {
        lock.lock();
        try {
            return failure != null;
        } finally {
            lock.unlock();
        }
    }
}
