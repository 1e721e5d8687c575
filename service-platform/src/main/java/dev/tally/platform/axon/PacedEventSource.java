package dev.tally.platform.axon;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * The event store as a tracking processor's source, with batches started at most once per {@code interval}: when an
 * event is available sooner than that after the previous batch started, the processor's thread waits out the rest of
 * the interval, outside any transaction, and the events that arrived meanwhile join the batch.
 *
 * <p>Why: a projection at the head of a busy store otherwise commits a transaction for every few events, and on both
 * stores the commit is most of a projection's cost (on H2 each commit writes every page it changed, for each of the
 * view's indexes, and waits for the file's sync; on PostgreSQL it is a WAL flush). A batch that waited 50 ms under
 * hundreds of events a second writes those pages once. The view is at most {@code interval} later than it would have
 * been; an event after a quiet spell is processed at once (its batch is the first in more than an interval), and a
 * catch-up or a replay is not slowed, since its full batches take longer than the interval anyway.
 *
 * <p>Only {@link BlockingStream#hasNextAvailable(int, TimeUnit)} paces: Axon's tracking processor calls it once, to
 * wait for the first event of a batch, and then fills the batch with what {@link BlockingStream#peek()} shows
 * available. Every other call goes straight to the store's stream.
 */
public final class PacedEventSource implements StreamableMessageSource<TrackedEventMessage<?>> {
    private final StreamableMessageSource<TrackedEventMessage<?>> store;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Pause pause;

    /** Waits for the given nanoseconds on the calling thread. */
    @FunctionalInterface
    interface Pause {
        void nanos(long nanos) throws InterruptedException;
    }

    public PacedEventSource(StreamableMessageSource<TrackedEventMessage<?>> store, Duration interval) {
        this(store, interval, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /** With the monotonic clock and the pause given, for tests. */
    PacedEventSource(StreamableMessageSource<TrackedEventMessage<?>> store, Duration interval,
                     LongSupplier nanoTime, Pause pause) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("a batch interval cannot be negative: " + interval);
        }
        this.store = store;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.pause = pause;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        return new PacedStream(store.openStream(trackingToken));
    }

    @Override
    public TrackingToken createTailToken() {
        return store.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return store.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return store.createTokenAt(dateTime);
    }

    @Override
    public TrackingToken createTokenSince(Duration duration) {
        return store.createTokenSince(duration);
    }

    private final class PacedStream implements BlockingStream<TrackedEventMessage<?>> {
        private final BlockingStream<TrackedEventMessage<?>> events;
        /** When the previous batch started (the monotonic clock), or none yet. */
        private long previousStart;
        private boolean started;

        PacedStream(BlockingStream<TrackedEventMessage<?>> events) {
            this.events = events;
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            if (!events.hasNextAvailable(timeout, unit)) {
                return false;
            }
            long now = nanoTime.getAsLong();
            if (started) {
                long rest = previousStart + intervalNanos - now;
                if (rest > 0) {
                    pause.nanos(rest);
                    now = nanoTime.getAsLong();
                }
            }
            previousStart = now;
            started = true;
            return true;
        }

        @Override
        public boolean hasNextAvailable() {
            return events.hasNextAvailable();
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return events.peek();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            return events.nextAvailable();
        }

        @Override
        public void close() {
            events.close();
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            return events.setOnAvailableCallback(callback);
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            events.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }
    }
}
