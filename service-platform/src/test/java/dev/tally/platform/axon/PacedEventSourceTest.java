package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.junit.jupiter.api.Test;

class PacedEventSourceTest {
    private static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(50);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> pauses = Collections.synchronizedList(new ArrayList<>());

    @Test
    void theFirstBatchStartsAtOnce() throws Exception {
        Queued events = new Queued(1);
        BlockingStream<TrackedEventMessage<?>> stream = paced(events, nanos -> pauses.add(nanos)).openStream(null);

        assertThat(stream.hasNextAvailable(1, TimeUnit.SECONDS)).isTrue();

        assertThat(pauses).isEmpty();
    }

    @Test
    void aBatchSoonerThanTheIntervalWaitsOutTheRestOfIt() throws Exception {
        Queued events = new Queued(2);
        BlockingStream<TrackedEventMessage<?>> stream = paced(events, this::recordAndAdvance).openStream(null);
        assertThat(stream.hasNextAvailable(1, TimeUnit.SECONDS)).isTrue();
        stream.nextAvailable();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(20));

        assertThat(stream.hasNextAvailable(1, TimeUnit.SECONDS)).isTrue();

        assertThat(pauses).containsExactly(TimeUnit.MILLISECONDS.toNanos(30));
    }

    @Test
    void theIntervalCountsFromTheStartOfTheBatchNotItsEnd() throws Exception {
        Queued events = new Queued(3);
        BlockingStream<TrackedEventMessage<?>> stream = paced(events, this::recordAndAdvance).openStream(null);
        stream.hasNextAvailable(1, TimeUnit.SECONDS);
        stream.nextAvailable();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(80)); // the batch took longer than the interval: a catch-up
        stream.hasNextAvailable(1, TimeUnit.SECONDS);
        stream.nextAvailable();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));

        stream.hasNextAvailable(1, TimeUnit.SECONDS);

        assertThat(pauses).as("only the third batch, 10 ms after the second started").containsExactly(
                TimeUnit.MILLISECONDS.toNanos(40));
    }

    @Test
    void nothingAvailableIsAnsweredWithoutAPauseAndDoesNotCountAsABatch() throws Exception {
        Queued events = new Queued(0);
        BlockingStream<TrackedEventMessage<?>> stream = paced(events, nanos -> pauses.add(nanos)).openStream(null);

        assertThat(stream.hasNextAvailable(1, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(stream.hasNextAvailable(1, TimeUnit.MILLISECONDS)).isFalse();
        events.add(1);
        assertThat(stream.hasNextAvailable(1, TimeUnit.MILLISECONDS)).as("the first batch").isTrue();

        assertThat(pauses).isEmpty();
    }

    @Test
    void theUntimedChecksAndPeeksThatFillABatchNeverPause() throws Exception {
        Queued events = new Queued(5);
        BlockingStream<TrackedEventMessage<?>> stream = paced(events, nanos -> pauses.add(nanos)).openStream(null);
        stream.hasNextAvailable(1, TimeUnit.SECONDS);

        int read = 0;
        while (stream.hasNextAvailable() && stream.peek().isPresent()) {
            stream.nextAvailable();
            read++;
        }

        assertThat(read).isEqualTo(5);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aZeroIntervalNeverPauses() throws Exception {
        Queued events = new Queued(3);
        BlockingStream<TrackedEventMessage<?>> stream = new PacedEventSource(events, Duration.ZERO, now::get,
                nanos -> pauses.add(nanos)).openStream(null);
        for (int i = 0; i < 3; i++) {
            assertThat(stream.hasNextAvailable(1, TimeUnit.SECONDS)).isTrue();
            stream.nextAvailable();
        }

        assertThat(pauses).isEmpty();
    }

    @Test
    void aNegativeIntervalIsRefused() {
        assertThatThrownBy(() -> new PacedEventSource(new Queued(0), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Axon's own tracking processor over Axon's embedded event store: the events published while the second batch
     * waits are handled in that batch, one unit of work; after a quiet spell an event is its own batch at once.
     */
    @Test
    void eventsThatArriveWhileABatchWaitsJoinItInAxonsTrackingProcessor() throws Exception {
        EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PacedEventSource source = new PacedEventSource(store, Duration.ofNanos(INTERVAL), now::get, nanos -> {
            pauses.add(nanos);
            paused.countDown();
            release.await();
        });
        BlockingQueue<Integer> batches = new LinkedBlockingQueue<>();
        TrackingEventProcessor processor = TrackingEventProcessor.builder()
                .name("paced")
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder()
                        .eventHandlers((EventMessageHandler) event -> countInBatch(batches)).build())
                .messageSource(source)
                .tokenStore(new InMemoryTokenStore())
                .transactionManager(NoTransactionManager.INSTANCE)
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(100)
                        .andInitialTrackingToken(StreamableMessageSource::createTailToken))
                .build();
        BlockingStream<TrackedEventMessage<?>> probe = store.openStream(null);
        assertThat(probe.hasNextAvailable(10, TimeUnit.MILLISECONDS)).as("the store starts empty").isFalse();
        processor.start();
        try {
            store.publish(GenericEventMessage.asEventMessage("event 1"));
            assertThat(batches.poll(10, TimeUnit.SECONDS)).as("the first batch, at once").isEqualTo(1);

            store.publish(GenericEventMessage.asEventMessage("event 2"));
            assertThat(paused.await(10, TimeUnit.SECONDS)).as("the second batch waits").isTrue();
            for (int i = 3; i <= 10; i++) {
                store.publish(GenericEventMessage.asEventMessage("event " + i));
            }
            for (int i = 1; i <= 10; i++) { // the store's cache holds all ten before the batch goes on
                assertThat(probe.hasNextAvailable(10, TimeUnit.SECONDS)).isTrue();
                probe.nextAvailable();
            }
            release.countDown();
            assertThat(batches.poll(10, TimeUnit.SECONDS)).as("events 2 to 10, one batch").isEqualTo(9);

            now.addAndGet(TimeUnit.SECONDS.toNanos(1));
            store.publish(GenericEventMessage.asEventMessage("event 11"));
            assertThat(batches.poll(10, TimeUnit.SECONDS)).as("after a quiet spell, at once").isEqualTo(1);
            assertThat(pauses).containsExactly(INTERVAL);
        } finally {
            processor.shutDown();
            probe.close();
            store.shutDown();
        }
    }

    /** Counts the event in its batch's unit of work, and reports the batch's size when it commits. */
    private static Object countInBatch(BlockingQueue<Integer> batches) {
        var unitOfWork = CurrentUnitOfWork.get();
        AtomicInteger count = unitOfWork.root().getOrComputeResource("paced-test-count", key -> {
            AtomicInteger counter = new AtomicInteger();
            unitOfWork.root().onCommit(u -> batches.add(counter.get()));
            return counter;
        });
        count.incrementAndGet();
        return null;
    }

    /** A pause that is recorded and moves the test's monotonic clock by its length. */
    private void recordAndAdvance(long nanos) {
        pauses.add(nanos);
        now.addAndGet(nanos);
    }

    private PacedEventSource paced(Queued events, PacedEventSource.Pause pause) {
        return new PacedEventSource(events, Duration.ofNanos(INTERVAL), now::get, pause);
    }

    /** A source whose one stream holds the events added to it; a timed wait answers at once. */
    private static final class Queued implements StreamableMessageSource<TrackedEventMessage<?>> {
        private final Deque<TrackedEventMessage<?>> events = new ArrayDeque<>();
        private long index;

        Queued(int count) {
            for (int i = 0; i < count; i++) {
                add(1);
            }
        }

        void add(int count) {
            for (int i = 0; i < count; i++) {
                index++;
                events.add(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(index),
                        GenericEventMessage.asEventMessage("event " + index)));
            }
        }

        @Override
        public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
            return new BlockingStream<>() {
                @Override
                public Optional<TrackedEventMessage<?>> peek() {
                    return Optional.ofNullable(events.peek());
                }

                @Override
                public boolean hasNextAvailable(int timeout, TimeUnit unit) {
                    return !events.isEmpty();
                }

                @Override
                public TrackedEventMessage<?> nextAvailable() {
                    return events.remove();
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
