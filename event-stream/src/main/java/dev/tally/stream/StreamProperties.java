package dev.tally.stream;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.stream.*}: the event stream on Kafka. Off by default: the standalone server never uses Kafka.
 *
 * @param enabled           whether this process takes part in the stream at all
 * @param bootstrapServers  Kafka's bootstrap servers ({@code host:port,...}); required when enabled
 * @param topic             the topic every event is published to
 * @param partitions        partitions of the topic when the relay creates it (an existing topic is left as it is)
 * @param replicationFactor replication of the topic when the relay creates it; unset: the broker's default
 * @param includeSecrets    publish secret fields (password, client-secret, cookie and token hashes, sealed private
 *                          keys) in the events' data; only for a topic that no one outside the deployment can read
 * @param internalTopic     a second topic every event is published to with its secret fields, for Tally's own
 *                          services (the token service needs sealed keys and hashes); blank: none. Restrict who may
 *                          read it (Kafka ACLs): it carries what {@code topic} leaves out
 * @param kafka             further Kafka client settings for every producer, consumer and admin client (for example
 *                          {@code security.protocol}, SASL settings); the relay's delivery guarantees cannot be
 *                          overridden here
 * @param relay             the relay from the event store to the topic
 */
@ConfigurationProperties("tally.stream")
public record StreamProperties(
        @DefaultValue("false") boolean enabled,
        String bootstrapServers,
        @DefaultValue("tally.events") String topic,
        @DefaultValue("6") int partitions,
        Short replicationFactor,
        @DefaultValue("false") boolean includeSecrets,
        @DefaultValue("tally.events.internal") String internalTopic,
        Map<String, String> kafka,
        @DefaultValue Relay relay) {

    public StreamProperties {
        kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
        if (enabled && (bootstrapServers == null || bootstrapServers.isBlank())) {
            throw new IllegalStateException("tally.stream.enabled is true but tally.stream.bootstrap-servers is not set");
        }
        if (internalTopic != null && !internalTopic.isBlank() && internalTopic.equals(topic)) {
            throw new IllegalStateException("tally.stream.internal-topic must differ from tally.stream.topic");
        }
        if (partitions < 1) {
            throw new IllegalStateException("tally.stream.partitions must be at least 1, not " + partitions);
        }
    }

    /** The internal topic, if there is one. */
    public java.util.Optional<String> internal() {
        return internalTopic == null || internalTopic.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(internalTopic);
    }

    /**
     * @param enabled         run the relay in this process (several processes may: one holds the position at a time)
     * @param batchSize       events per batch: sent together, acknowledged together, position committed once
     * @param deliveryTimeout how long Kafka may take to acknowledge a record before the batch is given up and
     *                        tried again ({@code delivery.timeout.ms})
     * @param maxBlock        how long a send may wait for the topic's metadata ({@code max.block.ms})
     */
    public record Relay(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("100") int batchSize,
            @DefaultValue("30s") Duration deliveryTimeout,
            @DefaultValue("10s") Duration maxBlock) {
    }
}
