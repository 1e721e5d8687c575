package dev.tally.token.view;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Feeds {@link RevocationView}, like the token configuration is fed: at start-up the store is replayed once into
 * both ({@code StartupReplay}), before the server takes requests; afterwards a subscribing processor delivers each new event in the unit of work
 * that appended it, applied once that unit of work has committed. A revocation the management API has answered 2xx
 * for is therefore known to the very next introspection in this process (read your writes).
 *
 * <p>{@code AccessTokenIssued} and {@code AccessTokenRevoked} are plain events, not events of an aggregate, so the
 * handler takes any {@link EventMessage}. The {@code IssuanceLog} publishes them outside a command's unit of work, in
 * its own transaction, and they are applied as soon as they are handed to the store (a revocation whose commit then
 * fails is refused by this process until the token expires: the safe direction). The records of a refresh that ride
 * with its family's command are published in that command's unit of work, and applied after it commits, like the
 * family's own events.
 *
 * <p>Its lag, the time from an event's recording to its application here, is the timer
 * {@value #LAG_METRIC} (at {@code /actuator/metrics/tally.revocation.view.lag}); it measures live delivery only,
 * not the start-up replay. {@value #SIZE_METRIC} is the number of entries the view holds.
 */
@Component
@ProcessingGroup(RevocationViewProjection.GROUP)
public class RevocationViewProjection {
    public static final String GROUP = "revocation-view";
    public static final String LAG_METRIC = "tally.revocation.view.lag";
    public static final String SIZE_METRIC = "tally.revocation.view.entries";
    /** How often, at most, expired entries are dropped (on the next event after this much time). */
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(RevocationViewProjection.class);

    private final RevocationView view;
    private final TokenViewFailures failures;
    private final Clock clock;
    private final Clock recordingClock = Clock.systemUTC();
    private final Timer lag;
    private volatile Instant lastPrune = Instant.MIN;
    private final AfterCommit<EventMessage<?>> afterCommit = new AfterCommit<>(GROUP, this::applyLive);

    public RevocationViewProjection(RevocationView view, Clock clock, ObjectProvider<MeterRegistry> registries,
                                    TokenViewFailures failures) {
        this.view = view;
        this.failures = failures;
        this.clock = clock;
        MeterRegistry registry = registries.getIfAvailable(SimpleMeterRegistry::new);
        this.lag = Timer.builder(LAG_METRIC)
                .description("Time from an event's recording in the store to its application to the revocation view")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Gauge.builder(SIZE_METRIC, view, RevocationView::size)
                .description("Entries held by the revocation view (revoked tokens, sessions, families, not-befores)")
                .register(registry);
    }

    @Autowired
    void configure(EventProcessingConfigurer processing) {
        processing.registerSubscribingEventProcessor(GROUP);
    }

    @EventHandler
    void on(Object payload, EventMessage<?> message) {
        if (!RevocationView.handles(message.getPayloadType())) {
            return;
        }
        afterCommit.queue(message);
    }

    private void applyLive(List<EventMessage<?>> messages) {
        for (EventMessage<?> message : messages) {
            if (applyLogged(message) && message.getTimestamp() != null) {
                // Event timestamps come from Axon's clock (the system's), so the lag is measured on that clock too.
                lag.record(Duration.between(message.getTimestamp(), recordingClock.instant()).abs());
            }
        }
        pruneIfDue();
    }

    private boolean applyLogged(EventMessage<?> message) {
        try {
            return view.apply(message);
        } catch (RuntimeException e) {
            // After commit the event is history; failing to apply it is this view's fault, and must be seen.
            LOG.error("revocation view could not apply {} ({})", message.getPayloadType().getSimpleName(),
                    message.getIdentifier(), e);
            failures.record(TokenViews.REVOCATIONS, message, e);
            return false;
        }
    }

    private void pruneIfDue() {
        Instant now = clock.instant();
        if (lastPrune.plus(PRUNE_INTERVAL).isAfter(now)) {
            return;
        }
        lastPrune = now;
        int dropped = view.prune(now);
        if (dropped > 0) {
            LOG.debug("revocation view dropped {} expired entries", dropped);
        }
    }

    /** An event delivered from the event stream (distributed mode); true if the view took it. */
    public boolean applyDelivered(EventMessage<?> message) {
        if (!RevocationView.handles(message.getPayloadType())) {
            return false;
        }
        applyLive(List.of(message));
        return true;
    }

    /** Start-up: one event of the store's replay ({@code StartupReplay}); true if the view took it. */
    public boolean replay(TrackedEventMessage<?> event) {
        return RevocationView.handles(event.getPayloadType()) && applyLogged(event);
    }

    /** Start-up: the revocation view's entries as a checkpoint holds them ({@link ViewCheckpoints}). */
    void restore(RevocationView.State state) {
        view.restore(state);
    }

    /** Start-up: the replay is over; drops what has expired since. */
    public void replayed() {
        view.prune(clock.instant());
        LOG.info("revocation view holds {} entries after the start-up replay", view.size());
    }
}
