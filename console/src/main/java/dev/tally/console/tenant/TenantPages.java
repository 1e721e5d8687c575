package dev.tally.console.tenant;

import static dev.tally.console.page.Html.esc;

import dev.tally.console.api.AdminApi;
import dev.tally.console.api.ApiRefusal;
import dev.tally.console.page.BadInput;
import dev.tally.console.page.Html;
import dev.tally.console.page.Inputs;
import dev.tally.console.page.Page;
import dev.tally.console.session.ConsoleSession;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;

/**
 * The tenant list (the platform administrator's start), a tenant's home (its settings, APIs, clients, lifetime rules,
 * recent sessions and families, a user found by name, and the ways into the timelines) and the projections' status.
 */
@Controller
@RequestMapping(Page.ROOT)
public class TenantPages {
    static final int RECENT = 20;

    private final AdminApi api;

    public TenantPages(AdminApi api) {
        this.api = api;
    }

    @GetMapping({"", "/"})
    public ResponseEntity<String> start(@RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                        HttpServletRequest request) {
        if (!session.credential().platformAdmin()) {
            return ResponseEntity.status(303).header(HttpHeaders.LOCATION, request.getContextPath() + Page.ROOT
                    + "/tenants/" + Html.segment(session.credential().tenant())).build();
        }
        JsonNode tenants = api.get(request, session.credential(), "/admin/tenants", Map.of());
        Page page = Page.of(request, "Tenants").h1("Tenants");
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode t : tenants) {
            String id = Page.text(t.path("id"));
            rows.add(List.of(page.a(id, "/tenants/" + Html.segment(id)), Page.cell(t.path("name")),
                    Page.cell(t.path("created_at"))));
        }
        return page.table("tenants", List.of("Tenant", "Name", "Created"), rows).ok();
    }

    @GetMapping("/tenants/{tenant}")
    public ResponseEntity<String> home(@PathVariable String tenant,
                                       @RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                       HttpServletRequest request) {
        Inputs.id("tenant", tenant);
        String base = "/admin/tenants/" + Html.segment(tenant);
        JsonNode settings = api.get(request, session.credential(), base, Map.of());
        Page page = Page.of(request, "Tenant " + tenant).tenant(tenant).h1("Tenant " + tenant);
        String home = "/tenants/" + Html.segment(tenant);

        page.html("<form method=\"get\" class=\"inline\" action=\"" + esc(page.href(home + "/find")) + "\">"
                + "<label for=\"kind\">Open the timeline of</label><select id=\"kind\" name=\"kind\">"
                + "<option value=\"families\">refresh token family</option><option value=\"sessions\">session</option>"
                + "<option value=\"users\">user id</option></select>"
                + "<input type=\"text\" id=\"id\" name=\"id\" placeholder=\"id\" required>"
                + "<button type=\"submit\" id=\"open\">Open</button></form>");
        // users are found by name, never listed: a tenant may have millions
        page.html("<form method=\"get\" class=\"inline\" action=\"" + esc(page.href(home + "/users")) + "\">"
                + "<label for=\"username\">A user's timeline, by username</label>"
                + "<input type=\"text\" id=\"username\" name=\"username\" required>"
                + "<button type=\"submit\" id=\"find-user\">Open</button></form>");
        page.html("<form method=\"get\" class=\"inline\" action=\"" + esc(page.href(home + "/tokens")) + "\">"
                + "<label for=\"jti\">A token's lifetime decision, by jti</label>"
                + "<input type=\"text\" id=\"jti\" name=\"jti\" required><button type=\"submit\" id=\"show-token\">Show</button></form>");

        page.h2("Settings").fields(settings);

        page.h2("APIs");
        List<List<String>> apis = new ArrayList<>();
        for (JsonNode a : api.get(request, session.credential(), base + "/apis", Map.of())) {
            apis.add(List.of(Page.cell(a.path("identifier")), Page.cell(a.path("name")), Page.cell(a.path("token_lifetime")),
                    Page.cell(a.path("scopes")), Page.cell(a.path("allow_offline_access"))));
        }
        page.table("apis", List.of("Identifier", "Name", "Token lifetime (s)", "Scopes", "Offline access"), apis);

        page.h2("Clients");
        List<List<String>> clients = new ArrayList<>();
        for (JsonNode c : api.get(request, session.credential(), base + "/clients", Map.of())) {
            String id = Page.text(c.path("client_id"));
            clients.add(List.of(esc(id), Page.cell(c.path("name")), Page.cell(c.path("app_type")),
                    Page.cell(c.path("grant_types")),
                    page.a("explain", home + "/explain?client_id=" + Html.query(id))));
        }
        page.table("clients", List.of("Client id", "Name", "App type", "Grant types", ""), clients);

        page.h2("Lifetime rules");
        List<List<String>> rules = new ArrayList<>();
        for (JsonNode r : api.get(request, session.credential(), base + "/lifetime-rules", Map.of())) {
            rules.add(List.of(Page.cell(r.path("id")), Page.cell(r.path("name")), Page.cell(r.path("priority")),
                    "<code>" + Page.cell(r.path("condition")) + "</code>", Page.cell(r.path("effects"))));
        }
        page.table("rules", List.of("Rule", "Name", "Priority", "Condition", "Effects"), rules);

        page.h2("Recent refresh token families");
        List<List<String>> families = new ArrayList<>();
        JsonNode fs = api.get(request, session.credential(), base + "/refresh-token-families", Map.of("limit", "" + RECENT));
        for (JsonNode f : fs.path("refresh_token_families")) {
            String id = Page.text(f.path("family_id"));
            families.add(List.of(page.a(id, home + "/families/" + Html.segment(id)), Page.cell(f.path("user_id")),
                    Page.cell(f.path("client_id")), Page.cell(f.path("status")), Page.cell(f.path("generation")),
                    Page.cell(f.path("started_at"))));
        }
        page.table("families", List.of("Family", "User", "Client", "Status", "Generation", "Started"), families);

        page.h2("Recent sessions");
        List<List<String>> sessions = new ArrayList<>();
        JsonNode ss = api.get(request, session.credential(), base + "/sessions", Map.of("limit", "" + RECENT));
        for (JsonNode s : ss.path("sessions")) {
            String id = Page.text(s.path("session_id"));
            sessions.add(List.of(page.a(id, home + "/sessions/" + Html.segment(id)), Page.cell(s.path("user_id")),
                    Page.cell(s.path("client_id")), Page.cell(s.path("status")), Page.cell(s.path("started_at"))));
        }
        page.table("sessions", List.of("Session", "User", "Client", "Status", "Started"), sessions);
        return page.ok();
    }

    /** The home page's "open a timeline" form. */
    @GetMapping("/tenants/{tenant}/find")
    public ResponseEntity<String> find(@PathVariable String tenant, @RequestParam String kind,
                                       @RequestParam String id,
                                       HttpServletRequest request) {
        Inputs.id("tenant", tenant);
        if (!List.of("families", "sessions", "users").contains(kind)) {
            throw new BadInput("kind", "must be families, sessions or users");
        }
        Inputs.id("id", id.trim());
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, request.getContextPath() + Page.ROOT
                + "/tenants/" + Html.segment(tenant) + "/" + kind + "/" + Html.segment(id.trim())).build();
    }

    /** The home page's "user by username" form: the user's timeline, or a 404 page. */
    @GetMapping("/tenants/{tenant}/users")
    public ResponseEntity<String> userByName(@PathVariable String tenant,
                                             @RequestParam String username,
                                             @RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                             HttpServletRequest request) {
        Inputs.id("tenant", tenant);
        String name = username.trim();
        if (name.isEmpty() || name.length() > 255) {
            throw new BadInput("username", "must be 1 to 255 characters");
        }
        JsonNode found = api.get(request, session.credential(), "/admin/tenants/" + Html.segment(tenant) + "/users",
                Map.of("username", name));
        if (found.isEmpty()) {
            throw new ApiRefusal(404, "Not Found", "no user named '" + name + "' in tenant '"
                    + tenant + "'");
        }
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, request.getContextPath() + Page.ROOT
                + "/tenants/" + Html.segment(tenant) + "/users/" + Html.segment(Page.text(found.get(0).path("user_id"))))
                .build();
    }

    @GetMapping("/projections")
    public ResponseEntity<String> projections(@RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                              HttpServletRequest request) {
        JsonNode status = api.get(request, session.credential(), "/admin/projections", Map.of());
        Page page = Page.of(request, "Projections").h1("Projections");
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode p : status.path("projections")) {
            String state = Page.text(p.path("status"));
            rows.add(List.of(esc(Page.text(p.path("name"))),
                    "<span class=\"status status-" + esc(state) + "\">" + esc(state) + "</span>",
                    Page.cell(p.path("position")), Page.cell(p.path("head")), Page.cell(p.path("lag_events")),
                    Page.cell(p.path("stalled_since")), Page.cell(p.path("failure"))));
        }
        page.table("projections", List.of("View", "Status", "Position", "Head", "Lag (events)", "Stalled since", "Failure"),
                rows);
        page.note("Position: the place in the event store up to which the view is complete. A view that cannot move "
                + "says so here at once (failing, stalled).");
        return page.ok();
    }
}
