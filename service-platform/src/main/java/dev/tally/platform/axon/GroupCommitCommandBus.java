package dev.tally.platform.axon;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandBusSpanFactory;
import org.axonframework.commandhandling.CommandCallback;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.DuplicateCommandHandlerResolver;
import org.axonframework.commandhandling.GenericCommandResultMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.common.Registration;
import org.axonframework.common.lock.DeadlockException;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MessageHandler;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Axon's {@link SimpleCommandBus}, with group commit for the commands named at construction: the hot ones whose
 * callers are many and each wait for a durable answer (a refresh token's rotation). Every other command is handled as
 * before, on the caller's thread, in a transaction of its own.
 *
 * <p>A grouped command is queued; one writer thread takes whatever queued up while it wrote the previous group (up to
 * {@value #MAX_GROUP}) and handles the commands one after another, each in a unit of work of its own, nested in one
 * root unit of work that holds the group's one transaction. Each command decides on the state the ones before it left
 * (the aggregates come from the repository, cached or loaded, inside the same transaction), so a group decides exactly
 * what the same commands sent one by one would have. Axon defers a nested unit of work's events, appends and
 * after-commit work to its root: the group's events are appended, projected by the subscribing processors and
 * committed together, and every caller is answered only after that commit (and the after-commit work, such as the
 * token service's in-memory views) is done. An acknowledged decision is therefore as durable as one committed alone,
 * and a store that commits each transaction to disk pays that once per group instead of once per command.
 *
 * <p>Failures stay each command's own:
 * <ul>
 *   <li>a command whose handler fails is rolled back alone (its unit of work runs without a transaction of its own,
 *   and its events never reach the root), and only its caller hears of it;</li>
 *   <li>if the group's commit fails, nothing of the group was committed; Axon rolls the nested units of work back, so
 *   the repositories evict what they cached of them. The commands are then handled once more, each alone in a
 *   transaction of its own, so a command that cannot commit (its append lost a race with another node, one of its
 *   projections refuses it) fails alone and the others are decided again on the stored state. Only when the store
 *   cannot be reached at all is that failure every caller's answer at once: nothing was decided.</li>
 * </ul>
 * A grouped command sent from inside a unit of work (by another handler) is not queued: it belongs to its sender's
 * transaction.
 *
 * <p>Locks: the writer holds each aggregate's lock from its command until the group commits, so a thread that holds
 * one of those aggregates and waits for another of the group (a permission change revoking a user's families, one
 * after the other) can close a cycle. Axon's lock manager refuses the acquisition that closes it; when that is the
 * writer's, the command is handled again alone once the group has committed and released its locks.
 */
public final class GroupCommitCommandBus implements CommandBus, SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitCommandBus.class);
    /** Commands per group at most: enough for every request thread at once, short enough to answer the first soon. */
    static final int MAX_GROUP = 128;
    private static final String GROUP = GroupCommitCommandBus.class.getName() + ".group";
    private static final Transaction THE_GROUPS = new Transaction() {
        @Override
        public void commit() {
        }

        @Override
        public void rollback() {
        }
    };

    private final SimpleCommandBus local;
    private final TransactionManager transactions;
    private final Set<String> grouped;
    private final LinkedBlockingQueue<Pending<?, ?>> queue = new LinkedBlockingQueue<>();
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong groupedCommands = new AtomicLong();
    private final AtomicLong alone = new AtomicLong();
    private volatile boolean running;
    private volatile Thread writer;

    /**
     * @param local        configured as Axon would configure its own command bus, except its transaction manager, which
     *                     this sets
     * @param transactions the transactions of the store (each group's, and each command's that is not grouped)
     * @param grouped      the payload types whose commands are group-committed
     */
    public GroupCommitCommandBus(SimpleCommandBus.Builder local, TransactionManager transactions, Set<Class<?>> grouped) {
        this.transactions = transactions;
        this.grouped = grouped.stream().map(Class::getName).collect(Collectors.toUnmodifiableSet());
        // A command of a group runs in the group's transaction; any other in one of its own, as Axon's bus does.
        this.local = local.transactionManager(() -> inGroup() ? THE_GROUPS : transactions.startTransaction()).build();
    }

    /**
     * Configured as Axon's auto-configuration configures its own {@code SimpleCommandBus} (which then creates none): its
     * duplicate resolver, span factory, message monitor and correlation data.
     */
    public static GroupCommitCommandBus configuredLikeAxons(TransactionManager transactions,
                                                            org.axonframework.config.Configuration axon,
                                                            DuplicateCommandHandlerResolver duplicates,
                                                            Set<Class<?>> grouped) {
        GroupCommitCommandBus bus = new GroupCommitCommandBus(SimpleCommandBus.builder()
                .duplicateCommandHandlerResolver(duplicates)
                .spanFactory(axon.getComponent(CommandBusSpanFactory.class))
                .messageMonitor(axon.messageMonitor(CommandBus.class, "commandBus")), transactions, grouped);
        bus.registerHandlerInterceptor(new CorrelationDataInterceptor<>(axon.correlationDataProviders()));
        return bus;
    }

    private static boolean inGroup() {
        return CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get().root().resources().containsKey(GROUP);
    }

    @Override
    public <C> void dispatch(CommandMessage<C> command) {
        local.dispatch(command);
    }

    @Override
    public <C, R> void dispatch(CommandMessage<C> command, CommandCallback<? super C, ? super R> callback) {
        if (running && grouped.contains(command.getCommandName()) && !CurrentUnitOfWork.isStarted()) {
            queue.add(new Pending<>(command, callback));
            if (!running) {
                // stopped meanwhile: the writer may have drained the queue for the last time already
                answerLeftovers();
            }
        } else {
            local.dispatch(command, callback);
        }
    }

    @Override
    public Registration subscribe(String commandName, MessageHandler<? super CommandMessage<?>> handler) {
        return local.subscribe(commandName, handler);
    }

    @Override
    public Registration registerHandlerInterceptor(MessageHandlerInterceptor<? super CommandMessage<?>> interceptor) {
        return local.registerHandlerInterceptor(interceptor);
    }

    @Override
    public Registration registerDispatchInterceptor(MessageDispatchInterceptor<? super CommandMessage<?>> interceptor) {
        return local.registerDispatchInterceptor(interceptor);
    }

    /** Groups committed so far (for tests and the benchmark's report). */
    public long groups() {
        return groups.get();
    }

    /** Commands handled in groups so far. */
    public long groupedCommands() {
        return groupedCommands.get();
    }

    /** Commands handled again alone because their group could not commit. */
    public long handledAlone() {
        return alone.get();
    }

    /** Commands waiting for the writer. */
    public int queued() {
        return queue.size();
    }

    private void writeLoop() {
        List<Pending<?, ?>> group = new ArrayList<>(MAX_GROUP);
        while (running || !queue.isEmpty()) {
            try {
                Pending<?, ?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable unexpected) {
                // never leave a caller waiting, never let the writer die
                LOG.error("group commit of {} commands failed unexpectedly", group.size(), unexpected);
                group.forEach(p -> p.answer(GenericCommandResultMessage.asCommandResultMessage(unexpected)));
            } finally {
                group.clear();
            }
        }
        answerLeftovers();
    }

    private void answerLeftovers() {
        Pending<?, ?> left;
        while ((left = queue.poll()) != null) {
            left.answer(GenericCommandResultMessage.asCommandResultMessage(
                    new IllegalStateException("the command bus is shutting down")));
        }
    }

    private void commit(List<Pending<?, ?>> group) {
        UnitOfWork<?> root = DefaultUnitOfWork.startAndGet(new GenericMessage<>(group.size()));
        root.resources().put(GROUP, Boolean.TRUE);
        try {
            root.attachTransaction(transactions);
            for (Pending<?, ?> pending : group) {
                pending.handleOn(local);
            }
            root.commit();
        } catch (RuntimeException | Error failure) {
            if (root.isActive()) {
                root.rollback(failure);
            }
            if (group.size() > 1 && !unreachable(failure)) {
                LOG.debug("a group of {} commands could not commit; handling each alone", group.size(), failure);
                alone.addAndGet(group.size());
                group.forEach(p -> p.handleOn(local));
                group.forEach(Pending::answerDecision);
            } else {
                group.forEach(p -> p.answer(GenericCommandResultMessage.asCommandResultMessage(failure)));
            }
            return;
        }
        groups.incrementAndGet();
        groupedCommands.addAndGet(group.size());
        for (Pending<?, ?> pending : group) {
            if (pending.deadlocked()) {
                // the group's locks are released now; alone, it waits for the other thread like any command
                alone.incrementAndGet();
                pending.handleOn(local);
            }
        }
        group.forEach(Pending::answerDecision);
    }

    /**
     * The store could not be reached at all (no connection, or the connection broke): handling each command alone
     * would wait for it once per command.
     */
    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CannotCreateTransactionException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void start() {
        running = true;
        writer = Thread.ofPlatform().name("tally-command-group-commit").daemon().start(this::writeLoop);
    }

    @Override
    public void stop() {
        running = false;
        Thread w = writer;
        if (w != null) {
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Takes commands before the web server takes requests, and until it has stopped taking them. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE / 2;
    }

    /** A queued command, its caller, and what its handler decided (kept until the group's commit tells the caller). */
    private static final class Pending<C, R> {
        private final CommandMessage<C> command;
        private final CommandCallback<? super C, ? super R> callback;
        private CommandResultMessage<?> decision;

        Pending(CommandMessage<C> command, CommandCallback<? super C, ? super R> callback) {
            this.command = command;
            this.callback = callback;
        }

        /** Handles the command on the caller's thread (the writer's), keeping the decision for later. */
        void handleOn(SimpleCommandBus bus) {
            decision = null;
            bus.dispatch(command, (CommandCallback<C, Object>) (message, result) -> decision = result);
        }

        /**
         * Refused by the lock manager because it closed a cycle: the writer holds the locks of the group's earlier
         * aggregates until the group commits, and another thread that holds one of them waited for this one.
         */
        boolean deadlocked() {
            if (decision == null || !decision.isExceptional()) {
                return false;
            }
            for (Throwable t = decision.exceptionResult(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof DeadlockException) {
                    return true;
                }
            }
            return false;
        }

        void answerDecision() {
            answer(decision != null ? decision : GenericCommandResultMessage.asCommandResultMessage(
                    new IllegalStateException("the command was not handled")));
        }

        @SuppressWarnings("unchecked")
        void answer(CommandResultMessage<?> result) {
            try {
                callback.onResult(command, (CommandResultMessage<? extends R>) result);
            } catch (RuntimeException e) {
                LOG.warn("a command's callback failed", e);
            }
        }
    }
}
