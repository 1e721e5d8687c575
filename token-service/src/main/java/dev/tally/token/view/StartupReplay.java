package dev.tally.token.view;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Before the server takes requests, reads the event store once, from the first event, into both of the token
 * service's in-memory projections: the configuration ({@link TokenConfigProjection}) and the revocation view
 * ({@link RevocationViewProjection}). One read of the store serves both, so start-up reads each event once.
 */
@Component
public class StartupReplay implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(StartupReplay.class);

    private final EventStorageEngine storage;
    private final TokenConfigProjection config;
    private final RevocationViewProjection revocations;
    private final List<Observer> observers;
    private volatile Instant startedAt;
    private volatile long lastIndex = -1;

    /** Sees every event of the start-up replay (the Kafka feed remembers them, to skip their copies on the stream). */
    @FunctionalInterface
    public interface Observer {
        void replayed(TrackedEventMessage<?> event);
    }

    public StartupReplay(EventStorageEngine storage, TokenConfigProjection config, RevocationViewProjection revocations,
                         ObjectProvider<Observer> observers) {
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

    @Override
    public void afterSingletonsInstantiated() {
        startedAt = Instant.now();
        long started = System.nanoTime();
        long[] counts = new long[3];
        config.replayStarted();
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(null, false)) {
            events.forEach(event -> {
                counts[0]++;
                event.trackingToken().position().ifPresent(p -> lastIndex = Math.max(lastIndex, p));
                observers.forEach(o -> o.replayed(event));
                if (config.apply(event)) {
                    counts[1]++;
                }
                if (revocations.replay(event)) {
                    counts[2]++;
                }
            });
        }
        config.replayFinished();
        revocations.replayed();
        LOG.info("token service replayed {} events in {} ms ({} into the configuration, {} into the revocation view)",
                counts[0], (System.nanoTime() - started) / 1_000_000, counts[1], counts[2]);
    }
}
