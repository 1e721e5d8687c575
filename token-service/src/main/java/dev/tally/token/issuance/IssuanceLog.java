package dev.tally.token.issuance;

import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends the record of an issued token to the event store before the token is handed out: a token the history
 * does not know about never leaves Tally.
 */
@Component
public class IssuanceLog {
    private final EventStore eventStore;
    private final TransactionTemplate transactions;

    public IssuanceLog(EventStore eventStore, TransactionTemplate transactions) {
        this.eventStore = eventStore;
        this.transactions = transactions;
    }

    public void record(AccessTokenIssued issued) {
        transactions.executeWithoutResult(status -> eventStore.publish(GenericEventMessage.asEventMessage(issued)));
    }
}
