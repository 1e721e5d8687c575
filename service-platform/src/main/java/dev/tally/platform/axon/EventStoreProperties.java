package dev.tally.platform.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.event-store.*}: the in-process event store in front of the JDBC engine.
 *
 * @param cachedEvents the newest events kept in memory for the tracking processors that follow the store's head in
 *                     this process (the query side's views in standalone and in the query service, the relay in the
 *                     command service); one that falls further behind reads from the database instead. Each costs
 *                     its payload twice (serialized and read), about 2 KB for an access token's record
 */
@ConfigurationProperties("tally.event-store")
public record EventStoreProperties(@DefaultValue("1000") int cachedEvents) {

    public EventStoreProperties {
        if (cachedEvents < 1) {
            throw new IllegalStateException("tally.event-store.cached-events must be at least 1, not " + cachedEvents);
        }
    }
}
