package dev.tally.command.session;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
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
        Runnable sweep = new Runnable() {
            @Override
            public void run() {
                sweeper.sweepOnSchedule();
            }

            /** Named as Spring names a {@code @Scheduled} method, in its logs and its list of scheduled tasks. */
            @Override
            public String toString() {
                return SessionSweeper.class.getName() + ".sweepOnSchedule";
            }
        };
        tasks.addFixedDelayTask(new FixedDelayTask(sweep, properties.sweepInterval(), properties.sweepInterval()));
    }
}
