package dev.tally.platform.axon;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.tally.testsupport.PoolOwnership;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Service-support's Axon wiring on a pool watched by {@link PoolOwnership}, with the smallest things that use it the
 * way the services do: an event-sourced aggregate behind the command bus, and a tracking processor that keeps its
 * position in the JDBC token store.
 */
@SpringBootApplication
public class ConnectionsTestApplication {

    @Bean
    static BeanPostProcessor watchThePool() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource pool && name.equals("dataSource") ? PoolOwnership.watch(pool) : bean;
            }
        };
    }

    public record StartCounter(@TargetAggregateIdentifier String counterId) {
    }

    public record Count(@TargetAggregateIdentifier String counterId) {
    }

    public record CounterStarted(String counterId) {
    }

    public record Counted(String counterId, int count) {
    }

    /** Appended outside any aggregate, the way the issuance log records issued tokens. */
    public record Noted(String note) {
    }

    @Aggregate
    public static class Counter {
        @AggregateIdentifier
        private String counterId;
        private int count;

        protected Counter() {
        }

        @CommandHandler
        public Counter(StartCounter command) {
            apply(new CounterStarted(command.counterId()));
        }

        @CommandHandler
        void handle(Count command) {
            apply(new Counted(counterId, count + 1));
        }

        @EventSourcingHandler
        void on(CounterStarted e) {
            this.counterId = e.counterId();
        }

        @EventSourcingHandler
        void on(Counted e) {
            this.count = e.count();
        }
    }

    /**
     * A tracking processor, configured like the services' (from the store's tail; Axon's default would start from a
     * replay token, which the Jackson 3 serializer of the default token store cannot read back): its batches and its
     * token store run in units of work of their own.
     */
    @Component
    @ProcessingGroup(Tracker.GROUP)
    public static class Tracker {
        static final String GROUP = "connections-test";
        final AtomicInteger handled = new AtomicInteger();
        final AtomicInteger outsideTransactions = new AtomicInteger();

        @Autowired
        void configure(EventProcessingConfigurer processing) {
            processing.registerTrackingEventProcessor(GROUP, c -> c.eventStore(),
                    c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                            .andInitialTrackingToken(StreamableMessageSource::createTailToken));
        }

        @EventHandler
        void on(Object event) {
            if (!TransactionSynchronizationManager.isActualTransactionActive()) {
                outsideTransactions.incrementAndGet();
            }
            handled.incrementAndGet();
        }
    }
}
