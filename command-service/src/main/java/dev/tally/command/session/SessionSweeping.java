package dev.tally.command.session;

import dev.tally.command.expiry.ExpirySweep;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Runs {@link SessionSweeper} on Spring's scheduler, every {@code tally.session.sweep-interval}. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(SessionSweepProperties.class)
public class SessionSweeping implements SchedulingConfigurer {
    private final SessionSweeper sweeper;
    private final SessionSweepProperties properties;

    public SessionSweeping(SessionSweeper sweeper, SessionSweepProperties properties) {
        this.sweeper = sweeper;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(ExpirySweep.every(properties.sweepInterval(), SessionSweeper.class, sweeper::sweepOnSchedule));
    }
}
