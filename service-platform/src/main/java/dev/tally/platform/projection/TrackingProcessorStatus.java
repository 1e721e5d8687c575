package dev.tally.platform.projection;

import dev.tally.platform.axon.StoreGaps;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;
import javax.sql.DataSource;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where a tracking processor over the event store stands, read from the shared token store and failure records
 * rather than from this node's processor, so every node answers the same.
 * <ul>
 *   <li>Its position is the global index up to which it is <em>complete</em>: the processor's highest index, or just
 *       below the oldest gap in its token that may still be filled ({@link StoreGaps}: an event whose transaction has
 *       not committed yet, or has committed and is about to be read).</li>
 *   <li>Its status: {@code failing} while its batches fail ({@link ProcessorFailures}), {@code stalled} while events
 *       wait and it does not move ({@link StallWatch}), {@code replaying} while a replay has not reached the position
 *       it was reset at, {@code catching_up} while it moves but is far behind the head, else {@code live}.</li>
 * </ul>
 */
public class TrackingProcessorStatus {
    private final JdbcTemplate jdbc;
    private final StoreGaps gaps;
    private final ProcessorFailures failures;
    private final StallWatch stalls;

    public TrackingProcessorStatus(DataSource dataSource, StoreGaps gaps, ProcessorFailures failures,
                                   StallWatch stalls) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.gaps = gaps;
        this.failures = failures;
        this.stalls = stalls;
    }

    /**
     * @param name            the API's name of the projection
     * @param processor       the tracking processor's name in the token store
     * @param tokenSerializer the serializer its token store writes with
     */
    public ProjectionStatus status(String name, String processor, Serializer tokenSerializer) {
        long head = head();
        List<TrackingToken> tokens = tokens(processor, tokenSerializer);
        boolean replaying = false;
        for (TrackingToken token : tokens) {
            replaying |= replaying(token);
        }
        long complete = completeThrough(tokens);
        ProjectionStatus.Failure failure = failures.failure(processor).orElse(null);
        Instant stalledSince = stalls.stalledSince(name, complete, head);
        String status = ProjectionStatus.judge(failure, stalledSince, replaying, stalls.farBehind(complete, head));
        return new ProjectionStatus(name, status, complete, head, failure, stalledSince);
    }

    /**
     * The global index up to which the processor is complete, as {@link #status} reports it, without judging its
     * status: for a projection fed by this processor's output (the token service's views, fed by the Kafka relay), which
     * cannot be more complete than what feeds it.
     */
    public long position(String processor, Serializer tokenSerializer) {
        return completeThrough(tokens(processor, tokenSerializer));
    }

    private List<TrackingToken> tokens(String processor, Serializer tokenSerializer) {
        return jdbc.query("SELECT token, token_type FROM token_entry WHERE processor_name = ?",
                (rs, i) -> token(tokenSerializer, rs.getBytes("token"), rs.getString("token_type")), processor);
    }

    /** The least complete segment's position; 0 without any token (the processor has never run). */
    private long completeThrough(List<TrackingToken> tokens) {
        long complete = tokens.isEmpty() ? 0 : Long.MAX_VALUE;
        for (TrackingToken token : tokens) {
            complete = Math.min(complete, completeThrough(token));
        }
        return complete;
    }

    /** The global index of the newest event in the store (0 when it is empty). */
    public long head() {
        Long head = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        return head == null ? 0 : head;
    }

    /** Below the oldest gap of the token that may still be filled, else its highest index; 0 before any event. */
    private long completeThrough(TrackingToken token) {
        TrackingToken current = token instanceof ReplayToken replay ? replay.getCurrentToken() : token;
        if (current == null) {
            return 0;
        }
        if (current instanceof GapAwareTrackingToken gapAware) {
            SortedSet<Long> open = gaps.open(gapAware.getGaps());
            long complete = open.isEmpty() ? gapAware.getIndex() : Math.min(gapAware.getIndex(), open.first() - 1);
            return Math.max(0, complete);
        }
        return Math.max(0, current.position().orElse(0));
    }

    private static TrackingToken token(Serializer serializer, byte[] data, String type) {
        if (data == null || type == null) {
            return null;
        }
        SerializedObject<byte[]> serialized = new SimpleSerializedObject<>(data, byte[].class, type, null);
        return serializer.deserialize(serialized);
    }

    /** A replay token that has not yet caught up with the position its processor was reset at. */
    public static boolean replaying(TrackingToken token) {
        if (!(token instanceof ReplayToken replay)) {
            return false;
        }
        TrackingToken atReset = replay.getTokenAtReset();
        if (atReset == null || atReset.position().isEmpty()) {
            return false;
        }
        TrackingToken current = replay.getCurrentToken();
        return current == null || current.position().isEmpty()
                || current.position().getAsLong() < atReset.position().getAsLong();
    }
}
