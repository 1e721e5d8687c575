package dev.tally.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where a consumer without a committed offset starts ({@code TallyEventConsumer.startOffsets}), on a real broker. A
 * token node starting with the deployment finds the relay's topic empty, or not there yet; the relay's first records
 * land while the node is being assigned its partitions. Found while benchmarking two token nodes: one of them never
 * learned the first tenant, because its partitions were sought "to the end" lazily, after those records had landed.
 */
class ConsumerStartOffsetsTest {
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRecordWrittenAfterTheStartWasDecidedOnAnEmptyPartitionIsStillRead() throws Exception {
        String topic = "start-empty";
        createTopic(topic);
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = consumer();
             KafkaProducer<String, String> producer = producer()) {
            consumer.assign(List.of(partition));
            Map<TopicPartition, Long> start = TallyEventConsumer.startOffsets(consumer, List.of(partition),
                    Instant.now().minus(Duration.ofMinutes(1)));
            // the relay's first record lands after the start was decided but before the first poll
            RecordMetadata written = producer.send(new ProducerRecord<>(topic, 0, "aggregate", "first")).get();
            start.forEach(consumer::seek);

            assertThat(start).containsEntry(partition, 0L);
            assertThat(written.offset()).isZero();
            assertThat(values(consumer)).containsExactly("first");
        }
    }

    @Test
    void recordsOlderThanTheStartAreSkippedAndNewerOnesRead() throws Exception {
        String topic = "start-by-time";
        createTopic(topic);
        TopicPartition partition = new TopicPartition(topic, 0);
        Instant startAt = Instant.now();
        try (KafkaConsumer<String, String> consumer = consumer();
             KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, 0, startAt.minusSeconds(120).toEpochMilli(), "a", "old")).get();
            producer.send(new ProducerRecord<>(topic, 0, startAt.plusMillis(1).toEpochMilli(), "a", "new")).get();
            consumer.assign(List.of(partition));
            Map<TopicPartition, Long> start = TallyEventConsumer.startOffsets(consumer, List.of(partition), startAt);
            start.forEach(consumer::seek);

            assertThat(start).containsEntry(partition, 1L);
            assertThat(values(consumer)).containsExactly("new");
        }
    }

    @Test
    void onlyOldRecordsMeansStartingAtTheEndAsItWasBeforeAsking() throws Exception {
        String topic = "start-all-old";
        createTopic(topic);
        TopicPartition partition = new TopicPartition(topic, 0);
        Instant startAt = Instant.now();
        try (KafkaConsumer<String, String> consumer = consumer();
             KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, startAt.minusSeconds(300 - i).toEpochMilli(), "a",
                        "old-" + i)).get();
            }
            consumer.assign(List.of(partition));
            Map<TopicPartition, Long> start = TallyEventConsumer.startOffsets(consumer, List.of(partition), startAt);
            producer.send(new ProducerRecord<>(topic, 0, "a", "later")).get();
            start.forEach(consumer::seek);

            assertThat(start).containsEntry(partition, 3L);
            assertThat(values(consumer)).containsExactly("later");
        }
    }

    /**
     * A token node may subscribe before the relay's first batch creates the topic (a fresh deployment, started all at
     * once). Its consumer must notice the topic within seconds, not at Kafka's default metadata refresh (five minutes),
     * during which the node would know nothing of the first tenants.
     */
    @Test
    void aConsumerThatSubscribedBeforeTheTopicExistedReadsItsFirstRecordsWithinSeconds() throws Exception {
        String topic = "created-after-subscribe";
        Map<String, Object> config = new HashMap<>(StreamClients.consumerConfig(new StreamProperties(true,
                kafka.bootstrapServers(), "unused", 1, null, false, null, Map.of(), null), "late-topic"));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
             KafkaProducer<String, String> producer = producer()) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < until) {
                assertThat(consumer.poll(Duration.ofMillis(200)).isEmpty()).isTrue();
            }
            createTopic(topic);
            producer.send(new ProducerRecord<>(topic, 0, "aggregate", "first")).get();
            long created = System.nanoTime();

            List<String> values = new java.util.ArrayList<>();
            long deadline = created + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            long seconds = Duration.ofNanos(System.nanoTime() - created).toSeconds();
            System.out.printf("a topic created after the subscription was read after %d s%n", seconds);
            assertThat(values).containsExactly("first");
            assertThat(seconds).as("seconds until the first record of a topic created late").isLessThan(20);
        }
    }

    private static List<String> values(KafkaConsumer<String, String> consumer) {
        List<String> values = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
            records.forEach(r -> values.add(r.value()));
            if (!values.isEmpty() && records.isEmpty()) {
                break; // everything written was read; one empty poll after it confirms nothing else follows
            }
        }
        return values;
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    private static KafkaProducer<String, String> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(config);
    }
}
