package dev.tally.token.config;

import dev.tally.kernel.tenant.TenantIds;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Read your writes in distributed mode (architecture decision 8): the Kafka feed may lag, so a token service that
 * meets an unknown tenant or client reads that aggregate's own stream from the event store
 * ({@link EventStore#readEvents(String)}: the tenant's {@link TenantIds#aggregateId}, the client's id) and applies it
 * to {@link TokenConfig}, before it answers {@code invalid_client} or "no tenant". A read by aggregate id is one indexed
 * query. Garbage ids cannot hammer the store: each key is read at most once per {@code tally.token.catch-up.interval}
 * (default 1 s), and all keys together at most {@code tally.token.catch-up.max-per-second} times a second (default
 * 50); beyond that the lookup misses as it would have anyway.
 *
 * <p>Only with the event stream on ({@code tally.stream.enabled}); standalone applies every event in the unit of work
 * that appended it and needs no catch-up.
 */
@Component
@ConditionalOnProperty(prefix = "tally.stream", name = "enabled", havingValue = "true")
public class StoreCatchUp implements TokenConfig.CatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCatchUp.class);
    private static final int MAX_KEY_LENGTH = 200;
    private static final int REMEMBERED_KEYS = 10_000;

    private final EventStore store;
    private final TokenConfig config;
    private final long intervalNanos;
    private final int maxPerSecond;
    private final Map<String, Long> lastAttempt = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED_KEYS;
        }
    };
    private long windowStart = System.nanoTime();
    private int inWindow;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public StoreCatchUp(EventStore store, TokenConfig config,
                        @Value("${tally.token.catch-up.interval:1s}") Duration interval,
                        @Value("${tally.token.catch-up.max-per-second:50}") int maxPerSecond) {
        this.store = store;
        this.config = config;
        this.intervalNanos = interval.toNanos();
        this.maxPerSecond = maxPerSecond;
        config.catchUp(this);
    }

    @Override
    public boolean tenant(String tenantId) {
        if (!admit("t\n" + tenantId, tenantId)) {
            return false;
        }
        return read(TenantIds.aggregateId(tenantId)) > 0;
    }

    @Override
    public boolean client(String tenantId, String clientId) {
        if (clientId == null || !admit("c\n" + tenantId + "\n" + clientId, clientId)) {
            return false;
        }
        int read = read(clientId);
        if (config.tenant(tenantId).isEmpty()) {
            read += read(TenantIds.aggregateId(tenantId));
        }
        return read > 0;
    }

    /** Store reads made (for tests and metrics). */
    public long reads() {
        return reads.get();
    }

    /** Catch-ups refused by the rate limits. */
    public long refused() {
        return refused.get();
    }

    private synchronized boolean admit(String key, String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_KEY_LENGTH) {
            return false;
        }
        long now = System.nanoTime();
        Long last = lastAttempt.get(key);
        if (last != null && now - last < intervalNanos) {
            refused.incrementAndGet();
            return false;
        }
        if (now - windowStart >= 1_000_000_000L) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= maxPerSecond) {
            refused.incrementAndGet();
            return false;
        }
        inWindow++;
        lastAttempt.put(key, now);
        return true;
    }

    /** Applies the aggregate's stream; how many events it held. */
    private int read(String aggregateId) {
        reads.incrementAndGet();
        int count = 0;
        try {
            DomainEventStream events = store.readEvents(aggregateId);
            while (events.hasNext()) {
                DomainEventMessage<?> event = events.next();
                config.apply(event);
                count++;
            }
        } catch (RuntimeException e) {
            LOG.warn("catching up {} from the event store failed", aggregateId, e);
        }
        return count;
    }
}
