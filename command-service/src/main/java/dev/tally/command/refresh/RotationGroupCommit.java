package dev.tally.command.refresh;

import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.platform.axon.GroupCommitCommandBus;
import java.util.Set;
import org.axonframework.commandhandling.DuplicateCommandHandlerResolver;
import org.axonframework.common.transaction.TransactionManager;
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
        return GroupCommitCommandBus.configuredLikeAxons(transactions, axon, duplicates, Set.of(RotateRefreshToken.class));
    }
}
