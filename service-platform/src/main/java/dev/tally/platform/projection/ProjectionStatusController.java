package dev.tally.platform.projection;

import dev.tally.kernel.problem.NotFound;
import dev.tally.platform.problem.ManagementApi;
import java.time.Instant;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /admin/projections[/{name}]}: every projection this service runs and where it stands (the platform
 * administrator's only). The query side adds {@code POST /admin/projections/{name}/replay} for its views.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/projections")
public class ProjectionStatusController {
    private final ProjectionStatuses statuses;

    public ProjectionStatusController(ProjectionStatuses statuses) {
        this.statuses = statuses;
    }

    /** The JSON form: snake_case, and absent members left out. */
    public record Json(String name, String status, long position, long head, long lagEvents, FailureJson failure,
                       Instant stalledSince) {
        static Json of(ProjectionStatus s) {
            return new Json(s.name(), s.status(), s.position(), s.head(), s.lagEvents(),
                    s.failure() == null ? null : FailureJson.of(s.failure()), s.stalledSince());
        }
    }

    public record FailureJson(String error, String message, Long position, Instant since, Instant lastAttemptAt,
                              long attempts) {
        static FailureJson of(ProjectionStatus.Failure f) {
            return new FailureJson(f.errorClass(), f.message(), f.position(), f.since(), f.lastAttempt(), f.attempts());
        }
    }

    public record ListJson(List<Json> projections) {
    }

    @GetMapping
    public ResponseEntity<ListJson> list() {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .body(new ListJson(statuses.all().stream().map(Json::of).toList()));
    }

    @GetMapping("/{name}")
    public ResponseEntity<Json> one(@PathVariable String name) {
        ProjectionStatus status = statuses.find(name)
                .orElseThrow(() -> new NotFound("no projection named '" + name + "'; there are " + statuses.names()));
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(Json.of(status));
    }
}
