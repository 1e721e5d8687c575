package dev.tally.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka client settings of the stream, in one place. */
public final class StreamClients {
    private StreamClients() {
    }

    /**
     * The relay's producer: every record acknowledged by all in-sync replicas, idempotent (no duplicates from the
     * producer's own retries, order kept per partition with up to 5 requests in flight), retried until the delivery
     * timeout. These settings win over {@code tally.stream.kafka}.
     */
    public static Map<String, Object> producerConfig(StreamProperties properties) {
        Map<String, Object> config = common(properties);
        long delivery = properties.relay().deliveryTimeout().toMillis();
        long linger = 5;
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        config.put(ProducerConfig.LINGER_MS_CONFIG, linger);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, Math.min(30_000, (delivery - linger) / 2)));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, properties.relay().maxBlock().toMillis());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArraySerializer.class);
        return config;
    }

    /**
     * A consumer of the stream in group {@code groupId}: offsets committed by {@link TallyEventConsumer} after the
     * events are applied, never automatically; a new group starts at the beginning of the topic.
     */
    public static Map<String, Object> consumerConfig(StreamProperties properties, String groupId) {
        Map<String, Object> config = common(properties);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        return config;
    }

    public static Map<String, Object> adminConfig(StreamProperties properties, Duration timeout) {
        Map<String, Object> config = common(properties);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        return config;
    }

    private static Map<String, Object> common(StreamProperties properties) {
        if (properties.bootstrapServers() == null || properties.bootstrapServers().isBlank()) {
            throw new IllegalStateException("tally.stream.enabled is true but tally.stream.bootstrap-servers is not set");
        }
        Map<String, Object> config = new HashMap<>(properties.kafka());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers());
        return config;
    }
}
