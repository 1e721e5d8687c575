package dev.tally.token.view;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Applies a unit of work's events to an in-memory view once its transaction has committed, in the order they were
 * appended: a rolled-back event is never seen, and the next answer the management API gives already sees the change.
 * One callback per unit of work and view, because Axon runs after-commit handlers in reverse order of registration,
 * which would apply a tenant's key before the tenant. Outside a unit of work an event is applied at once.
 */
final class AfterCommit<M extends EventMessage<?>> {
    private final String resource;
    private final Consumer<List<M>> apply;

    /** @param apply applies events in order; called after the commit with every event the unit of work queued */
    AfterCommit(String name, Consumer<List<M>> apply) {
        this.resource = AfterCommit.class.getName() + "." + name;
        this.apply = apply;
    }

    void queue(M message) {
        if (!CurrentUnitOfWork.isStarted()) {
            apply.accept(List.of(message));
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        List<M> pending = root.getOrComputeResource(resource, key -> {
            List<M> queue = new ArrayList<>();
            root.afterCommit(u -> apply.accept(queue));
            return queue;
        });
        pending.add(message);
    }
}
