package dev.tally.query.audit;

import dev.tally.platform.axon.EventPositions;
import dev.tally.query.projection.QueryProcessing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;

/**
 * Writes {@code audit_event}: one row per event that names a tenant. The rows of a processor batch are collected in
 * its unit of work and written with one JDBC batch when it prepares to commit, in the transaction that also stores
 * the processor's token.
 */
@Component
@ProcessingGroup(QueryProcessing.AUDIT)
public class AuditProjection {
    private static final String PENDING = AuditProjection.class.getName() + ".pending";

    private final AuditRepository repository;
    private final EventPositions positions;

    public AuditProjection(AuditRepository repository, EventPositions positions) {
        this.repository = repository;
        this.positions = positions;
    }

    @EventHandler
    void on(Object payload, EventMessage<?> message) {
        EventFacts facts = EventFacts.of(payload);
        if (facts == null) {
            return;
        }
        AuditRow row = row(facts, payload, message, positions.of(message));
        if (!CurrentUnitOfWork.isStarted()) {
            repository.insertAll(java.util.List.of(row));
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        Map<String, AuditRow> pending = root.getOrComputeResource(PENDING, key -> {
            Map<String, AuditRow> rows = new LinkedHashMap<>();
            root.onPrepareCommit(u -> repository.insertAll(new ArrayList<>(rows.values())));
            return rows;
        });
        // Within one batch a repeated event is dropped here; across batches, by the insert itself.
        pending.putIfAbsent(row.eventId(), row);
    }

    @ResetHandler
    void reset() {
        repository.deleteAll();
    }

    /** The audit row of an event that names a tenant ({@code facts}). */
    static AuditRow row(EventFacts facts, Object payload, EventMessage<?> message, long position) {
        return new AuditRow(facts.tenantId(), position, message.getIdentifier(), payload.getClass().getSimpleName(),
                facts.occurredAt() != null ? facts.occurredAt() : message.getTimestamp(), facts.userId(),
                facts.clientId(), facts.sessionId(), facts.familyId(), facts.jti(), EventDetails.json(payload));
    }
}
