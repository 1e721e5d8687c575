package dev.tally.command.refresh;

import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.platform.axon.GroupCommitCommandBus;
import java.util.Set;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandBusSpanFactory;
import org.axonframework.commandhandling.DuplicateCommandHandlerResolver;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The command service's command bus: Axon's, configured as Axon's auto-configuration configures it (which then
 * creates none), with the rotations of refresh tokens group-committed ({@link GroupCommitCommandBus}). A rotation is
 * the one command every refreshing client sends and waits for; grouped, the rotations of concurrent requests share one
 * durable commit instead of one each. Every other command keeps a transaction of its own.
 */
@Configuration(proxyBeanMethods = false)
public class RotationGroupCommit {

    @Bean
    public GroupCommitCommandBus commandBus(TransactionManager transactions,
                                           org.axonframework.config.Configuration axon,
                                           DuplicateCommandHandlerResolver duplicates) {
        SimpleCommandBus.Builder local = SimpleCommandBus.builder()
                .duplicateCommandHandlerResolver(duplicates)
                .spanFactory(axon.getComponent(CommandBusSpanFactory.class))
                .messageMonitor(axon.messageMonitor(CommandBus.class, "commandBus"));
        GroupCommitCommandBus bus = new GroupCommitCommandBus(local, transactions, Set.of(RotateRefreshToken.class));
        bus.registerHandlerInterceptor(new CorrelationDataInterceptor<>(axon.correlationDataProviders()));
        return bus;
    }
}
