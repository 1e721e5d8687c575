package dev.tally.token.view;

import dev.tally.kernel.tenant.TenantIds;
import dev.tally.token.settings.TokenNodeProperties;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/**
 * Read your writes in distributed mode (architecture decision 8): the Kafka feed may lag, so a token service that
 * meets an unknown tenant or client reads that aggregate's own stream from the event store
 * ({@link EventStore#readEvents(String)}: the tenant's {@link TenantIds#aggregateId}, the client's id) and applies it
 * to {@link TokenConfig}, before it answers {@code invalid_client} or "no tenant" (an unknown API: see below). A read by aggregate id is one indexed
 * query. Garbage ids cannot hammer the store: each key is read at most once per {@code tally.token.catch-up.interval}
 * (default 1 s), and all keys together at most {@code tally.token.catch-up.max-per-second} times a second (default
 * 50); beyond that the lookup misses as it would have anyway.
 *
 * <p>An API is looked up by its audience, and its aggregate id is random, so there is no stream to read by key: an
 * unknown audience reads the store's events after a watermark (at most {@value #MAX_API_READ} of them) and applies
 * the configuration's. The watermark starts where the start-up replay ended and moves, after each such read, to the
 * last event read that is older than {@value #SETTLED_SECONDS} s (an event appended in a transaction still open may
 * get a lower index than one already committed; the margin reads those again, which is harmless: applying is
 * idempotent per aggregate sequence). Such a read serves every audience, so it runs at most once per interval in
 * all.
 *
 * <p>On with the event stream ({@code tally.stream.enabled}), and in distributed mode without it
 * ({@code tally.token.catch-up.enabled}, set by the distributed profile), where a node would otherwise know only what
 * it replayed at start-up. Standalone applies every event in the unit of work that appended it and needs none.
 */
@Component
@ConditionalOnExpression("${tally.stream.enabled:false} or ${tally.token.catch-up.enabled:false}")
public class StoreCatchUp implements TokenConfig.CatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCatchUp.class);
    private static final int MAX_KEY_LENGTH = 200;
    private static final int REMEMBERED_KEYS = 10_000;
    static final int MAX_API_READ = 10_000;
    static final int SETTLED_SECONDS = 10;

    private final EventStore store;
    private final EventStorageEngine storage;
    private final ObjectProvider<StartupReplay> replay;
    private long watermark = Long.MIN_VALUE;
    private long lastWatermarkRead = System.nanoTime() - Long.MAX_VALUE / 2;
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

    public StoreCatchUp(EventStore store, EventStorageEngine storage, ObjectProvider<StartupReplay> replay,
                        TokenConfig config, TokenNodeProperties properties) {
        this.store = store;
        this.storage = storage;
        this.replay = replay;
        this.config = config;
        this.intervalNanos = properties.catchUp().interval().toNanos();
        this.maxPerSecond = properties.catchUp().maxPerSecond();
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

    @Override
    public boolean api(String tenantId, String audience) {
        if (audience == null || !admit("a\n" + tenantId + "\n" + audience, audience)) {
            return false;
        }
        return readAfterWatermark() > 0;
    }

    /** Applies the configuration's events after the watermark; how many it applied. */
    private synchronized int readAfterWatermark() {
        // one such read serves every audience: at most one per interval, whatever the keys
        if (System.nanoTime() - lastWatermarkRead < intervalNanos) {
            refused.incrementAndGet();
            return 0;
        }
        lastWatermarkRead = System.nanoTime();
        reads.incrementAndGet();
        if (watermark == Long.MIN_VALUE) {
            StartupReplay startup = replay.getIfAvailable();
            watermark = startup == null ? -1 : startup.lastIndex();
        }
        Instant settled = Instant.now().minusSeconds(SETTLED_SECONDS);
        // Axon's JDBC engine reads only from its own kind of token (a GlobalSequenceTrackingToken was refused, so every
        // read after the first failed)
        TrackingToken from = watermark < 0 ? null : GapAwareTrackingToken.newInstance(watermark, java.util.Set.of());
        int read = 0;
        int applied = 0;
        long next = watermark;
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(from, false)) {
            Iterator<? extends TrackedEventMessage<?>> it = events.iterator();
            while (it.hasNext() && read < MAX_API_READ) {
                TrackedEventMessage<?> event = it.next();
                read++;
                if (event instanceof DomainEventMessage<?> domain && TokenConfig.handles(domain.getPayloadType())) {
                    config.apply(domain);
                    applied++;
                }
                long index = event.trackingToken().position().orElse(next);
                if (event.getTimestamp().isBefore(settled)) {
                    next = Math.max(next, index);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("catching up the configuration from the event store failed", e);
        }
        watermark = next;
        return applied;
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
