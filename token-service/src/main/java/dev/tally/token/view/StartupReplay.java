package dev.tally.token.view;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Before the server takes requests, brings both of the token service's in-memory projections, the configuration
 * ({@link TokenConfigProjection}) and the revocation view ({@link RevocationViewProjection}), up to the store's head:
 * from the newest readable checkpoint ({@link ViewCheckpoints}) and the store's events after its position (its gaps
 * included), or, without one, from the store's first event. One read of the store serves both.
 */
@Component
public class StartupReplay implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(StartupReplay.class);

    private final EventStorageEngine storage;
    private final TokenConfigProjection config;
    private final RevocationViewProjection revocations;
    private final List<Observer> observers;
    private final ObjectProvider<ViewCheckpoints> checkpoints;
    private volatile Instant startedAt;
    private volatile long lastIndex = -1;
    private volatile long checkpointIndex = -1;
    private volatile long eventsRead;
    /** The store position the views reached at start-up: the checkpoint's, then each event read after it. */
    private volatile GapAwareTrackingToken reached;

    /** Sees every event of the start-up replay (the Kafka feed remembers them, to skip their copies on the stream). */
    @FunctionalInterface
    public interface Observer {
        void replayed(TrackedEventMessage<?> event);
    }

    public StartupReplay(EventStorageEngine storage, TokenConfigProjection config, RevocationViewProjection revocations,
                         ObjectProvider<Observer> observers) {
        this(storage, config, revocations, observers, null);
    }

    /** @param checkpoints where the views' checkpoints are; none (or no bean): the whole store is read */
    @Autowired
    public StartupReplay(EventStorageEngine storage, TokenConfigProjection config, RevocationViewProjection revocations,
                         ObjectProvider<Observer> observers, ObjectProvider<ViewCheckpoints> checkpoints) {
        this.checkpoints = checkpoints;
        this.storage = storage;
        this.config = config;
        this.revocations = revocations;
        this.observers = observers.orderedStream().toList();
    }

    /** When the replay began (the system clock, like the events' timestamps); null before it ran. */
    public Instant startedAt() {
        return startedAt;
    }

    /** The global index of the last event the replay read, -1 if none. */
    public long lastIndex() {
        return lastIndex;
    }

    /** The store index of the checkpoint the views started from, -1 if they were read from the whole store. */
    public long checkpointIndex() {
        return checkpointIndex;
    }

    /**
     * Whether the views had the event at this global index when the start was done: at or below the position reached
     * and not one of its gaps. The Kafka feed skips such an event's copy on the stream (one from the checkpoint was
     * never seen by this start's read, so the deduplicator does not know it).
     */
    public boolean covers(long globalIndex) {
        GapAwareTrackingToken position = reached;
        return position != null && globalIndex >= 0 && globalIndex <= position.getIndex()
                && !position.getGaps().contains(globalIndex);
    }

    /** How many events of the store the start read (after the checkpoint, if there was one). */
    public long eventsRead() {
        return eventsRead;
    }

    @Override
    public void afterSingletonsInstantiated() {
        startedAt = Instant.now();
        long started = System.nanoTime();
        long[] counts = new long[3];
        config.replayStarted();
        TrackingToken from = null;
        ViewCheckpoints source = checkpoints == null ? null : checkpoints.getIfAvailable();
        ViewCheckpoints.Loaded checkpoint = source == null ? null : source.load().orElse(null);
        if (checkpoint != null) {
            checkpoint.events().forEach(config::apply);
            revocations.restore(checkpoint.revocations());
            from = checkpoint.position();
            reached = checkpoint.position();
            checkpointIndex = checkpoint.position().getIndex();
            lastIndex = checkpointIndex;
            LOG.info("token service views start from checkpoint {} at store index {} ({} configuration events, "
                            + "{} gaps to read again)", checkpoint.id(), checkpointIndex, checkpoint.events().size(),
                    checkpoint.position().getGaps().size());
        }
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(from, false)) {
            events.forEach(event -> {
                counts[0]++;
                event.trackingToken().position().ifPresent(p -> lastIndex = Math.max(lastIndex, p));
                if (event.trackingToken() instanceof GapAwareTrackingToken position) {
                    reached = position;
                }
                observers.forEach(o -> o.replayed(event));
                if (config.apply(event)) {
                    counts[1]++;
                }
                if (revocations.replay(event)) {
                    counts[2]++;
                }
            });
        }
        eventsRead = counts[0];
        config.replayFinished();
        revocations.replayed();
        LOG.info("token service replayed {} events in {} ms ({} into the configuration, {} into the revocation view)",
                counts[0], (System.nanoTime() - started) / 1_000_000, counts[1], counts[2]);
    }
}
