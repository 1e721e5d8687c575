package dev.tally.standalone;

import dev.tally.query.audit.EventFacts;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

/** What the event store itself holds, for tests that hold a view against it. */
final class StoredEvents {
    private StoredEvents() {
    }

    /** The ids of every stored event that names {@code tenant} (what its audit must list, once each). */
    static Set<String> idsOfTenant(EventStorageEngine storage, String tenant) {
        Set<String> ids = new HashSet<>();
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(null, false)) {
            events.forEach(e -> {
                EventFacts facts = EventFacts.of(e.getPayload());
                if (facts != null && tenant.equals(facts.tenantId())) {
                    ids.add(e.getIdentifier());
                }
            });
        }
        return ids;
    }
}
