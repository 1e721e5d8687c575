package dev.tally.stream;

import static dev.tally.stream.StreamTestSupport.TOPIC;
import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.PostgresTestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Kafka goes down for 30 seconds while tokens keep being issued and sessions used: the events wait in the store, the
 * relay keeps its position, and once the broker is back (same port, same data) every event reaches the consumer's
 * view exactly once, each aggregate's in order; the relay's metrics show the outage (Kafka errors counted, the lag
 * growing) and its end (the lag back to zero).
 */
class KafkaOutageOnPostgresTest {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutageOnPostgresTest.class);
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_relay_outage");
    static final Duration OUTAGE = Duration.ofSeconds(30);
    static EmbeddedKafka kafka;
    static ConfigurableApplicationContext context;
    static StreamTestSupport.Projection projection;
    static TallyEventConsumer consumer;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        context = StreamTestSupport.relayContext(DB, kafka, 100);
        projection = new StreamTestSupport.Projection(DB);
        consumer = new TallyEventConsumer("outage-view", StreamTestSupport.consumerConfig(kafka, "outage-view"), TOPIC,
                projection.codec, projection).start();
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
        if (context != null) {
            context.close();
        }
        if (projection != null) {
            projection.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyEventAppendedWhileKafkaIsDownReachesTheViewExactlyOnceInOrder() throws InterruptedException {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        RelayPosition relay = context.getBean(RelayPosition.class);
        StreamTestSupport.Appender appender = new StreamTestSupport.Appender(context.getBean(EventStore.class),
                "acme", "globex");
        for (int i = 0; i < 20; i++) {
            appender.appendRound();
        }
        await("the first events in the view", Duration.ofSeconds(60),
                () -> projection.rows() == appender.appended());
        int beforeOutage = appender.appended();
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        double errorsBefore = meters.get("tally.relay.kafka.errors").functionCounter().count();

        kafka.stop();
        long start = System.nanoTime();
        while (System.nanoTime() - start < OUTAGE.toNanos()) {
            appender.appendRound();
            Thread.sleep(100);
        }
        int duringOutage = appender.appended() - beforeOutage;
        long lagAtRestart = relay.lag();
        long rowsAtRestart = projection.rows();
        double errorsDuring = meters.get("tally.relay.kafka.errors").functionCounter().count() - errorsBefore;
        double lagGaugeAtRestart = meters.get("tally.relay.lag").gauge().value();
        kafka.restart();
        long restarted = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            appender.appendRound();
        }

        await("every event in the view", Duration.ofSeconds(90),
                () -> projection.rows() >= appender.appended());
        LOG.info("{} events before, {} during a {} s outage, {} after; the view had them all {} ms after the restart",
                beforeOutage, duringOutage, OUTAGE.toSeconds(), appender.appended() - beforeOutage - duringOutage,
                Duration.ofNanos(System.nanoTime() - restarted).toMillis());

        assertThat(duringOutage).as("events appended while Kafka was down").isGreaterThan(500);
        assertThat(rowsAtRestart).as("nothing of the outage reached the view while Kafka was down")
                .isEqualTo(beforeOutage);
        assertThat(lagAtRestart).as("the relay kept its position while Kafka was down")
                .isGreaterThanOrEqualTo(duringOutage);

        assertThat(StreamTestSupport.storedEvents(jdbc)).isEqualTo(appender.appended());
        assertThat(projection.rows()).as("each event once").isEqualTo(appender.appended());
        assertThat(projection.checksum()).as("the same events").isEqualTo(StreamTestSupport.storedChecksum(jdbc));
        assertThat(projection.domainRows()).isGreaterThan(0);
        assertThat(projection.aggregateOrderViolations()).as("each aggregate's events in order").isZero();
        assertThat(projection.tenantOrderViolations()).as("each tenant's token events in order").isZero();
        await("the relay at the head", Duration.ofSeconds(20), () -> relay.lag() == 0);
        // a 30 s outage against a 6 s delivery timeout: at least one batch failed, each failure counted once
        assertThat(errorsDuring).as("Kafka errors counted during the outage").isGreaterThanOrEqualTo(1);
        assertThat(lagGaugeAtRestart).as("tally.relay.lag during the outage").isGreaterThanOrEqualTo(duringOutage);
        assertThat(meters.get("tally.relay.lag").gauge().value()).as("tally.relay.lag at the head").isZero();

        // the internal topic, relayed by the same batches through the outage: exactly the events the rule carries
        List<String> carried = StreamTestSupport.carriedIds(context.getBean(EventStorageEngine.class));
        assertThat(carried.size()).as("most events are for the token service, not all")
                .isGreaterThan(appender.appended() / 2).isLessThan(appender.appended());
        List<String> internal = StreamTestSupport.idsOnTopic(kafka, StreamTestSupport.INTERNAL_TOPIC);
        assertThat(java.util.Set.copyOf(internal)).as("the internal topic: every carried event (copies possible after"
                + " a failed batch), nothing else").isEqualTo(java.util.Set.copyOf(carried));
        LOG.info("deliveries {} for {} events", consumer.handled(), projection.rows());
    }
}
