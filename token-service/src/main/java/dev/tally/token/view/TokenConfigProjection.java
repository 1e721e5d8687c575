package dev.tally.token.view;

import java.util.List;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Feeds the views of aggregates' state the token path reads: the configuration ({@link TokenConfig}) and the live
 * login sessions ({@link LoginSessions}); and tells the users' cache ({@link Users}, read from the store on demand)
 * which user changed. At start-up the store is replayed once into
 * them ({@link StartupReplay}), before the server takes requests; afterwards a subscribing processor delivers each new
 * event in the unit of work that appended it, applied only once that transaction has committed. So a client the
 * management API has just answered 201 for is known to the very next token request (read your writes), and an event
 * whose transaction rolled back is never seen.
 */
@Component
@ProcessingGroup(TokenConfigProjection.GROUP)
public class TokenConfigProjection {
    public static final String GROUP = "token-config";
    private static final Logger LOG = LoggerFactory.getLogger(TokenConfigProjection.class);

    private final TokenConfig config;
    private final List<SequencedView> views;
    private final Users users;
    private final TokenViewFailures failures;
    private final AfterCommit<DomainEventMessage<?>> afterCommit =
            new AfterCommit<>(GROUP, messages -> messages.forEach(this::applyLogged));

    public TokenConfigProjection(TokenConfig config, Users users, LoginSessions sessions, TokenViewFailures failures) {
        this.config = config;
        this.views = List.of(config, sessions);
        this.users = users;
        this.failures = failures;
    }

    /** Whether one of these views cares about an event of this payload type (checked before deserializing it). */
    public static boolean handles(Class<?> payloadType) {
        return holdsState(payloadType) || Users.handles(payloadType);
    }

    /**
     * Whether the views' state follows from events of this payload type: the events a checkpoint keeps. A user event
     * only evicts a cached user, so a start needs none.
     */
    public static boolean holdsState(Class<?> payloadType) {
        return TokenConfig.handles(payloadType) || LoginSessions.handles(payloadType);
    }

    /**
     * Whether the views' state follows from this event: of a type that {@link #holdsState holds state}, and for a
     * login session, one the views hold (started before session ids followed cookies).
     */
    public static boolean holdsState(DomainEventMessage<?> event) {
        return holdsState(event.getPayloadType())
                && (!LoginSessions.handles(event.getPayloadType()) || LoginSessions.held(event));
    }

    @Autowired
    void configure(EventProcessingConfigurer processing) {
        processing.registerSubscribingEventProcessor(GROUP);
    }

    @EventHandler
    void on(Object payload, DomainEventMessage<?> message) {
        if (handles(message.getPayloadType())) {
            afterCommit.queue(message);
        }
    }

    private void applyLogged(DomainEventMessage<?> message) {
        try {
            for (SequencedView view : views) {
                view.apply(message);
            }
            users.apply(message);
        } catch (RuntimeException e) {
            // After commit the event is history; failing to apply it is this projection's fault, and must be seen.
            LOG.error("token configuration projection could not apply {} of {}", message.getPayloadType().getSimpleName(),
                    message.getAggregateIdentifier(), e);
            failures.record(TokenViews.CONFIG, message, e);
        }
    }

    /** The start-up replay begins ({@link StartupReplay}). */
    void replayStarted() {
        config.replayStarted();
    }

    /** The start-up replay is done: throws, so the service does not start, if a key a tenant needs cannot be opened. */
    void replayFinished() {
        config.replayFinished();
    }

    /**
     * An event delivered from the event stream (distributed mode), read by a catch-up, or replayed at start-up; true
     * if it is one of these views'.
     */
    public boolean apply(EventMessage<?> event) {
        if (event instanceof DomainEventMessage<?> domain && handles(domain.getPayloadType())) {
            applyLogged(domain);
            return true;
        }
        return false;
    }
}
