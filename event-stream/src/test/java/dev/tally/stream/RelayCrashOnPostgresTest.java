package dev.tally.stream;

import static dev.tally.stream.StreamTestSupport.TOPIC;
import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.PostgresTestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The relay dies between Kafka's acknowledgement of a batch and the commit of its position, the one place where a
 * crash leaves Kafka ahead of the relay. The crash point is made exact by a batch observer that throws there (and keeps
 * throwing, as a dead relay commits nothing more); then the relay's whole application context is shut down, events are
 * appended while no relay runs, and a new relay starts from the committed position. Kafka holds the crashed batch
 * twice; the idempotent consumer's view holds every event once. The consumer is restarted on the way and goes on from
 * its committed offsets.
 */
class RelayCrashOnPostgresTest {
    private static final Logger LOG = LoggerFactory.getLogger(RelayCrashOnPostgresTest.class);
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_relay_crash");
    static EmbeddedKafka kafka;
    static StreamTestSupport.Projection projection;
    static TallyEventConsumer consumer;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
        if (projection != null) {
            projection.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRelayThatDiesAfterKafkaAcknowledgedAndBeforeItCommittedMissesNothingAndTheViewAppliesNothingTwice()
            throws Exception {
        ConfigurableApplicationContext first = StreamTestSupport.relayContext(DB, kafka, 20);
        projection = new StreamTestSupport.Projection(DB);
        consumer = new TallyEventConsumer("crash-view", StreamTestSupport.consumerConfig(kafka, "crash-view"), TOPIC,
                projection.codec, projection).start();

        AtomicInteger batches = new AtomicInteger();
        AtomicLong committedUpTo = new AtomicLong();
        Set<String> crashedBatch = ConcurrentHashMap.newKeySet();
        CountDownLatch crashed = new CountDownLatch(1);
        first.getBean(KafkaRelay.class).observer(events -> {
            if (batches.incrementAndGet() < 3) {
                committedUpTo.set(globalIndex(events.get(events.size() - 1)));
                return;
            }
            if (crashed.getCount() > 0) {
                events.forEach(e -> crashedBatch.add(e.getIdentifier()));
                crashed.countDown();
            }
            throw new IllegalStateException("simulated crash: Kafka has the batch, its position is not committed");
        });

        StreamTestSupport.Appender appender = new StreamTestSupport.Appender(first.getBean(EventStore.class),
                "acme", "globex");
        Thread writer = new Thread(() -> {
            while (crashed.getCount() > 0) {
                appender.appendRound();
                sleep(20);
            }
        }, "appender");
        writer.start();
        assertThat(crashed.await(60, TimeUnit.SECONDS)).as("the relay reached its crash point").isTrue();
        writer.join();
        first.close();

        JdbcTemplate jdbc = projection.jdbc;
        RelayPosition position = new RelayPosition(jdbc, org.axonframework.serialization.jackson3.Jackson3Serializer.builder().build(), null);
        OptionalLong committed = position.position();
        assertThat(committed).as("the dead relay's position is the last batch it committed")
                .hasValue(committedUpTo.get());
        assertThat(crashedBatch).isNotEmpty();
        List<String> inKafka = idsInKafka();
        assertThat(inKafka).as("Kafka has the batch whose position was never committed").containsAll(crashedBatch);

        // the consumer stops too, once it has read what is there; its successor goes on from the committed offsets
        await("the consumer has read the topic", Duration.ofSeconds(30),
                () -> consumer.handled() == inKafka.size());
        consumer.close();
        TallyEventConsumer firstConsumer = consumer;
        consumer = new TallyEventConsumer("crash-view", StreamTestSupport.consumerConfig(kafka, "crash-view"), TOPIC,
                projection.codec, projection).start();

        // events keep coming while no relay runs
        ConfigurableApplicationContext second = null;
        try {
            int before = appender.appended();
            second = StreamTestSupport.relayContext(DB, kafka, 20);
            StreamTestSupport.Appender later = new StreamTestSupport.Appender(second.getBean(EventStore.class), "initech");
            for (int i = 0; i < 25; i++) {
                later.appendRound();
            }
            int total = before + later.appended();
            assertThat(StreamTestSupport.storedEvents(jdbc)).isEqualTo(total);

            await("every event in the view", Duration.ofSeconds(60), () -> projection.rows() >= total);
            RelayPosition relay = second.getBean(RelayPosition.class);
            await("the new relay at the head", Duration.ofSeconds(20), () -> relay.lag() == 0);

            assertThat(projection.rows()).as("each event once").isEqualTo(total);
            assertThat(projection.checksum()).as("the same events").isEqualTo(StreamTestSupport.storedChecksum(jdbc));
            assertThat(projection.aggregateOrderViolations()).isZero();
            assertThat(projection.tenantOrderViolations()).isZero();
            await("the consumer has read every copy", Duration.ofSeconds(20),
                    () -> crashedBatch.stream().allMatch(id -> projection.deliveries.getOrDefault(id, 0) >= 2));
            List<String> twice = new ArrayList<>(crashedBatch.stream()
                    .filter(id -> projection.deliveries.getOrDefault(id, 0) >= 2).toList());
            assertThat(twice).as("the crashed batch was delivered again, and skipped").hasSameSizeAs(crashedBatch);
            List<String> allRecords = idsInKafka();
            assertThat(allRecords).as("Kafka holds copies").hasSizeGreaterThan(total);
            assertThat(firstConsumer.handled() + consumer.handled())
                    .as("the second consumer started at the first one's committed offsets: every record read once")
                    .isEqualTo(allRecords.size());
            // the internal topic has the carried events, each at least once (the crashed batch's twice), and nothing else
            List<String> carried = StreamTestSupport.carriedIds(second.getBean(
                    org.axonframework.eventsourcing.eventstore.EventStorageEngine.class));
            assertThat(carried).as("events for the token service").isNotEmpty().hasSizeLessThan(total);
            List<String> internal = StreamTestSupport.idsOnTopic(kafka, StreamTestSupport.INTERNAL_TOPIC);
            assertThat(Set.copyOf(internal)).as("the internal topic: the carried events").isEqualTo(Set.copyOf(carried));
            LOG.info("{} events, {} records in Kafka; the crashed batch of {} was delivered again; deliveries {} + {}",
                    total, allRecords.size(), crashedBatch.size(), firstConsumer.handled(), consumer.handled());
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

    private static long globalIndex(EventMessage<?> event) {
        return ((TrackedEventMessage<?>) event).trackingToken().position().orElseThrow();
    }

    /** The event ids of every record in the topic. */
    private static List<String> idsInKafka() {
        return kafka.recordsToEnd(TOPIC, Duration.ofSeconds(20)).stream()
                .map(r -> StreamRecords.header(r, StreamRecords.EVENT_ID)).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
