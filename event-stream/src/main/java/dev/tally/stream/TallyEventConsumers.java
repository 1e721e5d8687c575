package dev.tally.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Starts consumers of the event stream with this process's settings ({@code tally.stream.*}); closes them at shutdown. */
public class TallyEventConsumers implements AutoCloseable {
    private final StreamProperties properties;
    private final CloudEventCodec codec;
    private final List<TallyEventConsumer> started = new CopyOnWriteArrayList<>();

    public TallyEventConsumers(StreamProperties properties, CloudEventCodec codec) {
        this.properties = properties;
        this.codec = codec;
    }

    /** Turns a streamed event back into the Axon message the event store holds. */
    public CloudEventCodec codec() {
        return codec;
    }

    /**
     * Starts a consumer in consumer group {@code groupId} (one group per view: each group reads every event once,
     * the group's members share the partitions).
     */
    public TallyEventConsumer start(String groupId, TallyEventConsumer.Handler handler) {
        TallyEventConsumer consumer = new TallyEventConsumer(groupId, StreamClients.consumerConfig(properties, groupId),
                properties.topic(), codec, handler);
        started.add(consumer);
        return consumer.start();
    }

    /**
     * Starts a consumer of {@code topic} in group {@code groupId}; partitions the group has no offset for start at
     * the first record written at or after {@code startAt} (see {@link TallyEventConsumer}).
     */
    public TallyEventConsumer start(String groupId, String topic, java.time.Instant startAt,
                                    TallyEventConsumer.Handler handler) {
        TallyEventConsumer consumer = new TallyEventConsumer(groupId, StreamClients.consumerConfig(properties, groupId),
                topic, codec, handler, startAt);
        started.add(consumer);
        return consumer.start();
    }

    public StreamProperties properties() {
        return properties;
    }

    @Override
    public void close() {
        started.forEach(TallyEventConsumer::close);
        started.clear();
    }
}
