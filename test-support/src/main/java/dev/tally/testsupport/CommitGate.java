package dev.tally.testsupport;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Holds a chosen command's transaction open after its events are appended, for a test of an event that commits late:
 * the events have their global indexes, and everything appended meanwhile gets higher ones and commits first. Register
 * it on the command bus ({@code commandBus.registerHandlerInterceptor(gate)}), {@link #hold} a command, do what must
 * happen meanwhile, then {@link Held#release()} (or {@link Held#abort()}: it rolls back).
 *
 * <p>The hold is a prepare-commit handler registered after the command's handler ran, so it runs after the event
 * store's own (which appends the events when the unit of work prepares to commit, registered while the handler
 * applied them) and before the transaction commits.
 */
public final class CommitGate implements MessageHandlerInterceptor<CommandMessage<?>> {
    private final AtomicReference<Held> held = new AtomicReference<>();

    /** One held command. */
    public static final class Held {
        private final Predicate<Object> payload;
        private final CountDownLatch appended = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean abort;

        private Held(Predicate<Object> payload) {
            this.payload = payload;
        }

        /** Waits until the held command's events are appended and its transaction waits; false on time-out. */
        public boolean awaitAppended(Duration timeout) throws InterruptedException {
            return appended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Lets the held transaction commit. */
        public void release() {
            released.countDown();
        }

        /**
         * Makes the held transaction roll back, as if its connection were lost before the commit: its indexes stay
         * unused for good (a gap that is never filled).
         */
        public void abort() {
            abort = true;
            released.countDown();
        }
    }

    /** Holds the next command whose payload matches (once); the hold ends by {@link Held#release()} or after 2 min. */
    public Held hold(Predicate<Object> payload) {
        Held h = new Held(payload);
        held.set(h);
        return h;
    }

    @Override
    public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        Object result = chain.proceed();
        Held h = held.get();
        if (h != null && h.payload.test(unitOfWork.getMessage().getPayload()) && held.compareAndSet(h, null)) {
            unitOfWork.root().onPrepareCommit(u -> {
                h.appended.countDown();
                try {
                    h.released.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (h.abort) {
                    // as a connection lost before the commit: the caller sees a store failure
                    throw new IllegalStateException("aborted by the test's commit gate",
                            new java.sql.SQLTransientConnectionException("connection lost (the test's commit gate)"));
                }
            });
        }
        return result;
    }
}
