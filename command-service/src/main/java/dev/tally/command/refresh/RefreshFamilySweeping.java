package dev.tally.command.refresh;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Runs {@link RefreshFamilySweeper} on Spring's scheduler, every {@code tally.refresh.sweep-interval}. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(RefreshSweepProperties.class)
public class RefreshFamilySweeping implements SchedulingConfigurer {
    private final RefreshFamilySweeper sweeper;
    private final RefreshSweepProperties properties;

    public RefreshFamilySweeping(RefreshFamilySweeper sweeper, RefreshSweepProperties properties) {
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
                return RefreshFamilySweeper.class.getName() + ".sweepOnSchedule";
            }
        };
        tasks.addFixedDelayTask(new FixedDelayTask(sweep, properties.sweepInterval(), properties.sweepInterval()));
    }
}
