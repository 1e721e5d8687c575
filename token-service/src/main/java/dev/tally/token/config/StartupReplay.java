package dev.tally.token.config;

import dev.tally.token.revocation.RevocationViewProjection;
import java.util.stream.Stream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    public StartupReplay(EventStorageEngine storage, TokenConfigProjection config, RevocationViewProjection revocations) {
        this.storage = storage;
        this.config = config;
        this.revocations = revocations;
    }

    @Override
    public void afterSingletonsInstantiated() {
        long started = System.nanoTime();
        long[] counts = new long[3];
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(null, false)) {
            events.forEach(event -> {
                counts[0]++;
                if (config.replay(event)) {
                    counts[1]++;
                }
                if (revocations.replay(event)) {
                    counts[2]++;
                }
            });
        }
        revocations.replayed();
        LOG.info("token service replayed {} events in {} ms ({} into the configuration, {} into the revocation view)",
                counts[0], (System.nanoTime() - started) / 1_000_000, counts[1], counts[2]);
    }
}
