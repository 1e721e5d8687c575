package dev.tally.bench.store;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * One event to append: a refresh family's ({@code aggregateType} {@code RefreshTokenFamily}, its id, its sequence
 * number) or an issuance record (no aggregate: Axon stores its own id as the aggregate id, sequence 0).
 */
public record SyntheticEvent(String aggregateType, String aggregateId, long sequence, String eventId,
                             String payloadType, String revision, ObjectNode payload, Map<String, String> metaData,
                             Instant timestamp) {
    public boolean domain() {
        return aggregateType != null;
    }
}
