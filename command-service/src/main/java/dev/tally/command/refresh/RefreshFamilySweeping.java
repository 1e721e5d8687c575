package dev.tally.command.refresh;

import dev.tally.command.expiry.ExpirySweep;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
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
        tasks.addFixedDelayTask(ExpirySweep.every(properties.sweepInterval(), RefreshFamilySweeper.class, sweeper::sweepOnSchedule));
    }
}
