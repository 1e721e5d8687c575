package dev.tally.query.projection;

import dev.tally.platform.problem.ManagementApi;
import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.query.web.QueryJson;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /admin/projections/{name}/replay}: rebuilds one of the query side's views from the first event (the
 * platform administrator's only). Where every projection stands is {@code GET /admin/projections} (service-platform).
 */
@RestController
@ManagementApi
@RequestMapping("/admin/projections")
public class ProjectionController {
    private final Projections projections;

    public ProjectionController(Projections projections) {
        this.projections = projections;
    }

    /** 202: the replay runs in the background; {@code GET /admin/projections/{name}} says when it is live again. */
    @PostMapping("/{name}/replay")
    public ResponseEntity<byte[]> replay(@PathVariable String name) {
        projections.replay(name);
        ObjectNode body = QueryJson.object().put("name", name).put("status", ProjectionStatus.REPLAYING);
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                .body(QueryJson.MAPPER.writeValueAsBytes(body));
    }
}
