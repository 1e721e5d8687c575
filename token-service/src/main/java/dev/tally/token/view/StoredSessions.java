package dev.tally.token.view;

import dev.tally.kernel.session.SessionEvents.SessionStarted;
import java.util.Optional;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

/**
 * Where {@link LoginSessions} reads a session: the first event of its own stream in the event store (one indexed read
 * by aggregate id, from the storage engine: sessions have no snapshots; the session's later events, one per recorded
 * activity, are not needed to find it).
 */
public class StoredSessions implements LoginSessions.Source {
    private final EventStorageEngine store;

    public StoredSessions(EventStorageEngine store) {
        this.store = store;
    }

    @Override
    public Optional<SessionStarted> started(String sessionId) {
        try {
            DomainEventStream events = store.readEvents(sessionId);
            if (!events.hasNext()) {
                return Optional.empty();
            }
            DomainEventMessage<?> first = events.next();
            return first.getPayload() instanceof SessionStarted started ? Optional.of(started) : Optional.empty();
        } catch (RuntimeException e) {
            throw new StoreUnavailable("a login session could not be read from the event store", e);
        }
    }
}
