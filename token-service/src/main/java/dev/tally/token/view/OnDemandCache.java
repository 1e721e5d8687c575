package dev.tally.token.view;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Aggregates' state read from the event store when a request needs it, kept in a cache bounded by count (the least
 * used leave first; an id that names nothing is kept as "none" too), and evicted by the aggregate's events as they
 * reach the node.
 *
 * <p>A read that raced with a change cannot keep what it read before it: each read notes its stripe's generation
 * before reading the store, puts what it read, and takes it out again if the generation moved meanwhile; an eviction
 * bumps the generation, then evicts. So once an event's eviction has returned, every later lookup sees the store as
 * of that event or later.
 */
final class OnDemandCache<V> {
    private static final int STRIPES = 4096;

    private final Cache<String, Optional<V>> cache;
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
    private final LongAdder storeReads = new LongAdder();

    OnDemandCache(long maximumSize, Duration ttl) {
        // eviction on the calling thread, so the bound holds at every moment, not after a background clean-up
        Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run);
        if (ttl != null && !ttl.isZero()) {
            builder.expireAfterWrite(ttl);
        }
        this.cache = builder.build();
    }

    /** What is kept for this id, else what {@code read} finds in the store (null: nothing). */
    Optional<V> get(String id, Function<String, V> read) {
        Optional<V> kept = cache.getIfPresent(id);
        return kept != null ? kept : read(id, read);
    }

    /** What {@code read} finds in the store now, whatever is kept. */
    Optional<V> read(String id, Function<String, V> read) {
        int stripe = stripe(id);
        long generation = generations.get(stripe);
        storeReads.increment();
        Optional<V> found = Optional.ofNullable(read.apply(id));
        cache.put(id, found);
        if (generations.get(stripe) != generation) {
            // a change reached the node while the store was being read: what was read may predate it
            cache.invalidate(id);
        }
        return found;
    }

    void evict(String id) {
        generations.incrementAndGet(stripe(id));
        cache.invalidate(id);
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    long storeReads() {
        return storeReads.sum();
    }

    private static int stripe(String id) {
        return (id.hashCode() & 0x7fffffff) % STRIPES;
    }
}
