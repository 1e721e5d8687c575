package dev.tally.query.projection;

import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.NotFound;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.OptionalLong;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where each projection stands, read from the shared token store rather than from this node's processor, so every
 * node answers the same: its position (the lowest of its segments), whether it is replaying (a segment's token is a
 * replay token that has not yet reached the position it was reset at), the store's head, and the lag between them.
 * Also resets a projection for a replay, and publishes each lag as the gauge {@code tally.projection.lag}.
 */
@Component
public class Projections {
    private static final Logger LOG = LoggerFactory.getLogger(Projections.class);
    public static final String LIVE = "live";
    public static final String REPLAYING = "replaying";

    /** Where one projection stands; {@code position} and {@code head} are global indexes of the event store. */
    public record Status(String name, String status, long position, long head) {
        public long lagEvents() {
            return Math.max(0, head - position);
        }

        public boolean replaying() {
            return REPLAYING.equals(status);
        }
    }

    private final JdbcTemplate jdbc;
    private final Serializer serializer;
    private final EventProcessingConfiguration processing;

    public Projections(JdbcTemplate jdbc, QueryTokenStore tokens, EventProcessingConfiguration processing,
                       ObjectProvider<MeterRegistry> meters) {
        this.jdbc = jdbc;
        this.serializer = tokens.serializer();
        this.processing = processing;
        meters.ifAvailable(registry -> QueryProcessing.BY_NAME.keySet().forEach(name ->
                Gauge.builder("tally.projection.lag", () -> lagOrNaN(name))
                        .tag("name", name)
                        .description("events in the store that the projection has not processed yet")
                        .register(registry)));
    }

    public List<String> names() {
        return List.copyOf(QueryProcessing.BY_NAME.keySet());
    }

    /** The status of the projection the API calls {@code name}; {@link NotFound} for any other name. */
    public Status status(String name) {
        String processor = processor(name);
        long head = head();
        List<TrackingToken> tokens = jdbc.query("SELECT token, token_type FROM token_entry WHERE processor_name = ?",
                (rs, i) -> token(rs.getBytes("token"), rs.getString("token_type")), processor);
        boolean replaying = false;
        long position = Long.MAX_VALUE;
        for (TrackingToken token : tokens) {
            replaying |= replaying(token);
            OptionalLong p = token == null ? OptionalLong.empty() : token.position();
            position = Math.min(position, p.orElse(0));
        }
        if (tokens.isEmpty()) {
            position = 0;
        }
        return new Status(name, replaying ? REPLAYING : LIVE, position, head);
    }

    public boolean replaying(String name) {
        return status(name).replaying();
    }

    /** The global index of the newest event in the store (0 when it is empty). */
    public long head() {
        Long head = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        return head == null ? 0 : head;
    }

    /**
     * Starts a replay: stops this node's processor, resets its tokens to the start of the store (its reset handlers
     * clear its tables in the same transaction) and starts it again, so it rebuilds from the first event. Refused
     * while it is replaying, and while another node holds one of its segments (that node must release it first).
     */
    public synchronized void replay(String name) {
        String processor = processor(name);
        if (status(name).replaying()) {
            throw new Conflict(null, "projection '" + name + "' is already replaying");
        }
        TrackingEventProcessor tep = processing.eventProcessor(processor, TrackingEventProcessor.class)
                .orElseThrow(() -> new NotFound("projection '" + name + "' does not run on this node"));
        tep.shutDown();
        try {
            tep.resetTokens();
            LOG.info("projection {} reset; replaying from the start of the event store", name);
        } catch (UnableToClaimTokenException e) {
            throw new Conflict(null, "projection '" + name + "' is being processed by another node; stop it there, "
                    + "or replay from that node");
        } finally {
            tep.start();
        }
    }

    private String processor(String name) {
        String processor = name == null ? null : QueryProcessing.BY_NAME.get(name);
        if (processor == null) {
            throw new NotFound("no projection named '" + name + "'; there are " + names());
        }
        return processor;
    }

    private double lagOrNaN(String name) {
        try {
            return status(name).lagEvents();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private TrackingToken token(byte[] data, String type) {
        if (data == null || type == null) {
            return null;
        }
        SerializedObject<byte[]> serialized = new SimpleSerializedObject<>(data, byte[].class, type, null);
        return serializer.deserialize(serialized);
    }

    /** A replay token that has not yet caught up with the position its processor was reset at. */
    static boolean replaying(TrackingToken token) {
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
