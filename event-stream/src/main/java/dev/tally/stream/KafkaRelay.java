package dev.tally.stream;

import dev.tally.kernel.stream.InternalFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every event of the event store to Kafka, in the store's order. It is the one handler of the tracking
 * processor {@value #PROCESSOR} (one segment, one thread), whose position is a token in the token store.
 *
 * <p>For each batch of events the processor hands it, the relay sends one record per event and, before the batch's
 * unit of work commits (and with it the processor's token, in the same database transaction), waits until Kafka has
 * acknowledged every record ({@code acks=all}, idempotent producer). If any send fails or is not acknowledged in
 * time, the unit of work rolls back, the token stays where it was, and the processor tries the batch again from its
 * first event after a pause (Axon doubles it up to a minute). So an event is never lost and may be published more
 * than once (after a failure, or a crash between Kafka's acknowledgement and the commit): consumers skip what they
 * have already applied ({@link EventDeduplicator}).
 *
 * <p>Order within an aggregate: its events have one key, hence one partition, and are sent by one thread in the
 * store's order. A producer that saw a send fail is closed at once, from the failure's callback, so it writes none of
 * the records behind the failed one, and the batch is sent again, from its start, by a new producer. Each producer
 * therefore writes a prefix of what it was given, in order, and the first copy of every event on a partition comes
 * after the first copy of every earlier event of the same key.
 *
 * <p>A topic may carry only some events ({@link Target#carries}): the internal topic leaves out what no token view
 * needs ({@link InternalFeed}). The batch still commits only when every record it sent, on every topic, is
 * acknowledged; an event a topic does not carry simply has no record there.
 */
public class KafkaRelay implements EventMessageHandler, AutoCloseable {
    public static final String PROCESSOR = "kafka-relay";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRelay.class);
    private static final String BATCH = KafkaRelay.class.getName() + ".batch";

    /** Called once a batch is acknowledged by Kafka, before its position is committed. */
    @FunctionalInterface
    public interface BatchObserver {
        BatchObserver NONE = events -> { };

        /**
         * @param events the batch, in order; an exception rolls the batch back, so it will be published again
         *               (tests use this to crash the relay between Kafka's acknowledgement and the commit)
         */
        void acknowledged(List<EventMessage<?>> events);
    }

    /** Where the relay publishes and how it makes sure the topic exists. */
    public record Topic(String name, int partitions, Optional<Short> replicationFactor, Map<String, Object> adminConfig) {
    }

    /**
     * One topic the relay publishes to, with the codec that writes its records (secrets or not) and the events it
     * carries.
     */
    public record Target(Topic topic, CloudEventCodec codec, Predicate<EventMessage<?>> carries) {
        /** A topic that carries every event. */
        public Target(Topic topic, CloudEventCodec codec) {
            this(topic, codec, event -> true);
        }
    }

    private final List<Target> targets;
    private final ToLongFunction<EventMessage<?>> globalIndex;
    private final Supplier<Producer<String, byte[]>> producers;
    private final Topic topic;
    private final Duration ackTimeout;
    private volatile BatchObserver observer = BatchObserver.NONE;
    private volatile boolean topicReady;
    /** Batches Kafka failed (a send refused, no acknowledgement in time) and topics it could not create. */
    private final LongAdder kafkaErrors = new LongAdder();
    private Producer<String, byte[]> producer;
    private boolean closed;

    /**
     * @param producers  makes a producer configured as {@link StreamClients#producerConfig} does
     * @param ackTimeout how long to wait for Kafka's acknowledgement of a batch; longer than the producer's
     *                   {@code delivery.timeout.ms}, which fails a record that Kafka did not take in time
     */
    public KafkaRelay(CloudEventCodec codec, ToLongFunction<EventMessage<?>> globalIndex,
                      Supplier<Producer<String, byte[]>> producers, Topic topic, Duration ackTimeout) {
        this(List.of(new Target(topic, codec)), globalIndex, producers, ackTimeout);
    }

    /**
     * A relay that publishes each event to each of {@code targets} that carries it (the first is the main one,
     * {@link #topic()}), in the given order, all with the one producer of the batch: the batch commits only when every
     * record on every topic is acknowledged, so each topic gets every event it carries at least once and in order
     * within its aggregate.
     *
     * @param globalIndex each event's own global index, which every record carries ({@code EventPositions#of}; not the
     *                    tracking token's position, which for an event that committed late is another event's)
     */
    public KafkaRelay(List<Target> targets, ToLongFunction<EventMessage<?>> globalIndex,
                      Supplier<Producer<String, byte[]>> producers, Duration ackTimeout) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("the relay needs a topic");
        }
        this.targets = List.copyOf(targets);
        this.globalIndex = globalIndex;
        this.producers = producers;
        this.topic = targets.get(0).topic();
        this.ackTimeout = ackTimeout;
    }

    public String topic() {
        return topic.name();
    }

    /** Every topic the relay publishes to, the main one first. */
    public List<String> topics() {
        return targets.stream().map(t -> t.topic().name()).toList();
    }

    /**
     * How many times Kafka failed the relay since start: a batch not acknowledged (counted once, however many of its
     * records failed) or a topic it could not create. Each is retried; the metric {@code tally.relay.kafka.errors}.
     */
    public long kafkaErrors() {
        return kafkaErrors.sum();
    }

    public void observer(BatchObserver observer) {
        this.observer = observer == null ? BatchObserver.NONE : observer;
    }

    @Override
    public Object handle(EventMessage<?> event) {
        if (!(event instanceof TrackedEventMessage<?> tracked) || tracked.trackingToken() == null) {
            throw new IllegalStateException("the Kafka relay runs in a tracking processor over the event store");
        }
        long index = globalIndex.applyAsLong(event);
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        Batch batch = unitOfWork.getOrComputeResource(BATCH, key -> startBatch(unitOfWork));
        batch.add(event);
        for (Target target : targets) {
            if (target.carries().test(event)) {
                batch.send(event, StreamRecords.producerRecord(target.topic().name(),
                        target.codec().encode(event, index)));
            }
        }
        return null;
    }

    private Batch startBatch(UnitOfWork<?> unitOfWork) {
        ensureTopic();
        Batch batch = new Batch(producer());
        unitOfWork.onPrepareCommit(u -> batch.awaitAcknowledged());
        unitOfWork.onRollback(u -> {
            if (!batch.acknowledged) {
                discard(batch.producer);
            }
        });
        return batch;
    }

    private synchronized Producer<String, byte[]> producer() {
        if (closed) {
            throw new IllegalStateException("the Kafka relay is closed");
        }
        if (producer == null) {
            producer = producers.get();
        }
        return producer;
    }

    /** Closes a producer whose batch failed, so the next attempt starts with a new one. */
    private synchronized void discard(Producer<String, byte[]> failed) {
        if (producer == failed) {
            producer = null;
        }
        closeQuietly(failed, Duration.ZERO);
    }

    private void ensureTopic() {
        if (topicReady) {
            return;
        }
        for (Target target : targets) {
            ensureTopic(target.topic());
        }
        topicReady = true;
    }

    private void ensureTopic(Topic topic) {
        Admin admin = Admin.create(topic.adminConfig());
        try {
            admin.createTopics(List.of(new NewTopic(topic.name(), Optional.of(topic.partitions()), topic.replicationFactor())))
                    .all().get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created topic {} with {} partitions", topic.name(), topic.partitions());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                kafkaErrors.increment();
                throw new RelayException("cannot create topic " + topic.name() + " in Kafka", e.getCause());
            }
        } catch (TimeoutException e) {
            kafkaErrors.increment();
            throw new RelayException("Kafka did not answer whether topic " + topic.name() + " exists", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayException("interrupted while creating topic " + topic.name(), e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            closeQuietly(producer, Duration.ofSeconds(5));
            producer = null;
        }
    }

    private static void closeQuietly(Producer<String, byte[]> producer, Duration timeout) {
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            LOG.debug("closing a Kafka producer failed", e);
        }
    }

    /** The records of one batch of the processor and Kafka's answers to them. */
    private final class Batch {
        final Producer<String, byte[]> producer;
        final List<EventMessage<?>> events = new ArrayList<>();
        /** Per record sent: the event it carries (one event has a record per topic that carries it). */
        final List<EventMessage<?>> sent = new ArrayList<>();
        final List<Future<RecordMetadata>> acks = new ArrayList<>();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        volatile boolean acknowledged;

        Batch(Producer<String, byte[]> producer) {
            this.producer = producer;
        }

        /** The batch's next event, whichever topics carry it (the observer is told of every event). */
        void add(EventMessage<?> event) {
            stopIfFailed();
            events.add(event);
        }

        void send(EventMessage<?> event, ProducerRecord<String, byte[]> record) {
            stopIfFailed();
            sent.add(event);
            acks.add(producer.send(record, (metadata, e) -> {
                if (e != null) {
                    failed(e);
                }
            }));
        }

        private void stopIfFailed() {
            Exception failed = failure.get();
            if (failed != null) {
                throw new RelayException("Kafka refused an earlier event of this batch; it will be published again", failed);
            }
        }

        /**
         * The first failure closes the producer at once: called from the producer's callback this does not block,
         * and the producer sends nothing more, so no record behind the failed one reaches Kafka before it.
         */
        void failed(Exception e) {
            if (failure.compareAndSet(null, e)) {
                kafkaErrors.increment();
                closeQuietly(producer, Duration.ZERO);
            }
        }

        void awaitAcknowledged() {
            long deadline = System.nanoTime() + ackTimeout.toNanos();
            for (int i = 0; i < acks.size(); i++) {
                try {
                    acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    Exception cause = e.getCause() instanceof Exception c ? c : e;
                    failed(cause);
                    throw new RelayException(notTaken(i) + ": " + cause.getMessage(), cause);
                } catch (TimeoutException e) {
                    failed(e);
                    throw new RelayException(notTaken(i) + " within " + ackTimeout, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed(e);
                    throw new RelayException("interrupted while waiting for Kafka", e);
                }
            }
            acknowledged = true;
            observer.acknowledged(List.copyOf(events));
        }

        private String notTaken(int i) {
            return "Kafka did not acknowledge event " + sent.get(i).getIdentifier() + " (record " + (i + 1) + " of "
                    + sent.size() + " in the batch); the batch will be published again";
        }
    }
}
