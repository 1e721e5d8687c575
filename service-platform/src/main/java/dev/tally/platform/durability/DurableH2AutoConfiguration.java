package dev.tally.platform.durability;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Durable commits on an embedded H2 file database ({@link EmbeddedH2Durability}), wherever H2 is on the class path
 * (the standalone composition), with the chunk housekeeping H2 no longer does itself ({@link H2Housekeeping}).
 * Publishes how many syncs the commits cost ({@code tally.store.syncs},
 * {@code tally.store.durable.commits}), and a health component that goes DOWN if a sync ever failed.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.h2.jdbc.JdbcConnection")
public class DurableH2AutoConfiguration {

    /** Before any bean opens a file: the data directory, owner-only. */
    @Bean
    public static OwnerOnlyFiles ownerOnlyFiles() {
        return new OwnerOnlyFiles();
    }

    @Bean
    public static EmbeddedH2Durability embeddedH2Durability() {
        return new EmbeddedH2Durability();
    }

    /** H2's chunk housekeeping, which its background writer did before WRITE_DELAY 0 stopped it. */
    @Bean
    public H2Housekeeping h2Housekeeping(ObjectProvider<DataSource> dataSources) {
        return new H2Housekeeping(dataSources.orderedStream().filter(DurableH2DataSource.class::isInstance)
                .map(DurableH2DataSource.class::cast).toList());
    }

    @Bean
    public MeterBinder durableH2Metrics(ObjectProvider<DataSource> dataSources) {
        return registry -> dataSources.orderedStream().forEach(ds -> {
            if (ds instanceof DurableH2DataSource durable) {
                GroupSync sync = durable.groupSync();
                FunctionCounter.builder("tally.store.syncs", sync, GroupSync::syncs)
                        .description("fsyncs of the embedded H2 database file").register(registry);
                FunctionCounter.builder("tally.store.durable.commits", sync, GroupSync::commits)
                        .description("write commits that waited for an fsync of the embedded H2 database file")
                        .register(registry);
            }
        });
    }

    @Bean
    public HealthIndicator durableCommitsHealthIndicator(ObjectProvider<DataSource> dataSources) {
        return () -> {
            boolean failed = dataSources.orderedStream()
                    .anyMatch(ds -> ds instanceof DurableH2DataSource durable && durable.groupSync().failed());
            return failed
                    ? Health.down().withDetail("reason", "an fsync of the database file failed; restart Tally").build()
                    : Health.up().build();
        };
    }
}
