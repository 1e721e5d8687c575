package dev.tally.command;

import dev.tally.platform.axon.CommandTargets;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the command service finds the aggregate a command is for: {@link CommandTargets}, which reads each command
 * class's annotations once. Axon's Spring configuration gives the one {@link CommandTargetResolver} bean to every
 * aggregate that names none of its own (none does).
 */
@Configuration(proxyBeanMethods = false)
public class AggregateTargets {

    @Bean
    public CommandTargetResolver commandTargets() {
        return new CommandTargets();
    }
}
