package dev.tally.query.revocation;

import dev.tally.platform.problem.ManagementApi;
import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.query.projection.KnownTenants;
import dev.tally.query.projection.Projections;
import dev.tally.query.web.Params;
import dev.tally.query.web.QueryJson;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /t/{tenant}/revocations?since=&limit=}: the tenant's revocations for resource servers, oldest first
 * after the cursor {@code since}. A resource server keeps {@code next_cursor} and asks again with it as
 * {@code since}: it is the last entry's cursor (or {@code since} again when nothing is new), so polling never
 * starts over. Access tokens that have expired by now are left out; the others stay listed until they expire.
 *
 * <p>The list shows only what the view is complete up to ({@link Projections}): a revocation whose transaction took an
 * earlier place in the store but commits after later ones is listed only once it has, and everything after it waits
 * for it (normally milliseconds). So a cursor, which is always an entry's place, never passes a revocation that is
 * yet to come, and polling with it never misses one.
 */
@RestController
@ManagementApi
@RequestMapping("/t/{tenant}/revocations")
public class RevocationController {
    private final RevocationRepository revocations;
    private final KnownTenants tenants;
    private final Projections projections;
    private final Clock clock;

    public RevocationController(RevocationRepository revocations, KnownTenants tenants, Projections projections,
                                Clock clock) {
        this.revocations = revocations;
        this.tenants = tenants;
        this.projections = projections;
        this.clock = clock;
    }

    @GetMapping
    public ResponseEntity<byte[]> list(@PathVariable String tenant, @RequestParam Map<String, String> query) {
        tenants.require(tenant);
        Params p = Params.of(query, Set.of("since", "limit"));
        int limit = p.limit();
        String sinceText = p.cursor("since");
        long[] since = sinceText == null ? new long[] {0, -1} : parse(sinceText);
        // only what the view is complete up to: a cursor never passes a revocation that has yet to commit
        ProjectionStatus view = projections.status("revocations");
        List<RevocationEntry> page = revocations.after(tenant, since[0], (int) since[1], view.position(), clock.instant(),
                limit + 1);
        boolean more = page.size() > limit;
        if (more) {
            page = page.subList(0, limit);
        }
        ObjectNode body = QueryJson.object();
        ArrayNode list = body.putArray("revocations");
        for (RevocationEntry e : page) {
            list.add(json(e));
        }
        String next = page.isEmpty() ? p.raw("since") : cursor(page.get(page.size() - 1));
        body.put("next_cursor", next);
        body.put("has_more", more);
        return QueryJson.ok(body, view.status());
    }

    static ObjectNode json(RevocationEntry e) {
        ObjectNode n = QueryJson.object();
        n.put("cursor", cursor(e));
        n.put("kind", e.kind());
        switch (e.kind()) {
            case RevocationEntry.JTI -> {
                n.put("jti", e.refId());
                n.put("subject", e.subject());
                n.put("expires_at", QueryJson.text(e.expiresAt()));
            }
            case RevocationEntry.FAMILY -> {
                n.put("family_id", e.refId());
                n.put("subject", e.subject());
            }
            case RevocationEntry.SESSION -> {
                n.put("session_id", e.refId());
                n.put("subject", e.subject());
            }
            case RevocationEntry.SIGNING_KEY -> n.put("kid", e.refId());
            default -> {
                n.put("subject", e.refId());
                n.put("not_before", QueryJson.text(e.notBefore()));
            }
        }
        n.put("revoked_at", QueryJson.text(e.revokedAt()));
        n.put("reason", e.reason());
        if (e.causeKind() == null) {
            n.putNull("cause");
        } else {
            n.putObject("cause").put("kind", e.causeKind()).put("reference", e.causeReference());
        }
        return n;
    }

    static String cursor(RevocationEntry e) {
        return Params.encodeCursor("r" + e.position() + "." + e.ordinal());
    }

    private static long[] parse(String text) {
        int dot = text.indexOf('.');
        if (text.startsWith("r") && dot > 1) {
            try {
                long position = Long.parseLong(text.substring(1, dot));
                long ordinal = Long.parseLong(text.substring(dot + 1));
                if (position >= 0 && ordinal >= 0 && ordinal <= Integer.MAX_VALUE) {
                    return new long[] {position, ordinal};
                }
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw Params.badCursor("since");
    }
}
