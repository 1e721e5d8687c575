package dev.tally.platform.metrics;

import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.platform.projection.ProjectionStatuses;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Where each view stands, as gauges read from {@link ProjectionStatuses} (the same answer {@code /admin/projections}
 * gives; how a status is decided is that class's business, not this one's):
 * <ul>
 *   <li>{@code tally.projection.position{name}}: the global index up to which the view is complete;</li>
 *   <li>{@code tally.projection.status{name}}: the status as a number, {@code 0} live, {@code 1} catching up,
 *   {@code 2} replaying, {@code 3} stalled, {@code 4} failing ({@code -1} for a status this version does not know),
 *   so one alert rule reads {@code > 2};</li>
 *   <li>{@code tally.projection.state{name,status}}: {@code 1} for the view's current status and {@code 0} for the
 *   others, so a dashboard shows the status by its name.</li>
 * </ul>
 * {@code tally.projection.lag} and {@code tally.projection.failing} are registered beside the statuses themselves.
 * A scrape reads every gauge of every view; the statuses are read once per scrape (a snapshot kept for a second), not
 * once per gauge, as a status may ask the database.
 */
public class ProjectionMeters {
    static final List<String> STATUSES = List.of(ProjectionStatus.LIVE, ProjectionStatus.CATCHING_UP,
            ProjectionStatus.REPLAYING, ProjectionStatus.STALLED, ProjectionStatus.FAILING);
    private static final long SNAPSHOT_NANOS = 1_000_000_000L;

    private final ProjectionStatuses statuses;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Long.MIN_VALUE);

    private record Snapshot(Map<String, ProjectionStatus> byName, long takenAt) {
    }

    public ProjectionMeters(ProjectionStatuses statuses) {
        this.statuses = statuses;
    }

    /** One set of gauges per view this service has (their names are known once every bean exists). */
    public void bindTo(MeterRegistry registry) {
        for (String name : statuses.names()) {
            gauge(registry, "tally.projection.position", name, s -> s.position(),
                    "global index up to which the view has applied every event");
            gauge(registry, "tally.projection.status", name, s -> code(s.status()),
                    "0 live, 1 catching up, 2 replaying, 3 stalled, 4 failing");
            for (String status : STATUSES) {
                Gauge.builder("tally.projection.state", () -> {
                            ProjectionStatus s = current(name);
                            return s == null ? Double.NaN : status.equals(s.status()) ? 1 : 0;
                        })
                        .tag("name", name).tag("status", status)
                        .description("1 for the view's current status, 0 for the others")
                        .register(registry);
            }
        }
    }

    private void gauge(MeterRegistry registry, String metric, String name, ToDoubleFunction<ProjectionStatus> value,
                       String description) {
        Gauge.builder(metric, () -> {
                    ProjectionStatus s = current(name);
                    return s == null ? Double.NaN : value.applyAsDouble(s);
                })
                .tag("name", name)
                .description(description)
                .register(registry);
    }

    /** The status's number: its place in {@link #STATUSES}, {@code -1} if it is none of them. */
    static double code(String status) {
        return STATUSES.indexOf(status);
    }

    /** The view's status from a snapshot at most a second old (an interval, not an expiry: the wall clock is not read). */
    private ProjectionStatus current(String name) {
        Snapshot s = snapshot;
        long now = System.nanoTime();
        if (now - s.takenAt() > SNAPSHOT_NANOS || s.takenAt() == Long.MIN_VALUE) {
            Map<String, ProjectionStatus> byName = new LinkedHashMap<>();
            statuses.all().forEach(p -> byName.put(p.name(), p));
            s = new Snapshot(byName, now);
            snapshot = s;
        }
        return s.byName().get(name);
    }
}
