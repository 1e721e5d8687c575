package dev.tally.command.catalog;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * The catalog is updated by a subscribing processor, in the unit of work (and transaction) that appends the
 * events, and its errors propagate: Axon's default for event handlers is to log and carry on, which would commit
 * events whose catalog write failed.
 */
@Configuration(proxyBeanMethods = false)
public class CatalogProcessing {
    public static final String GROUP = "catalog";

    @Autowired
    void configure(EventProcessingConfigurer processing) {
        processing.registerSubscribingEventProcessor(GROUP)
                .registerListenerInvocationErrorHandler(GROUP, c -> PropagatingErrorHandler.instance());
    }
}
