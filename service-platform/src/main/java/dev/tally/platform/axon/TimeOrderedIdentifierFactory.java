package dev.tally.platform.axon;

import dev.tally.kernel.crypto.TimeOrderedIds;
import org.axonframework.common.IdentifierFactory;

/**
 * The identifiers Axon gives messages, events included ({@code event_identifier} in the store, {@code event_id} in
 * the audit): time-ordered UUIDs ({@link TimeOrderedIds}) instead of random ones, so the unique indexes on them are
 * written at their end rather than at a random page of an index as long as the history. Axon finds it through
 * {@code META-INF/services/org.axonframework.common.IdentifierFactory}; an aggregate's own id is Tally's, not this.
 */
public final class TimeOrderedIdentifierFactory extends IdentifierFactory {

    @Override
    public String generateIdentifier() {
        return TimeOrderedIds.next();
    }
}
