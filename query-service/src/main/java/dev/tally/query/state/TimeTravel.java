package dev.tally.query.state;

import dev.tally.kernel.refresh.RefreshEvents.FamilyEvent;
import dev.tally.kernel.session.SessionEvents.SessionEvent;
import dev.tally.query.audit.EventFacts;
import java.time.Instant;
import java.util.Optional;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

/**
 * A session or family as it was at an instant, rebuilt from its own events in the event store (never from a view)
 * with the same folding as the projection: only events whose payload instant is at or before the instant count,
 * and a deadline passed by then shows as an expiry. Read from sequence 0, so a snapshot, if ever taken, is not used.
 */
@Component
public class TimeTravel {
    private final EventStore eventStore;

    public TimeTravel(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    /** Empty if the session did not exist yet at {@code at}, or is not the tenant's. */
    public Optional<SessionState> session(String tenantId, String sessionId, Instant at) {
        SessionState state = null;
        DomainEventStream events = eventStore.readEvents(sessionId, 0);
        while (events.hasNext()) {
            DomainEventMessage<?> m = events.next();
            if (m.getPayload() instanceof SessionEvent e && !happenedAfter(e, m, at)) {
                state = SessionState.apply(state, e);
            }
        }
        return Optional.ofNullable(state).filter(s -> s.tenantId().equals(tenantId)).map(s -> s.asOf(at));
    }

    public Optional<FamilyState> family(String tenantId, String familyId, Instant at) {
        FamilyState state = null;
        DomainEventStream events = eventStore.readEvents(familyId, 0);
        while (events.hasNext()) {
            DomainEventMessage<?> m = events.next();
            if (m.getPayload() instanceof FamilyEvent e && !happenedAfter(e, m, at)) {
                state = FamilyState.apply(state, e);
            }
        }
        return Optional.ofNullable(state).filter(f -> f.tenantId().equals(tenantId)).map(f -> f.asOf(at));
    }

    private static boolean happenedAfter(Object payload, DomainEventMessage<?> message, Instant at) {
        return EventFacts.occurredAt(payload, message.getTimestamp()).isAfter(at);
    }
}
