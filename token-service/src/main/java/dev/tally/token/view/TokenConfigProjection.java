package dev.tally.token.view;

import java.util.ArrayList;
import java.util.List;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Feeds {@link TokenConfig}. At start-up the store is replayed once into it ({@link StartupReplay}), before the
 * server takes requests;
 * afterwards a subscribing processor delivers each new event in the unit of work that appended it, applied only
 * once that transaction has committed. So a client the management API has just answered 201 for is known to the
 * very next token request (read your writes), and an event whose transaction rolled back is never seen.
 */
@Component
@ProcessingGroup(TokenConfigProjection.GROUP)
public class TokenConfigProjection {
    public static final String GROUP = "token-config";
    private static final String PENDING = TokenConfigProjection.class.getName() + ".pending";
    private static final Logger LOG = LoggerFactory.getLogger(TokenConfigProjection.class);

    private final TokenConfig config;
    private final TokenViewFailures failures;

    public TokenConfigProjection(TokenConfig config, TokenViewFailures failures) {
        this.config = config;
        this.failures = failures;
    }

    @Autowired
    void configure(EventProcessingConfigurer processing) {
        processing.registerSubscribingEventProcessor(GROUP);
    }

    @EventHandler
    void on(Object payload, DomainEventMessage<?> message) {
        if (!TokenConfig.handles(message.getPayloadType())) {
            return;
        }
        if (!CurrentUnitOfWork.isStarted()) {
            applyLogged(message);
            return;
        }
        // One after-commit callback per unit of work, applying its events in order: Axon runs after-commit
        // handlers in reverse registration order, which would apply a tenant's key before the tenant.
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        List<DomainEventMessage<?>> pending = root.getOrComputeResource(PENDING, key -> {
            List<DomainEventMessage<?>> queue = new ArrayList<>();
            root.afterCommit(u -> queue.forEach(this::applyLogged));
            return queue;
        });
        pending.add(message);
    }

    private void applyLogged(DomainEventMessage<?> message) {
        try {
            config.apply(message);
        } catch (RuntimeException e) {
            // After commit the event is history; failing to apply it is this projection's fault, and must be seen.
            LOG.error("token configuration projection could not apply {} of {}", message.getPayloadType().getSimpleName(),
                    message.getAggregateIdentifier(), e);
            failures.record(TokenViews.CONFIG, message, e);
        }
    }

    /** An event delivered from the event stream (distributed mode) or read by a catch-up; true if it is one for this projection. */
    public boolean applyDelivered(org.axonframework.eventhandling.EventMessage<?> event) {
        if (event instanceof DomainEventMessage<?> domain && TokenConfig.handles(domain.getPayloadType())) {
            applyLogged(domain);
            return true;
        }
        return false;
    }

    /** Start-up: one event of the store's replay ({@link StartupReplay}); true if this projection took it. */
    public boolean replay(TrackedEventMessage<?> event) {
        if (event instanceof DomainEventMessage<?> domain && TokenConfig.handles(domain.getPayloadType())) {
            applyLogged(domain);
            return true;
        }
        return false;
    }
}
