package dev.tally.token.view;

import dev.tally.kernel.stream.EventTypes;
import dev.tally.stream.InMemoryEventDeduplicator;
import dev.tally.stream.StreamedEvent;
import dev.tally.stream.TallyEventConsumer;
import dev.tally.stream.TallyEventConsumers;
import dev.tally.token.settings.TokenNodeProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the token service's configuration ({@link TokenConfigProjection}) and revocation view
 * ({@link RevocationViewProjection}) current from Kafka in distributed mode, so token-service nodes add no load on
 * the event store.
 *
 * <p>At start-up the views are brought to the store's head once ({@link StartupReplay}: from their checkpoint, then
 * the store); an event at a position the start covered is skipped on the stream, and every event read from the store
 * is also remembered by the in-memory deduplicator. Then a {@link TallyEventConsumer} reads the internal topic ({@code tally.stream.internal-topic},
 * the one with the secret fields: sealed signing keys, secret hashes) in a consumer group of its own (every node needs
 * every event, and its views are rebuilt on each start), from the first records written at (replay start - 1 min):
 * the overlap with the replay covers events the relay published while the replay ran; the deduplicator skips them.
 * Each event is applied once through the same paths the in-process handlers use.
 *
 * <p>The in-process subscribing handlers stay: in this mode they see only this node's own appends (the issuance log's
 * issued and revoked tokens), so a token this node revoked is refused by this node at once (read your writes). Those
 * events come again from Kafka and are applied again: the revocation view merges, so applying twice changes nothing.
 *
 * <p>{@value #LAG_METRIC}: the time from an event's recording to its application from Kafka (p50, p99 published).
 */
@Component
@ConditionalOnProperty(prefix = "tally.stream", name = "enabled", havingValue = "true")
public class StreamFeed implements SmartLifecycle, StartupReplay.Observer {
    public static final String LAG_METRIC = "tally.token.projection.lag";
    static final Duration OVERLAP = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(StreamFeed.class);

    private final TallyEventConsumers consumers;
    private final TokenConfigProjection config;
    private final RevocationViewProjection revocations;
    private final ObjectProvider<StartupReplay> replay;
    private final String node;
    private final InMemoryEventDeduplicator deduplicator = new InMemoryEventDeduplicator();
    private final Timer lag;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final List<AppliedFromStream> observers;
    private volatile TallyEventConsumer consumer;
    private volatile String group;

    public StreamFeed(TallyEventConsumers consumers, TokenConfigProjection config, RevocationViewProjection revocations,
                      ObjectProvider<StartupReplay> replay, ObjectProvider<MeterRegistry> registries,
                      ObjectProvider<AppliedFromStream> observers, TokenNodeProperties properties) {
        this.observers = observers.orderedStream().toList();
        this.consumers = consumers;
        this.config = config;
        this.revocations = revocations;
        this.replay = replay;
        this.node = properties.nodeId();
        this.lag = Timer.builder(LAG_METRIC)
                .description("Time from an event's recording in the store to its application from Kafka to the token service's views")
                .publishPercentiles(0.5, 0.99)
                .register(registries.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** Start-up replay: the event is in the views; its copy on the stream is skipped. */
    @Override
    public void replayed(TrackedEventMessage<?> event) {
        String tenantId = EventTypes.tenantOf(event.getPayload());
        DomainEventMessage<?> domain = event instanceof DomainEventMessage<?> d && d.getType() != null ? d : null;
        StreamedEvent key = new StreamedEvent(event.getIdentifier(), event.getPayloadType().getName(), tenantId,
                event.getTimestamp(), event.trackingToken().position().orElse(-1), domain == null ? null : domain.getType(),
                domain == null ? null : domain.getAggregateIdentifier(),
                domain == null ? null : domain.getSequenceNumber(), false, new byte[0]);
        deduplicator.applyOnce(key, () -> { });
    }

    private void handle(StreamedEvent event) {
        if (!event.known()) {
            LOG.debug("passing over {} (a type this version does not know)", event);
            return;
        }
        StartupReplay startup = replay.getIfAvailable();
        if (startup != null && startup.covers(event.globalIndex())) {
            // in the views since the start (from the checkpoint or the store read after it): its copy is skipped
            skipped.incrementAndGet();
            return;
        }
        boolean ran = deduplicator.applyOnce(event, () -> {
            EventMessage<?> message = consumers.codec().toMessage(event);
            config.apply(message);
            revocations.applyDelivered(message);
        });
        if (ran) {
            applied.incrementAndGet();
            observers.forEach(o -> o.applied(event));
            lag.record(Duration.between(event.time(), Instant.now()).abs());
        } else {
            skipped.incrementAndGet();
        }
    }

    /** Events applied from Kafka (each once). */
    public long applied() {
        return applied.get();
    }

    /** Copies skipped: replayed already, or delivered again. */
    public long skipped() {
        return skipped.get();
    }

    public String group() {
        return group;
    }

    /** The consumer that feeds the views, null before start and after stop. */
    public TallyEventConsumer consumer() {
        return consumer;
    }

    @Override
    public synchronized void start() {
        if (consumer != null) {
            return;
        }
        StartupReplay startup = replay.getObject();
        Instant from = (startup.startedAt() == null ? Instant.now() : startup.startedAt()).minus(OVERLAP);
        String topic = consumers.properties().internal().orElseThrow(() -> new IllegalStateException(
                "the token service needs tally.stream.internal-topic: the public topic has no signing keys or secret hashes"));
        group = "tally-token-" + node + "-" + UUID.randomUUID();
        LOG.info("token service views follow Kafka topic {} from {} (group {})", topic, from, group);
        consumer = consumers.start(group, topic, from, this::handle);
    }

    @Override
    public synchronized void stop() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return consumer != null;
    }
}
