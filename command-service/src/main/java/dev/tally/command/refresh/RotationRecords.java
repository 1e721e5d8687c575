package dev.tally.command.refresh;

import dev.tally.kernel.refresh.RefreshCommands.IssuanceRecords;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.stereotype.Component;

/**
 * Appends the issuance records that ride with a granted use of a refresh token, or with the start of its family
 * ({@link IssuanceRecords}), to the unit of work that records the family's decision, so both are committed together.
 * They are plain events, as the token service's own issuance log appends them, not events of the family: a family's
 * history holds its decisions, and the records stay subject to the tenant's retention like every other issuance
 * record.
 */
@Component
public class RotationRecords {
    private final EventStore events;

    public RotationRecords(EventStore events) {
        this.events = events;
    }

    /** Stages the records in the current unit of work; only a command handler may call this. */
    void append(IssuanceRecords issued) {
        if (!CurrentUnitOfWork.isStarted()) {
            // outside a unit of work the store would commit them at once, whatever the decision's fate
            throw new IllegalStateException("issuance records ride with a decision, inside its unit of work");
        }
        events.publish(issued.events().stream().map(GenericEventMessage::asEventMessage).toList());
    }
}
