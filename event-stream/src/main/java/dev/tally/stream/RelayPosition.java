package dev.tally.stream;

import dev.tally.platform.projection.TrackingProcessorStatus;
import java.util.List;
import java.util.OptionalLong;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where the relay stands, read from the token store (so every node answers the same, whichever holds the relay's
 * claim), and how far the event store's head is ahead of it: the gauge {@code tally.relay.lag}.
 */
public class RelayPosition {
    private final JdbcTemplate jdbc;
    private final Serializer tokenSerializer;
    private final TrackingProcessorStatus processors;

    /**
     * @param tokenSerializer the serializer of the token store (Axon's general serializer)
     * @param processors      where a tracking processor is complete (for {@link #lag}); null if only
     *                        {@link #position} is asked
     */
    public RelayPosition(JdbcTemplate jdbc, Serializer tokenSerializer, TrackingProcessorStatus processors) {
        this.jdbc = jdbc;
        this.tokenSerializer = tokenSerializer;
        this.processors = processors;
    }

    /**
     * The highest global index the relay has published and committed; empty before the first. An event below it may
     * still be to come (one that commits after events with higher indexes): {@link #lag} counts it.
     */
    public OptionalLong position() {
        List<OptionalLong> positions = jdbc.query(
                "SELECT token, token_type FROM token_entry WHERE processor_name = ? AND segment = 0",
                (rs, i) -> {
                    byte[] data = rs.getBytes("token");
                    String type = rs.getString("token_type");
                    if (data == null || type == null) {
                        return OptionalLong.empty();
                    }
                    TrackingToken token = tokenSerializer.deserialize(
                            new SimpleSerializedObject<>(data, byte[].class, type, null));
                    return token == null ? OptionalLong.empty() : token.position();
                }, KafkaRelay.PROCESSOR);
        return positions.isEmpty() ? OptionalLong.empty() : positions.get(0);
    }

    /** The global index of the newest event in the store, 0 when it is empty. */
    public long head() {
        Long head = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        return head == null ? 0 : head;
    }

    /**
     * Events in the store the relay has not published yet (the whole store before its first batch): from just below
     * the oldest event that is still to come or not yet published, to the head; 0 means every committed event is on
     * the topics.
     */
    public long lag() {
        return Math.max(0, head() - processors.position(KafkaRelay.PROCESSOR, tokenSerializer));
    }
}
