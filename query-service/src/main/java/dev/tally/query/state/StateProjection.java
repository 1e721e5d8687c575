package dev.tally.query.state;

import dev.tally.kernel.refresh.RefreshEvents.FamilyEvent;
import dev.tally.kernel.session.SessionEvents.SessionEvent;
import dev.tally.platform.axon.EventPositions;
import dev.tally.query.projection.QueryProcessing;
import dev.tally.query.state.StateRepository.Stored;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;

/**
 * Writes {@code session_view} and {@code refresh_family_view} with {@link SessionState#apply} and
 * {@link FamilyState#apply}. A batch folds its events into the states it touched and writes each once, when it
 * prepares to commit. An event at or below a row's {@code last_position} was applied before (a repeated delivery)
 * and is skipped, so the state never moves twice.
 */
@Component
@ProcessingGroup(QueryProcessing.SESSIONS)
public class StateProjection {
    private static final String PENDING = StateProjection.class.getName() + ".pending";

    private final StateRepository repository;
    private final EventPositions positions;

    public StateProjection(StateRepository repository, EventPositions positions) {
        this.repository = repository;
        this.positions = positions;
    }

    @EventHandler
    void on(SessionEvent event, EventMessage<?> message) {
        long position = positions.of(message);
        update("session:" + event.tenantId() + ":" + event.sessionId(), position,
                () -> repository.session(event.tenantId(), event.sessionId()).orElse(null),
                state -> SessionState.apply((SessionState) state, event));
    }

    @EventHandler
    void on(FamilyEvent event, EventMessage<?> message) {
        long position = positions.of(message);
        update("family:" + event.tenantId() + ":" + event.familyId(), position,
                () -> repository.family(event.tenantId(), event.familyId()).orElse(null),
                state -> FamilyState.apply((FamilyState) state, event));
    }

    @ResetHandler
    void reset() {
        repository.deleteAll();
    }

    /** A state being changed by this batch: as stored before it, and as it is now. */
    private static final class Pending {
        final boolean stored;
        Object state;
        long lastPosition;
        boolean dirty;

        Pending(Stored<?> stored) {
            this.stored = stored != null;
            this.state = stored == null ? null : stored.state();
            this.lastPosition = stored == null ? -1 : stored.lastPosition();
        }
    }

    private void update(String key, long position, java.util.function.Supplier<Stored<?>> load,
                        UnaryOperator<Object> apply) {
        Map<String, Pending> batch = batch();
        Pending p = batch.computeIfAbsent(key, k -> new Pending(load.get()));
        if (position <= p.lastPosition) {
            return;
        }
        Object next = apply.apply(p.state);
        p.lastPosition = position;
        if (next != null) {
            p.state = next;
            p.dirty = true;
        }
        if (!CurrentUnitOfWork.isStarted()) {
            flush(Map.of(key, p));
        }
    }

    private Map<String, Pending> batch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new LinkedHashMap<>();
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        return root.getOrComputeResource(PENDING, k -> {
            Map<String, Pending> states = new LinkedHashMap<>();
            root.onPrepareCommit(u -> flush(states));
            return states;
        });
    }

    private void flush(Map<String, Pending> states) {
        for (Pending p : states.values()) {
            if (!p.dirty) {
                continue;
            }
            if (p.state instanceof SessionState s) {
                repository.saveSession(s, p.lastPosition, p.stored);
            } else if (p.state instanceof FamilyState f) {
                repository.saveFamily(f, p.lastPosition, p.stored);
            }
        }
    }
}
