package dev.tally.token.view;

import java.util.HashMap;
import java.util.Map;
import org.axonframework.eventhandling.DomainEventMessage;

/**
 * An in-memory view fed with aggregates' events: reads are lock-free; the rare writes are serialized and skip an event
 * whose aggregate sequence was already applied, so the start-up replay, live delivery and a catch-up may overlap
 * safely.
 */
abstract class SequencedView {
    private final Map<String, Long> appliedSequence = new HashMap<>();

    /** Whether the view cares about an event of this payload type (checked before deserializing it). */
    abstract boolean handlesPayload(Class<?> payloadType);

    abstract void applyPayload(Object event);

    /** Applies one event if it is one of this view's and newer than what the view has of its aggregate. */
    public synchronized void apply(DomainEventMessage<?> message) {
        if (!handlesPayload(message.getPayloadType())) {
            return;
        }
        Long last = appliedSequence.get(message.getAggregateIdentifier());
        if (last != null && message.getSequenceNumber() <= last) {
            return;
        }
        applyPayload(message.getPayload());
        appliedSequence.put(message.getAggregateIdentifier(), message.getSequenceNumber());
    }
}
