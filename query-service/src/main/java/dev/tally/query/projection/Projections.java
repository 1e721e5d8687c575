package dev.tally.query.projection;

import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.NotFound;
import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.platform.projection.ProjectionStatusSource;
import dev.tally.platform.projection.TrackingProcessorStatus;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The query side's projections as {@code /admin/projections}, the health indicator and every query answer report
 * them ({@link TrackingProcessorStatus}: the position a view is complete up to, and whether it is live, replaying,
 * stalled or failing), and their replay.
 */
@Component
@Order(1)
public class Projections implements ProjectionStatusSource {
    private static final Logger LOG = LoggerFactory.getLogger(Projections.class);

    private final Serializer tokenSerializer;
    private final EventProcessingConfiguration processing;
    private final TrackingProcessorStatus processors;

    public Projections(QueryTokenStore tokens, EventProcessingConfiguration processing,
                       TrackingProcessorStatus processors) {
        this.tokenSerializer = tokens.serializer();
        this.processing = processing;
        this.processors = processors;
    }

    @Override
    public List<String> projectionNames() {
        return List.copyOf(QueryProcessing.BY_NAME.keySet());
    }

    @Override
    public ProjectionStatus projectionStatus(String name) {
        return status(name);
    }

    /** The status of the projection the API calls {@code name}; {@link NotFound} for any other name. */
    public ProjectionStatus status(String name) {
        return processors.status(name, processor(name), tokenSerializer);
    }

    /** The global index of the newest event in the store (0 when it is empty). */
    public long head() {
        return processors.head();
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
            throw new NotFound("no projection named '" + name + "'; there are " + projectionNames());
        }
        return processor;
    }
}
