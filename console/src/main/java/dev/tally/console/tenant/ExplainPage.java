package dev.tally.console.tenant;

import static dev.tally.console.page.Html.esc;

import dev.tally.console.api.AdminApi;
import dev.tally.console.page.Html;
import dev.tally.console.page.Inputs;
import dev.tally.console.page.LifetimeTrace;
import dev.tally.console.page.Page;
import dev.tally.console.session.ConsoleSession;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;

/**
 * The explain tool: what lifetime each token of this client, for this API and grant, would get if issued now, and
 * which setting or rule decided it, as the management API's {@code lifetimes/explain} answers (the same engine and
 * views as the token endpoint).
 */
@Controller
public class ExplainPage {
    static final List<String> GRANTS = List.of("client_credentials", "authorization_code", "refresh_token", "password");
    static final List<String> DECISIONS = List.of("access_token", "id_token", "refresh_token", "session_idle_timeout",
            "session_absolute_timeout");

    private final AdminApi api;

    public ExplainPage(AdminApi api) {
        this.api = api;
    }

    @GetMapping(Page.ROOT + "/tenants/{tenant}/explain")
    public ResponseEntity<String> explain(@PathVariable String tenant,
                                          @RequestParam(name = "client_id", required = false) String clientId,
                                          @RequestParam(name = "audience", required = false) String audience,
                                          @RequestParam(name = "grant_type", required = false) String grantType,
                                          @RequestParam(name = "user_id", required = false) String userId,
                                          @RequestParam(name = "scope", required = false) String scope,
                                          @RequestParam(name = "browser_flow", required = false) String browserFlow,
                                          @RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                          HttpServletRequest request) {
        Inputs.id("tenant", tenant);
        String base = "/admin/tenants/" + Html.segment(tenant);
        JsonNode clients = api.get(request, session.credential(), base + "/clients", Map.of());
        JsonNode apis = api.get(request, session.credential(), base + "/apis", Map.of());
        Page page = Page.of(request, "Explain").tenant(tenant).h1("Explain a lifetime");
        page.note("What lifetime each token would get if this client asked now, and which setting or rule decided it.");

        StringBuilder form = new StringBuilder("<form method=\"get\" class=\"stacked\" action=\"")
                .append(esc(page.href("/tenants/" + Html.segment(tenant) + "/explain"))).append("\">")
                .append("<label for=\"client_id\">Client</label><select id=\"client_id\" name=\"client_id\">");
        for (JsonNode c : clients) {
            String id = Page.text(c.path("client_id"));
            form.append(option(id, Page.text(c.path("name")) + " (" + id + ")", id.equals(clientId)));
        }
        form.append("</select><label for=\"audience\">API</label><select id=\"audience\" name=\"audience\">")
                .append(option("", "none (userinfo)", blank(audience)));
        for (JsonNode a : apis) {
            String identifier = Page.text(a.path("identifier"));
            form.append(option(identifier, Page.text(a.path("name")) + " (" + identifier + ")", identifier.equals(audience)));
        }
        form.append("</select><label for=\"grant_type\">Grant</label><select id=\"grant_type\" name=\"grant_type\">");
        for (String g : GRANTS) {
            form.append(option(g, g, g.equals(grantType)));
        }
        form.append("</select><label for=\"user_id\">User id (optional)</label><input type=\"text\" id=\"user_id\" "
                        + "name=\"user_id\" value=\"").append(esc(userId == null ? "" : userId)).append("\">")
                .append("<label for=\"scope\">Scope (optional)</label><input type=\"text\" id=\"scope\" name=\"scope\" value=\"")
                .append(esc(scope == null ? "" : scope)).append("\">")
                .append("<label class=\"check\"><input type=\"checkbox\" id=\"browser_flow\" name=\"browser_flow\" value=\"true\"")
                .append("true".equals(browserFlow) ? " checked" : "").append("> browser flow</label>")
                .append("<button type=\"submit\" id=\"explain\">Explain</button></form>");
        page.html(form.toString());

        if (blank(clientId)) {
            return page.ok();
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", Inputs.id("client_id", clientId));
        query.put("audience", blank(audience) ? null : audience);
        query.put("grant_type", blank(grantType) ? null : grantType);
        query.put("user_id", blank(userId) ? null : Inputs.id("user_id", userId));
        query.put("scope", blank(scope) ? null : scope);
        query.put("browser_flow", "true".equals(browserFlow) ? "true" : null);
        JsonNode explanation = api.get(request, session.credential(), base + "/lifetimes/explain", query);
        page.h2("If issued at " + Page.text(explanation.path("issued_at")));
        page.html("<div class=\"decisions\">");
        for (String name : DECISIONS) {
            JsonNode d = explanation.path(name);
            if (d.isMissingNode() || d.isNull()) {
                continue;
            }
            page.html("<section class=\"decision\" id=\"" + esc(name) + "\"><h3>" + esc(name.replace('_', ' '))
                    + "</h3><p><strong>" + esc(Page.seconds(d.path("lifetime"))) + "</strong>, decided by <strong>"
                    + Page.cell(d.path("decided_by")) + "</strong></p>");
            LifetimeTrace.render(page, d.path("trace"));
            page.html("</section>");
        }
        page.html("</div>");
        return page.ok();
    }

    private static String option(String value, String label, boolean selected) {
        return "<option value=\"" + esc(value) + "\"" + (selected ? " selected" : "") + ">" + esc(label) + "</option>";
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }
}
