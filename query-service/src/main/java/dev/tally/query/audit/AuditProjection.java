package dev.tally.query.audit;

import dev.tally.kernel.tenant.TenantEvents.IssuanceRecordsPruned;
import dev.tally.platform.axon.EventPositions;
import dev.tally.query.projection.QueryProcessing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * the processor's token. An {@code IssuanceRecordsPruned} also removes the rows of the records it pruned: the view
 * holds what the store holds, and the pruning's own row says where the records went.
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
        IssuanceRecordsPruned pruned = payload instanceof IssuanceRecordsPruned p ? p : null;
        if (!CurrentUnitOfWork.isStarted()) {
            repository.insertAll(java.util.List.of(row));
            if (pruned != null) {
                repository.deletePruned(pruned);
            }
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        Pending pending = root.getOrComputeResource(PENDING, key -> {
            Pending batch = new Pending(new LinkedHashMap<>(), new ArrayList<>());
            root.onPrepareCommit(u -> {
                repository.insertAll(new ArrayList<>(batch.rows().values()));
                // after the inserts: a pruning drops rows of its tenant, whichever batch brought them
                batch.prunings().forEach(repository::deletePruned);
            });
            return batch;
        });
        // Within one batch a repeated event is dropped here; across batches, by the insert itself.
        pending.rows().putIfAbsent(row.eventId(), row);
        if (pruned != null) {
            pending.prunings().add(pruned);
        }
    }

    private record Pending(Map<String, AuditRow> rows, List<IssuanceRecordsPruned> prunings) {
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
