package dev.tally.console.history;

import static dev.tally.console.page.Html.esc;

import dev.tally.console.page.Html;
import dev.tally.console.page.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Audited events as a table: when (with a link that travels to that instant), what, who and which session, family
 * and token it concerned, and the event's details as the audit keeps them (secrets already removed there).
 */
final class Timeline {
    private Timeline() {
    }

    /** The events up to {@code asOf} (all when null), in the order given. */
    static List<JsonNode> upTo(JsonNode events, Instant asOf) {
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode e : events) {
            if (asOf == null || !Instant.parse(e.path("occurred_at").asString()).isAfter(asOf)) {
                kept.add(e);
            }
        }
        return kept;
    }

    /** @param self the console path of the page showing it, to which "as of" links add {@code ?as_of=} */
    static void render(Page page, String tenant, List<JsonNode> events, String self) {
        String home = "/tenants/" + Html.segment(tenant);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : events) {
            String at = Page.text(e.path("occurred_at"));
            List<String> cells = new ArrayList<>();
            cells.add(self == null ? esc(at) : "<a class=\"as-of\" href=\"" + esc(page.href(self + "?as_of=" + Html.query(at)))
                    + "\" title=\"as of this event\">" + esc(at) + "</a>");
            cells.add("<span class=\"type\">" + Page.cell(e.path("type")) + "</span>");
            cells.add(link(page, e.path("user_id"), home + "/users/"));
            cells.add(Page.cell(e.path("client_id")));
            cells.add(link(page, e.path("session_id"), home + "/sessions/"));
            cells.add(link(page, e.path("family_id"), home + "/families/"));
            JsonNode jti = e.path("jti");
            cells.add(jti.isString()
                    ? "<a href=\"" + esc(page.href(home + "/tokens?jti=" + Html.query(jti.asString()))) + "\">"
                    + esc(jti.asString()) + "</a>" : "—");
            cells.add("<details><summary>details</summary><pre>" + Page.cell(e.path("details")) + "</pre></details>");
            rows.add(cells);
        }
        page.table("timeline", List.of("When (UTC)", "Event", "User", "Client", "Session", "Family", "Token (jti)", ""),
                rows);
    }

    private static String link(Page page, JsonNode id, String prefix) {
        if (!id.isString()) {
            return "—";
        }
        return page.a(id.asString(), prefix + Html.segment(id.asString()));
    }
}
