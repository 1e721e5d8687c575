package dev.tally.platform.axon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;

/**
 * An Axon {@link Cache} that holds at most a fixed number of entries strongly and drops the least recently used one
 * when a new one would exceed it.
 *
 * <p>Axon's {@code WeakReferenceCache} lets the collector decide: every young collection clears it, so the busiest
 * aggregates are read from the store again right after each one, which puts a store read and an aggregate's
 * creation into whichever requests meet a collection. Here an entry leaves only when as many other entries as the
 * capacity were used since it was, or when Axon removes it (a unit of work that rolled back).
 *
 * <p>One lock guards the map; everything under it is a hash lookup or a link change, and the listeners are told
 * after it is released. A dropped entry is reported as expired ({@link EntryListener#onEntryExpired}).
 */
public final class LeastRecentlyUsedCache implements Cache {
    private final int capacity;
    private final Map<Object, Object> entries;
    private final List<EntryListener> listeners = new CopyOnWriteArrayList<>();

    public LeastRecentlyUsedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a cache holds at least one entry, not " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> V get(K key) {
        Object value;
        synchronized (this) {
            value = entries.get(key);
        }
        if (value != null) {
            Object read = value;
            tell(listener -> listener.onEntryRead(key, read));
        }
        return (V) value;
    }

    @Override
    public void put(Object key, Object value) {
        requireValue(value);
        Object previous;
        List<Object> dropped;
        synchronized (this) {
            previous = entries.put(key, value);
            dropped = previous == null ? dropEldest() : List.of();
        }
        if (previous == null) {
            tell(listener -> listener.onEntryCreated(key, value));
        } else {
            tell(listener -> listener.onEntryUpdated(key, value));
        }
        expired(dropped);
    }

    @Override
    public boolean putIfAbsent(Object key, Object value) {
        requireValue(value);
        boolean[] added = {false};
        computeIfAbsent(key, () -> {
            added[0] = true;
            return value;
        });
        return added[0];
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T computeIfAbsent(Object key, Supplier<T> valueSupplier) {
        T value;
        List<Object> dropped;
        synchronized (this) {
            Object present = entries.get(key);
            if (present != null) {
                return (T) present;
            }
            value = valueSupplier.get();
            requireValue(value);
            entries.put(key, value);
            dropped = dropEldest();
        }
        T created = value;
        tell(listener -> listener.onEntryCreated(key, created));
        expired(dropped);
        return value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> void computeIfPresent(Object key, UnaryOperator<V> update) {
        Object updated;
        synchronized (this) {
            Object present = entries.get(key);
            if (present == null) {
                return;
            }
            updated = update.apply((V) present);
            if (updated == null) {
                entries.remove(key);
            } else {
                entries.put(key, updated);
            }
        }
        if (updated == null) {
            tell(listener -> listener.onEntryRemoved(key));
        } else {
            Object value = updated;
            tell(listener -> listener.onEntryUpdated(key, value));
        }
    }

    @Override
    public boolean remove(Object key) {
        boolean removed;
        synchronized (this) {
            removed = entries.remove(key) != null;
        }
        if (removed) {
            tell(listener -> listener.onEntryRemoved(key));
        }
        return removed;
    }

    @Override
    public void removeAll() {
        List<Object> keys;
        synchronized (this) {
            keys = new ArrayList<>(entries.keySet());
            entries.clear();
        }
        for (Object key : keys) {
            tell(listener -> listener.onEntryRemoved(key));
        }
    }

    @Override
    public synchronized boolean containsKey(Object key) {
        return entries.containsKey(key);
    }

    @Override
    public Registration registerCacheEntryListener(EntryListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** How many entries it holds now. */
    public synchronized int size() {
        return entries.size();
    }

    /** Called under the lock, after one entry was added: the keys it dropped to stay within its capacity. */
    private List<Object> dropEldest() {
        if (entries.size() <= capacity) {
            return List.of();
        }
        List<Object> dropped = new ArrayList<>(1);
        var eldest = entries.keySet().iterator();
        while (entries.size() > capacity) {
            dropped.add(eldest.next());
            eldest.remove();
        }
        return dropped;
    }

    private void expired(List<Object> keys) {
        for (Object key : keys) {
            tell(listener -> listener.onEntryExpired(key));
        }
    }

    private void tell(Consumer<EntryListener> event) {
        for (EntryListener listener : listeners) {
            event.accept(listener);
        }
    }

    private static void requireValue(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("a cache holds no null values");
        }
    }
}
