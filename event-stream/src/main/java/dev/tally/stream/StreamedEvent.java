package dev.tally.stream;

import dev.tally.kernel.stream.EventTypes;
import java.time.Instant;

/**
 * One event as it travels on the stream: the CloudEvents attributes of its record and its {@code data} (the payload
 * JSON). {@link CloudEventCodec#toMessage} turns it back into an Axon message.
 *
 * @param id                the event's id (the event store's {@code event_identifier}); the same on every delivery
 * @param type              {@code dev.tally.<area>.<EventName>.v<revision>} (see {@link EventTypes})
 * @param tenantId          the tenant the event belongs to
 * @param time              when the event was recorded
 * @param globalIndex       the event's position in the event store
 * @param aggregateType     the aggregate's type (for example {@code Session}); {@code null} for an event recorded
 *                          without an aggregate (issued and revoked tokens)
 * @param aggregateId       the aggregate's id, {@code null} for an event without an aggregate
 * @param aggregateSequence the event's sequence number within its aggregate, {@code null} without an aggregate
 * @param redacted          secret fields (hashes, sealed keys) were removed from {@code data} by the relay
 * @param data              the payload as JSON (UTF-8)
 */
public record StreamedEvent(String id, String type, String tenantId, Instant time, long globalIndex,
                            String aggregateType, String aggregateId, Long aggregateSequence, boolean redacted,
                            byte[] data) {

    /** Whether the event belongs to an aggregate (and so has an id and sequence number within it). */
    public boolean domainEvent() {
        return aggregateId != null;
    }

    /** Whether this version of Tally knows the event's type (a newer producer may publish types it does not). */
    public boolean known() {
        return EventTypes.isKnown(type);
    }

    @Override
    public String toString() {
        return type + " " + id + " (tenant " + tenantId + ", index " + globalIndex
                + (domainEvent() ? ", " + aggregateId + "#" + aggregateSequence : "") + ")";
    }
}
