package dev.tally.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the event stream in a thread of its own and hands each event, in partition order, to a {@link Handler}.
 *
 * <p>At least once: a partition's offset is committed only after its events were handled. When the handler throws,
 * every partition of the poll is rewound to its first event not yet handled and the consumer tries again after a
 * pause (doubling up to 30 s), so nothing is skipped and the order stays. Events come again after a failure, a
 * restart or a rebalance, and the relay may publish an event twice: a handler must be idempotent, which
 * {@link EventDeduplicator} makes easy.
 *
 * <p>A record that is not a CloudEvent of Tally's form is logged and passed over (Tally's relay never writes one).
 * An event of a type this version does not know reaches the handler with {@link StreamedEvent#known()} false.
 */
public class TallyEventConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TallyEventConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    private static final long FIRST_PAUSE_MS = 200;
    private static final long MAX_PAUSE_MS = 30_000;

    /** Applies one event; an exception means "not applied", and the event will be handed over again. */
    @FunctionalInterface
    public interface Handler {
        void handle(StreamedEvent event) throws Exception;
    }

    private final String name;
    private final Map<String, Object> config;
    private final String topic;
    private final CloudEventCodec codec;
    private final Handler handler;
    private final Instant startAt;
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private final AtomicLong handled = new AtomicLong();
    private volatile Failing failing;
    private volatile long waiting;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param name   names the thread and the log lines
     * @param config a consumer configuration as {@link StreamClients#consumerConfig} makes it
     */
    public TallyEventConsumer(String name, Map<String, Object> config, String topic, CloudEventCodec codec,
                              Handler handler) {
        this(name, config, topic, codec, handler, null);
    }

    /**
     * @param startAt where a partition without a committed offset in the group starts: at its first record written
     *                at or after this instant ({@code offsetsForTimes}), or at its end if there is none; {@code null}:
     *                as {@code auto.offset.reset} says
     */
    public TallyEventConsumer(String name, Map<String, Object> config, String topic, CloudEventCodec codec,
                              Handler handler, Instant startAt) {
        this.startAt = startAt;
        this.name = name;
        this.config = Map.copyOf(config);
        this.topic = topic;
        this.codec = codec;
        this.handler = handler;
    }

    public synchronized TallyEventConsumer start() {
        if (thread != null) {
            throw new IllegalStateException("consumer " + name + " was started already");
        }
        running = true;
        consumer = new KafkaConsumer<>(config);
        thread = new Thread(this::run, "tally-stream-" + name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** How many events the handler has applied without throwing (duplicates it skipped included). */
    public long handled() {
        return handled.get();
    }

    /**
     * Why the consumer cannot move on: polling Kafka or applying an event failed, and it is retrying.
     *
     * @param error    the last error
     * @param since    when the run of failures began (the system clock, as the events' times)
     * @param attempts how many attempts failed in a row
     */
    public record Failing(Throwable error, Instant since, long attempts) {
    }

    /** Set while the consumer is retrying after a failure; null once a poll and its events went through. */
    public Failing failing() {
        return failing;
    }

    /** Records on its partitions not read yet, as the last poll saw it (Kafka's own lag per partition, summed). */
    public long waiting() {
        return waiting;
    }

    /** How long ago the consumer last came back from a poll; a consumer that keeps running polls twice a second. */
    public Duration sinceLastPoll() {
        return Duration.ofNanos(System.nanoTime() - lastPollNanos);
    }

    /** Whether its thread runs (it ends only when closed, or on an error it cannot survive). */
    public boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    private void failed(Exception e) {
        Failing f = failing;
        failing = new Failing(e, f == null ? Instant.now() : f.since(), f == null ? 1 : f.attempts() + 1);
    }

    private void polled(KafkaConsumer<String, byte[]> kafka) {
        lastPollNanos = System.nanoTime();
        long sum = 0;
        for (TopicPartition partition : kafka.assignment()) {
            sum += kafka.currentLag(partition).orElse(0);
        }
        waiting = sum;
    }

    private void run() {
        KafkaConsumer<String, byte[]> kafka = consumer;
        long pause = FIRST_PAUSE_MS;
        try {
            kafka.subscribe(List.of(topic), new CommitOnRevoke(kafka));
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = kafka.poll(POLL);
                    polled(kafka);
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) {
                    LOG.warn("consumer {}: polling Kafka failed; trying again in {} ms", name, pause, e);
                    failed(e);
                    sleep(pause);
                    pause = Math.min(pause * 2, MAX_PAUSE_MS);
                    continue;
                }
                if (apply(kafka, records)) {
                    pause = FIRST_PAUSE_MS;
                    failing = null;
                } else {
                    sleep(pause);
                    pause = Math.min(pause * 2, MAX_PAUSE_MS);
                }
                commit(kafka);
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            commit(kafka);
            commit(kafka); // once more if a late wakeup() cut the first one short
            try {
                kafka.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("consumer {}: closing failed", name, e);
            }
        }
    }

    /** Hands the records to the handler; on a failure rewinds the partitions and answers false. */
    private boolean apply(KafkaConsumer<String, byte[]> kafka, ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        try {
            for (TopicPartition partition : records.partitions()) {
                for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                    if (!running) {
                        throw new WakeupException();
                    }
                    StreamedEvent event;
                    try {
                        event = codec.decode(record.value());
                    } catch (MalformedCloudEventException e) {
                        LOG.error("consumer {}: passing over record {} at {}-{}: {}", name, record.key(), partition,
                                record.offset(), e.getMessage());
                        next.put(partition, record.offset() + 1);
                        continue;
                    }
                    handler.handle(event);
                    handled.incrementAndGet();
                    next.put(partition, record.offset() + 1);
                }
            }
            return true;
        } catch (Exception e) {
            if (e instanceof WakeupException wakeup && !running) {
                rewind(kafka, records, next);
                throw wakeup;
            }
            LOG.warn("consumer {}: an event could not be applied; it will be handed over again", name, e);
            failed(e);
            rewind(kafka, records, next);
            return false;
        } finally {
            next.forEach((partition, offset) -> uncommitted.put(partition, new OffsetAndMetadata(offset)));
        }
    }

    /** Every partition of the poll back to its first record not yet handled. */
    private static void rewind(KafkaConsumer<String, byte[]> kafka, ConsumerRecords<String, byte[]> records,
                               Map<TopicPartition, Long> next) {
        for (TopicPartition partition : records.partitions()) {
            Long done = next.get(partition);
            kafka.seek(partition, done != null ? done : records.records(partition).get(0).offset());
        }
    }

    private void commit(KafkaConsumer<String, byte[]> kafka) {
        if (uncommitted.isEmpty()) {
            return;
        }
        try {
            kafka.commitSync(Map.copyOf(uncommitted), COMMIT_TIMEOUT);
            uncommitted.clear();
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            // the events are applied; until a commit succeeds they may be handed over again, and are skipped then
            LOG.warn("consumer {}: committing offsets failed ({}); will try again", name, e.toString());
        }
    }

    /** Before partitions move to another consumer, commit what was applied of them. */
    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> kafka;

        CommitOnRevoke(KafkaConsumer<String, byte[]> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit(kafka);
            uncommitted.keySet().removeAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (startAt == null || partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.committed(Set.copyOf(partitions), COMMIT_TIMEOUT);
            List<TopicPartition> fresh = partitions.stream().filter(p -> committed.get(p) == null).toList();
            if (fresh.isEmpty()) {
                return;
            }
            startOffsets(kafka, fresh, startAt).forEach(kafka::seek);
            LOG.info("consumer {}: {} partitions start at {}", name, fresh.size(), startAt);
        }
    }

    /**
     * Where each partition starts for a consumer that begins at {@code startAt}: the first record written at or after
     * it, or, where there is none yet, the partition's end as it was <em>before</em> that question was asked. The end
     * is taken first on purpose: a record written while the consumer starts (the topic may have been created a moment
     * ago, by the relay's first batch) has an offset at or after that end and is read; {@code seekToEnd} would resolve
     * the end only at the next poll, past such a record, and the node would never see it.
     */
    static Map<TopicPartition, Long> startOffsets(Consumer<?, ?> kafka, Collection<TopicPartition> partitions,
                                                  Instant startAt) {
        Map<TopicPartition, Long> endsBefore = kafka.endOffsets(partitions, COMMIT_TIMEOUT);
        Map<TopicPartition, Long> times = new HashMap<>();
        for (TopicPartition partition : partitions) {
            times.put(partition, startAt.toEpochMilli());
        }
        Map<TopicPartition, OffsetAndTimestamp> found = kafka.offsetsForTimes(times, COMMIT_TIMEOUT);
        Map<TopicPartition, Long> start = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = found.get(partition);
            start.put(partition, offset != null ? offset.offset() : endsBefore.getOrDefault(partition, 0L));
        }
        return start;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread (after the event in hand) and closes the consumer, committing what was applied. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t == null) {
            return;
        }
        KafkaConsumer<String, byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
        try {
            t.join(Duration.ofSeconds(15).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
