package dev.tally.command.tenant;

import dev.tally.command.expiry.ExpirySweep;
import dev.tally.kernel.tenant.TenantCommands.AdvanceSigningKeys;
import java.time.Clock;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Takes due signing-key steps: every {@code tally.signing-keys.sweep-interval} it asks each tenant with a step due
 * ({@link SigningKeySteps}) to advance its keys; the tenant decides. Several nodes may sweep at once: the second
 * finds nothing due, or meets a concurrent append, and neither stops the sweep.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(SigningKeyProperties.class)
public class SigningKeySweeper implements SchedulingConfigurer {
    public static final int BATCH = 200;
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeySweeper.class);

    private final SigningKeySteps steps;
    private final CommandGateway commands;
    private final SigningKeyProperties properties;
    private final Clock clock;

    public SigningKeySweeper(SigningKeySteps steps, CommandGateway commands, SigningKeyProperties properties, Clock clock) {
        this.steps = steps;
        this.commands = commands;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(ExpirySweep.every(properties.sweepInterval(), SigningKeySweeper.class, this::sweepOnSchedule));
    }

    void sweepOnSchedule() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // the step table could not be read (database down?); the next sweep tries again
            LOG.warn("signing-key sweep failed: {}", e.toString());
        }
    }

    /** Asks every tenant with a due step (up to {@link #BATCH}) to advance; returns how many it asked. */
    public int sweep() {
        List<String> due = steps.dueTenants(clock.instant(), BATCH);
        return ExpirySweep.expireEach(due, AdvanceSigningKeys::new, commands, LOG, "tenant's signing keys");
    }
}
