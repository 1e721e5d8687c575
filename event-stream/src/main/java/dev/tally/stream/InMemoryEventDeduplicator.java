package dev.tally.stream;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers in memory what was applied, for a view that lives in memory and is rebuilt on each start: for an event of
 * an aggregate, the aggregate's last applied sequence number (the relay never puts a later event of an aggregate on
 * the stream before the first copy of an earlier one, so anything at or below it is a copy); for an event without an
 * aggregate, its id among the last {@code recentIds} such ids (copies come from a retried batch, so they are recent).
 * Memory grows with the number of aggregates. Thread-safe.
 */
public class InMemoryEventDeduplicator implements EventDeduplicator {
    private final Map<String, Long> lastSequence = new HashMap<>();
    private final Map<String, Boolean> recent;

    public InMemoryEventDeduplicator() {
        this(100_000);
    }

    public InMemoryEventDeduplicator(int recentIds) {
        this.recent = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > recentIds;
            }
        };
    }

    @Override
    public synchronized boolean applyOnce(StreamedEvent event, Runnable apply) {
        if (event.domainEvent()) {
            String key = event.tenantId() + "/" + event.aggregateId();
            Long last = lastSequence.get(key);
            if (last != null && event.aggregateSequence() <= last) {
                return false;
            }
            apply.run();
            lastSequence.put(key, event.aggregateSequence());
            return true;
        }
        if (recent.containsKey(event.id())) {
            return false;
        }
        apply.run();
        recent.put(event.id(), Boolean.TRUE);
        return true;
    }
}
