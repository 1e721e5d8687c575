package dev.tally.platform.projection;

import dev.tally.platform.axon.AxonJdbcAutoConfiguration;
import dev.tally.platform.axon.EventPositions;
import dev.tally.platform.axon.StoreGaps;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.axonframework.config.EventProcessingConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** How every service reports its projections: failures, stalls, the list, the health indicator and the gauges. */
@AutoConfiguration(after = AxonJdbcAutoConfiguration.class)
@EnableConfigurationProperties(ProjectionProperties.class)
public class ProjectionStatusAutoConfiguration {

    @Bean
    public ProcessorFailures processorFailures(DataSource dataSource, Clock clock, EventPositions positions,
                                               ObjectProvider<EventProcessingConfiguration> processing) {
        return new ProcessorFailures(dataSource, clock, positions, processing);
    }

    @Bean
    public StallWatch stallWatch(ProjectionProperties properties, Clock clock) {
        return new StallWatch(properties.stallAfter(), properties.catchingUpLag(), clock);
    }

    @Bean
    public TrackingProcessorStatus trackingProcessorStatus(DataSource dataSource, StoreGaps gaps,
                                                           ProcessorFailures failures, StallWatch stalls) {
        return new TrackingProcessorStatus(dataSource, gaps, failures, stalls);
    }

    /** Also the health indicator {@code projections}. */
    @Bean
    public ProjectionStatuses projectionsHealthIndicator(ObjectProvider<ProjectionStatusSource> sources,
                                                         ObjectProvider<MeterRegistry> meters) {
        return new ProjectionStatuses(sources, meters);
    }

    @Bean
    public ProjectionStatusController projectionStatusController(ProjectionStatuses statuses) {
        return new ProjectionStatusController(statuses);
    }
}
