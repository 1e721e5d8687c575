package dev.tally.query.projection;

import dev.tally.platform.axon.PacedEventSource;
import dev.tally.platform.projection.ProcessorFailures;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * The query side's three projections, each a tracking processor over the event store whose position is kept in the
 * token store ({@code token_entry}) that service-platform wires: the processor's batch, its view rows and its token
 * commit in one transaction, so each event is applied exactly once per view. Several nodes share the work through
 * the token claims; nothing here assumes one node.
 *
 * <p>The processors are named {@code query-audit}, {@code query-sessions} and {@code query-revocations}, so they
 * cannot meet another module's processing group in one JVM; the API names them {@code audit}, {@code sessions},
 * {@code revocations}.
 *
 * <p>Each reads the store through a {@link PacedEventSource}: at the head of a busy store a batch starts at most once
 * per {@code tally.query.batch-interval}, so a view commits once for the events of that interval, not once for every
 * few of them.
 *
 * <p>A handler's failure propagates: the batch rolls back, its token stays, and the processor retries it (Axon's
 * default would log the failure and move past the event, leaving a hole in the view). Each failure is recorded
 * ({@link ProcessorFailures}), so the projection reports {@code failing} until a batch commits again.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QueryProperties.class)
public class QueryProcessing {
    public static final String AUDIT = "query-audit";
    public static final String SESSIONS = "query-sessions";
    public static final String REVOCATIONS = "query-revocations";

    /** The API's names of the processors, in order. */
    public static final Map<String, String> BY_NAME;

    static {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("audit", AUDIT);
        names.put("sessions", SESSIONS);
        names.put("revocations", REVOCATIONS);
        BY_NAME = java.util.Collections.unmodifiableMap(names);
    }

    @Autowired
    void configure(EventProcessingConfigurer processing, QueryTokenStore tokens, ProcessorFailures failures,
                   QueryProperties properties) {
        for (String processor : BY_NAME.values()) {
            processing.registerTokenStore(processor, c -> tokens.tokenStore());
            processing.registerTrackingEventProcessor(processor,
                    c -> new PacedEventSource(c.eventStore(), properties.batchInterval()),
                    c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                            .andBatchSize(properties.batchSizeOf(processor))
                            .andInitialTrackingToken(StreamableMessageSource::createTailToken));
            processing.registerListenerInvocationErrorHandler(processor, c -> PropagatingErrorHandler.instance());
            failures.watch(processing, processor);
        }
    }
}
