package dev.tally.platform.axon;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventMessage;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The global index of an event: its own place in the store, which is not what a tracking token says. With concurrent
 * writers, indexes commit out of order; a tracking processor then receives an event that fills a gap after events with
 * higher indexes, and its token's {@code position()} answers the highest index seen, not the late event's own. A view
 * keyed by the token's position stored the late event under another event's place (and stopped on the duplicate key).
 *
 * <p>The store's tracking reads ({@link PositionRecordingEventStorageEngine}) remember each event's index here as they
 * read it, so a handler, which runs just after its event was read, finds it without a query; an event no longer
 * remembered (a processor far behind the reads, another node's read) is looked up in the store by its identifier,
 * which the store keeps unique.
 */
public class EventPositions {
    /**
     * Events remembered, the oldest forgotten first: more than a tracking processor reads ahead of its handlers (the
     * store's cache of the newest events, {@code tally.event-store.cached-events}, 1,000 by default, and a batch).
     * Each entry lives until this many later events were read, so under load all of them outlive young collections;
     * 65,536 of them (before) were about 9 MB of a 144 MB heap's live data, and the old generation's churn with it.
     */
    static final int REMEMBERED = 1 << 12;
    private static final int LOOKUP_CHUNK = 500;

    private final JdbcTemplate jdbc;
    private final Map<String, Long> byId = new ConcurrentHashMap<>();
    private final String[] order = new String[REMEMBERED];
    private int next;

    public EventPositions(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Called by the store as it reads an event for a tracking processor. */
    void remember(String eventId, long globalIndex) {
        synchronized (order) {
            String evicted = order[next];
            if (evicted != null) {
                byId.remove(evicted);
            }
            order[next] = eventId;
            next = (next + 1) & (REMEMBERED - 1);
        }
        byId.put(eventId, globalIndex);
    }

    /** The global index of a stored event. */
    public long of(EventMessage<?> event) {
        return of(List.of(event.getIdentifier())).get(event.getIdentifier());
    }

    /**
     * The global indexes of stored events by their identifiers, every one of them present; remembered ones without a
     * query, the others with one query per {@value #LOOKUP_CHUNK}.
     *
     * @throws IllegalStateException if an event is not in the store (it was never appended, or its transaction has
     *                               not committed: neither can be handed to a tracking processor)
     */
    public Map<String, Long> of(Collection<String> eventIds) {
        Map<String, Long> found = new HashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        for (String id : eventIds) {
            Long index = byId.get(id);
            if (index != null) {
                found.put(id, index);
            } else {
                missing.add(id);
            }
        }
        List<String> lookup = new ArrayList<>(missing);
        for (int from = 0; from < lookup.size(); from += LOOKUP_CHUNK) {
            List<String> chunk = lookup.subList(from, Math.min(lookup.size(), from + LOOKUP_CHUNK));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            jdbc.query("SELECT event_identifier, global_index FROM domain_event_entry WHERE event_identifier IN ("
                    + marks + ")", rs -> {
                found.put(rs.getString(1), rs.getLong(2));
            }, chunk.toArray());
        }
        for (String id : eventIds) {
            if (!found.containsKey(id)) {
                throw new IllegalStateException("event " + id + " is not in the event store");
            }
        }
        return found;
    }
}
