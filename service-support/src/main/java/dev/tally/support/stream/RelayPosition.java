package dev.tally.support.stream;

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

    /** @param tokenSerializer the serializer of the token store (Axon's general serializer) */
    public RelayPosition(JdbcTemplate jdbc, Serializer tokenSerializer) {
        this.jdbc = jdbc;
        this.tokenSerializer = tokenSerializer;
    }

    /** The global index of the last event the relay has published and committed; empty before the first. */
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

    /** Events in the store the relay has not published yet (the whole store before its first batch). */
    public long lag() {
        long head = head();
        OptionalLong position = position();
        return Math.max(0, head - (position.isPresent() ? position.getAsLong() : 0));
    }
}
