package dev.tally.platform.projection;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Every projection of this service ({@link ProjectionStatusSource} beans, in standalone those of all three services),
 * for {@code /admin/projections}, the health indicator {@code projections} (DOWN while one is failing or stalled,
 * so an orchestrator can alert) and the gauges {@code tally.projection.lag} (events the projection has not applied)
 * and {@code tally.projection.failing} (1 while failing or stalled), each tagged with the projection's name.
 */
public class ProjectionStatuses implements HealthIndicator, SmartInitializingSingleton {
    private final ObjectProvider<ProjectionStatusSource> sources;
    private final ObjectProvider<MeterRegistry> meters;

    public ProjectionStatuses(ObjectProvider<ProjectionStatusSource> sources, ObjectProvider<MeterRegistry> meters) {
        this.sources = sources;
        this.meters = meters;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        sources.orderedStream().forEach(s -> names.addAll(s.projectionNames()));
        return names;
    }

    public List<ProjectionStatus> all() {
        List<ProjectionStatus> all = new ArrayList<>();
        sources.orderedStream().forEach(s -> s.projectionNames().forEach(n -> all.add(s.projectionStatus(n))));
        return all;
    }

    public Optional<ProjectionStatus> find(String name) {
        return sources.orderedStream().filter(s -> s.projectionNames().contains(name)).findFirst()
                .map(s -> s.projectionStatus(name));
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean healthy = true;
        for (ProjectionStatus s : all()) {
            healthy &= !s.unhealthy();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("status", s.status());
            one.put("lag_events", s.lagEvents());
            if (s.failure() != null) {
                one.put("error", s.failure().errorClass());
                one.put("message", s.failure().message());
                one.put("since", String.valueOf(s.failure().since()));
            }
            if (s.stalledSince() != null) {
                one.put("stalled_since", s.stalledSince().toString());
            }
            details.put(s.name(), one);
        }
        return (healthy ? Health.up() : Health.down()).withDetails(details).build();
    }

    @Override
    public void afterSingletonsInstantiated() {
        meters.ifAvailable(registry -> names().forEach(name -> {
            Gauge.builder("tally.projection.lag", () -> find(name).map(s -> (double) s.lagEvents()).orElse(Double.NaN))
                    .tag("name", name)
                    .description("events in the store that the projection has not applied yet")
                    .register(registry);
            Gauge.builder("tally.projection.failing", () -> find(name).map(s -> s.unhealthy() ? 1.0 : 0.0)
                            .orElse(Double.NaN))
                    .tag("name", name)
                    .description("1 while the projection is failing or stalled, else 0")
                    .register(registry);
        }));
    }
}
