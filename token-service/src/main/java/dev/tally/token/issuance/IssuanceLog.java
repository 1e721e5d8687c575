package dev.tally.token.issuance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends the record of every issued token to the event store before the token is handed out: a token the
 * history does not know about never leaves Tally. (A refresh of a family this node knows is the exception: its
 * records ride with the family's command and are committed with its decision.) The revocation endpoint records
 * {@code AccessTokenRevoked} the same way, so a revocation is durable before it is confirmed.
 *
 * <p>Group commit: callers wait until their record is durable, but the records of concurrent requests are
 * appended together, in one transaction, by one writer thread. A batch is whatever queued up while the previous
 * one was being written, so an idle server writes each record at once and a busy one pays one commit for many
 * tokens. If a batch fails, every caller in it is told and withholds its token.
 */
@Component
public class IssuanceLog implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(IssuanceLog.class);
    static final int MAX_BATCH = 256;
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final EventStore eventStore;
    private final TransactionTemplate transactions;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile Thread writer;
    private volatile boolean running;

    public IssuanceLog(EventStore eventStore, TransactionTemplate transactions) {
        this.eventStore = eventStore;
        this.transactions = transactions;
    }

    /**
     * Returns once the records (the tokens of one response) are committed, together.
     *
     * @throws IssuanceNotRecorded if it was not (store unavailable, timeout, shutting down)
     */
    public void record(Object... issued) {
        if (!running) {
            throw new IssuanceNotRecorded("the issuance log is not running", null);
        }
        List<EventMessage<?>> events = new ArrayList<>(issued.length);
        for (Object event : issued) {
            events.add(GenericEventMessage.asEventMessage(event));
        }
        Pending pending = new Pending(events, new CompletableFuture<>());
        queue.add(pending);
        try {
            pending.done().get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IssuanceNotRecorded("the event store did not accept the record", e.getCause());
        } catch (TimeoutException e) {
            throw new IssuanceNotRecorded("the record was not committed within " + MAX_WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IssuanceNotRecorded("interrupted while recording", e);
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("shutting down"));
        }
    }

    private void write(List<Pending> batch) {
        List<EventMessage<?>> events = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            events.addAll(p.events());
        }
        try {
            transactions.executeWithoutResult(status -> eventStore.publish(events));
        } catch (RuntimeException e) {
            LOG.error("could not append {} issuance records; their tokens are withheld", batch.size(), e);
            batch.forEach(p -> p.done().completeExceptionally(e));
            return;
        }
        batch.forEach(p -> p.done().complete(null));
    }

    @Override
    public void start() {
        running = true;
        writer = Thread.ofPlatform().name("tally-issuance-log").daemon().start(this::writeLoop);
    }

    @Override
    public void stop() {
        running = false;
        Thread w = writer;
        if (w != null) {
            try {
                w.join(MAX_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the web server takes requests and stops after it has stopped taking them. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE / 2;
    }

    private record Pending(List<EventMessage<?>> events, CompletableFuture<Void> done) {
    }

    /** The issuance could not be recorded; the token must not be handed out. */
    public static class IssuanceNotRecorded extends RuntimeException {
        IssuanceNotRecorded(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
