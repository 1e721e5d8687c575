package dev.tally.stream;

import static dev.tally.stream.StreamTestSupport.TOPIC;
import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.stream.InternalFeed;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.PostgresTestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay on PostgreSQL with a real Kafka broker: every appended event is published once, keyed by its aggregate
 * (or, for token events, its tenant), in its aggregate's order, with the headers and CloudEvent the contract names;
 * the internal topic has exactly the events {@link InternalFeed} carries, in the same order per key.
 */
class KafkaRelayOnPostgresTest {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRelayOnPostgresTest.class);
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_relay");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static EmbeddedKafka kafka;
    static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        context = StreamTestSupport.relayContext(DB, kafka, 50);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyEventIsPublishedOnceInItsAggregatesOrderWithItsKeyHeadersAndCloudEvent() throws Exception {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        StreamTestSupport.Appender appender = new StreamTestSupport.Appender(context.getBean(EventStore.class),
                "acme", "globex", "initech");
        for (int i = 0; i < 60; i++) {
            appender.appendRound();
        }
        int expected = appender.appended();
        assertThat(StreamTestSupport.storedEvents(jdbc)).isEqualTo(expected);

        List<ConsumerRecord<String, byte[]>> records = readAll(expected, Duration.ofSeconds(60));
        assertThat(records).hasSize(expected);

        Map<String, Map<String, Object>> stored = new HashMap<>();
        jdbc.query("SELECT event_identifier, global_index, aggregate_identifier, sequence_number, type, payload "
                + "FROM domain_event_entry", rs -> {
                    Map<String, Object> row = new HashMap<>();
                    row.put("global_index", rs.getLong("global_index"));
                    row.put("aggregate", rs.getString("aggregate_identifier"));
                    row.put("sequence", rs.getLong("sequence_number"));
                    row.put("type", rs.getString("type"));
                    row.put("payload", rs.getBytes("payload"));
                    stored.put(rs.getString("event_identifier"), row);
                });

        Map<String, List<ConsumerRecord<String, byte[]>>> byKey = new LinkedHashMap<>();
        Map<String, Integer> partitionOfKey = new HashMap<>();
        CloudEventCodec codec = StreamTestSupport.consumerCodec();
        for (ConsumerRecord<String, byte[]> record : records) {
            String id = StreamRecords.header(record, StreamRecords.EVENT_ID);
            Map<String, Object> row = stored.get(id);
            assertThat(row).as("record of a stored event").isNotNull();
            StreamedEvent event = codec.decode(record.value());
            assertThat(event.id()).isEqualTo(id);
            assertThat(StreamRecords.header(record, StreamRecords.GLOBAL_INDEX)).isEqualTo(row.get("global_index").toString());
            assertThat(event.globalIndex()).isEqualTo(row.get("global_index"));
            assertThat(StreamRecords.header(record, StreamRecords.TENANT_ID)).isEqualTo(event.tenantId());
            assertThat(StreamRecords.header(record, StreamRecords.EVENT_TYPE)).isEqualTo(event.type());
            assertThat(StreamRecords.header(record, StreamRecords.CONTENT_TYPE))
                    .isEqualTo("application/cloudevents+json; charset=UTF-8");
            assertThat(codec.toMessage(event).getPayload()).isNotNull();
            if (row.get("type") != null) {
                assertThat(event.type()).startsWith("dev.tally.session.Session");
                assertThat(record.key()).as("an aggregate's events are keyed by it").isEqualTo(row.get("aggregate"));
                assertThat(StreamRecords.header(record, StreamRecords.AGGREGATE_ID)).isEqualTo(row.get("aggregate"));
                assertThat(StreamRecords.header(record, StreamRecords.AGGREGATE_SEQUENCE)).isEqualTo(row.get("sequence").toString());
                assertThat(event.aggregateSequence()).isEqualTo(row.get("sequence"));
            } else {
                assertThat(event.type()).isIn("dev.tally.token.AccessTokenIssued.v2", "dev.tally.token.IdTokenIssued.v1");
                assertThat(record.key()).as("token events are keyed by tenant").isEqualTo(event.tenantId());
                assertThat(record.headers().lastHeader(StreamRecords.AGGREGATE_ID)).isNull();
                assertThat(event.domainEvent()).isFalse();
                JsonNode data = JSON.readTree(event.data());
                assertThat(data).as("data is the stored payload").isEqualTo(JSON.readTree((byte[]) row.get("payload")));
            }
            assertThat(partitionOfKey.computeIfAbsent(record.key(), k -> record.partition()))
                    .as("one partition per key").isEqualTo(record.partition());
            byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
        }
        LOG.info("an example record: key {}, value {}", records.get(0).key(),
                new String(records.get(0).value(), StandardCharsets.UTF_8));

        for (Map.Entry<String, List<ConsumerRecord<String, byte[]>>> key : byKey.entrySet()) {
            List<Long> order = key.getValue().stream()
                    .map(r -> Long.parseLong(StreamRecords.header(r, key.getKey().startsWith("ses_")
                            ? StreamRecords.AGGREGATE_SEQUENCE : StreamRecords.GLOBAL_INDEX)))
                    .toList();
            if (key.getKey().startsWith("ses_")) {
                assertThat(order).as("aggregate " + key.getKey() + " in its order")
                        .isEqualTo(java.util.stream.LongStream.range(0, order.size()).boxed().toList());
            } else {
                assertThat(order).as("tenant " + key.getKey() + "'s token events in the store's order").isSorted();
            }
        }
        assertThat(byKey.keySet()).contains("acme", "globex", "initech");
        assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                .as("keys spread over the partitions").hasSizeGreaterThan(1);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC)
                    .partitions()).as("the relay created the topic with tally.stream.partitions").hasSize(6);
        }

        RelayPosition position = context.getBean(RelayPosition.class);
        await("the relay's position at the head", Duration.ofSeconds(20), () -> position.lag() == 0);
        assertThat(position.position()).hasValue(position.head());
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        assertThat(meters.get("tally.relay.lag").gauge().value()).isZero();

        // and nothing more arrives: each event was published once
        assertThat(readAll(expected + 1, Duration.ofSeconds(2))).hasSize(expected);

        // the internal topic (tally.stream.internal-topic, default tally.events.internal) has every event the token
        // service needs (InternalFeed.carries, decided here from the payloads read back from the store), once, in the
        // same order per key as the public topic, with the secret fields the public topic leaves out
        assertThat(records.stream().anyMatch(r -> codec.decode(r.value()).redacted()))
                .as("the public topic redacts the sessions' cookie hashes").isTrue();
        List<TrackedEventMessage<?>> store = StreamTestSupport.readStore(context.getBean(EventStorageEngine.class));
        assertThat(store).hasSize(expected);
        Set<String> carried = store.stream().filter(InternalFeed::carries).map(EventMessage::getIdentifier)
                .collect(Collectors.toSet());
        assertThat(carried.size()).as("most events, but not all, are for the token service")
                .isGreaterThan(expected / 2).isLessThan(expected);
        List<ConsumerRecord<String, byte[]>> internal = readAll(INTERNAL_TOPIC, carried.size() + 1, Duration.ofSeconds(20));
        assertThat(internal).hasSize(carried.size());
        assertThat(internal.stream().map(r -> StreamRecords.header(r, StreamRecords.EVENT_ID)).toList())
                .as("exactly the carried events, each once").containsExactlyInAnyOrderElementsOf(carried);
        Set<String> internalTypes = internal.stream().map(r -> StreamRecords.header(r, StreamRecords.EVENT_TYPE))
                .collect(Collectors.toSet());
        assertThat(internalTypes).as("tokens of a session or a family are on the internal topic")
                .contains("dev.tally.token.AccessTokenIssued.v2").doesNotContain("dev.tally.token.IdTokenIssued.v1");
        Set<String> publicIds = records.stream().map(r -> StreamRecords.header(r, StreamRecords.EVENT_ID))
                .collect(Collectors.toSet());
        List<String> machineTokens = store.stream().filter(e -> e.getPayload() instanceof AccessTokenIssued t
                && t.sessionId() == null && t.familyId() == null).map(EventMessage::getIdentifier).toList();
        List<String> idTokens = store.stream().filter(e -> e.getPayloadType().getSimpleName().equals("IdTokenIssued"))
                .map(EventMessage::getIdentifier).toList();
        assertThat(machineTokens).isNotEmpty();
        assertThat(idTokens).isNotEmpty();
        assertThat(publicIds).as("machine tokens' and ID tokens' issuance on the public topic")
                .containsAll(machineTokens).containsAll(idTokens);
        assertThat(carried).as("and not on the internal one").doesNotContainAnyElementsOf(machineTokens)
                .doesNotContainAnyElementsOf(idTokens);
        Map<String, List<String>> internalByKey = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : internal) {
            StreamedEvent event = codec.decode(record.value());
            Map<String, Object> row = stored.get(event.id());
            assertThat(row).as("record of a stored event").isNotNull();
            assertThat(event.redacted()).isFalse();
            assertThat(JSON.readTree(event.data())).as("data is the stored payload, secrets included")
                    .isEqualTo(JSON.readTree((byte[]) row.get("payload")));
            internalByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event.id());
        }
        for (Map.Entry<String, List<ConsumerRecord<String, byte[]>>> key : byKey.entrySet()) {
            List<String> carriedOfKey = key.getValue().stream().map(r -> StreamRecords.header(r, StreamRecords.EVENT_ID))
                    .filter(carried::contains).toList();
            assertThat(internalByKey.getOrDefault(key.getKey(), List.of()))
                    .as("key " + key.getKey() + " in the same order on both topics").isEqualTo(carriedOfKey);
        }
    }

    static final String INTERNAL_TOPIC = "tally.events.internal";

    static List<ConsumerRecord<String, byte[]>> readAll(int count, Duration timeout) {
        return readAll(TOPIC, count, timeout);
    }

    /** Every record of the topic from the start, until {@code count} were read or the time is up. */
    static List<ConsumerRecord<String, byte[]>> readAll(String topic, int count, Duration timeout) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            await("topic " + topic, Duration.ofSeconds(30),
                    () -> consumer.partitionsFor(topic, Duration.ofSeconds(5)).size() == 6);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
