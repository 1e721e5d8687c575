package dev.tally.platform.groupcommit;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.tally.platform.axon.GroupCommitCommandBus;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.DuplicateCommandHandlerResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The smallest service that group-commits a command: a ledger aggregate whose {@link Add} is grouped, and a
 * subscribing projection that writes a row per entry in the command's transaction (and refuses the entries of
 * ledgers named {@code poison-…}), the way the command service's catalog does.
 */
@SpringBootApplication
public class GroupCommitTestApplication {

    public record Open(@TargetAggregateIdentifier String ledgerId) {
    }

    /** {@code refuse}: the handler records the entry, then fails. */
    public record Add(@TargetAggregateIdentifier String ledgerId, boolean refuse) {
    }

    public record Opened(String ledgerId) {
    }

    public record Added(String ledgerId, int total) {
    }

    @Bean
    public GroupCommitCommandBus commandBus(TransactionManager transactions,
                                           org.axonframework.config.Configuration axon,
                                           DuplicateCommandHandlerResolver duplicates) {
        return GroupCommitCommandBus.configuredLikeAxons(transactions, axon, duplicates, Set.of(Add.class));
    }

    @Aggregate
    public static class Ledger {
        @AggregateIdentifier
        private String ledgerId;
        private int total;

        protected Ledger() {
        }

        @CommandHandler
        public Ledger(Open command) {
            apply(new Opened(command.ledgerId()));
        }

        @CommandHandler
        int handle(Add command) {
            apply(new Added(ledgerId, total + 1));
            if (command.refuse()) {
                throw new IllegalStateException("refused after recording");
            }
            return total;
        }

        @EventSourcingHandler
        void on(Opened e) {
            this.ledgerId = e.ledgerId();
        }

        @EventSourcingHandler
        void on(Added e) {
            this.total = e.total();
        }
    }

    @Component
    @ProcessingGroup(LedgerRows.GROUP)
    public static class LedgerRows {
        static final String GROUP = "ledger-rows";
        private final JdbcTemplate jdbc;

        public LedgerRows(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
            jdbc.execute("CREATE TABLE IF NOT EXISTS ledger_row (ledger_id VARCHAR(100), total INT, "
                    + "PRIMARY KEY (ledger_id, total))");
        }

        @Autowired
        void configure(EventProcessingConfigurer processing) {
            processing.registerSubscribingEventProcessor(GROUP);
            processing.registerListenerInvocationErrorHandler(GROUP, c -> PropagatingErrorHandler.instance());
        }

        @EventHandler
        void on(Added e) {
            if (e.ledgerId().startsWith("poison-")) {
                throw new IllegalStateException("this projection refuses " + e.ledgerId());
            }
            jdbc.update("INSERT INTO ledger_row (ledger_id, total) VALUES (?, ?)", e.ledgerId(), e.total());
        }
    }
}
