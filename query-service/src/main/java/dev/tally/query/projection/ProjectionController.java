package dev.tally.query.projection;

import dev.tally.query.web.QueryJson;
import dev.tally.support.problem.ManagementApi;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /admin/projections}: where the query side's projections stand, and their replay. The platform
 * administrator's only (not under a tenant).
 */
@RestController
@ManagementApi
@RequestMapping("/admin/projections")
public class ProjectionController {
    private final Projections projections;

    public ProjectionController(Projections projections) {
        this.projections = projections;
    }

    @GetMapping
    public ResponseEntity<byte[]> list() {
        ObjectNode body = QueryJson.object();
        ArrayNode list = body.putArray("projections");
        projections.names().forEach(name -> list.add(json(projections.status(name))));
        return QueryJson.ok(body, null);
    }

    @GetMapping("/{name}")
    public ResponseEntity<byte[]> one(@PathVariable String name) {
        return QueryJson.ok(json(projections.status(name)), null);
    }

    /** 202: the replay runs in the background; {@code GET /admin/projections/{name}} says when it is live again. */
    @PostMapping("/{name}/replay")
    public ResponseEntity<byte[]> replay(@PathVariable String name) {
        projections.replay(name);
        ObjectNode body = QueryJson.object().put("name", name).put("status", Projections.REPLAYING);
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                .body(QueryJson.MAPPER.writeValueAsBytes(body));
    }

    static ObjectNode json(Projections.Status s) {
        return QueryJson.object().put("name", s.name()).put("status", s.status()).put("position", s.position())
                .put("head", s.head()).put("lag_events", s.lagEvents());
    }
}
