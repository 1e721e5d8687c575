package dev.tally.console.page;

import static dev.tally.console.page.Html.esc;

import dev.tally.console.session.ConsoleSession;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/**
 * One console page: the frame (viewport, the stylesheet, who is signed in, the navigation, sign-out) around a body
 * built from escaped parts. Methods taking {@code text} escape it; those taking {@code html} take markup built here.
 */
public final class Page {
    /** Where the console lives; nothing of it is under {@code /admin}, which the management API's filter guards. */
    public static final String ROOT = "/console";
    /** The request attribute holding the signed-in {@link ConsoleSession}. */
    public static final String SESSION_ATTRIBUTE = "dev.tally.console.session";
    /** The form field of the synchronizer token. */
    public static final String CSRF_PARAM = "csrf";

    private final HttpServletRequest request;
    private final ConsoleSession session;
    private final String title;
    private final StringBuilder body = new StringBuilder(4096);
    private String tenant;

    private Page(HttpServletRequest request, String title) {
        this.request = request;
        this.session = (ConsoleSession) request.getAttribute(Page.SESSION_ATTRIBUTE);
        this.title = title;
    }

    public static Page of(HttpServletRequest request, String title) {
        return new Page(request, title);
    }

    /** Adds the tenant's links to the navigation. */
    public Page tenant(String tenantId) {
        this.tenant = tenantId;
        return this;
    }

    /** A console URL: {@code path} starts with {@code /} and has its segments encoded already. */
    public String href(String path) {
        return request.getContextPath() + Page.ROOT + path;
    }

    /** A link to a console page. */
    public String a(String text, String path) {
        return "<a href=\"" + esc(href(path)) + "\">" + esc(text) + "</a>";
    }

    public Page h1(String text) {
        body.append("<h1>").append(esc(text)).append("</h1>\n");
        return this;
    }

    public Page h2(String text) {
        body.append("<h2>").append(esc(text)).append("</h2>\n");
        return this;
    }

    public Page p(String text) {
        body.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    public Page note(String text) {
        body.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
        return this;
    }

    public Page html(String html) {
        body.append(html).append('\n');
        return this;
    }

    /** Every field of a JSON object, one row each. */
    public Page fields(JsonNode object) {
        body.append("<table class=\"fields\">");
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            // durations the API gives in seconds read better with days, hours and minutes beside them
            String key = e.getKey();
            boolean duration = key.endsWith("_timeout") || key.endsWith("_lifetime") || key.endsWith("leeway")
                    || key.equals("lifetime_seconds");
            body.append("<tr><th>").append(esc(key)).append("</th><td>")
                    .append(esc(duration ? seconds(e.getValue()) : text(e.getValue()))).append("</td></tr>");
        }
        body.append("</table>\n");
        return this;
    }

    /** A table whose cells are markup (escape text with {@link Html#esc} or {@link #cell}). */
    public Page table(String cssClass, List<String> headers, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return note("None.");
        }
        body.append("<div class=\"scroll\"><table class=\"").append(esc(cssClass)).append("\"><thead><tr>");
        headers.forEach(h -> body.append("<th>").append(esc(h)).append("</th>"));
        body.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            body.append("<tr>");
            row.forEach(c -> body.append("<td>").append(c).append("</td>"));
            body.append("</tr>");
        }
        body.append("</tbody></table></div>\n");
        return this;
    }

    /** A JSON value as a cell's markup. */
    public static String cell(JsonNode value) {
        return esc(text(value));
    }

    /** A JSON value as text: strings as they are, absent values as a dash, anything else as compact JSON. */
    public static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "—";
        }
        return value.isString() ? value.asString() : value.toString();
    }

    /** Seconds as the API gives them, with a reading for people: {@code 2592000 s (30 d)}. */
    public static String seconds(JsonNode value) {
        if (!value.isIntegralNumber()) {
            return text(value);
        }
        long s = value.asLong();
        StringBuilder human = new StringBuilder();
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "min", "s"};
        long rest = s;
        for (int i = 0; i < sizes.length; i++) {
            if (rest >= sizes[i]) {
                human.append(human.isEmpty() ? "" : " ").append(rest / sizes[i]).append(' ').append(units[i]);
                rest %= sizes[i];
            }
        }
        return s < 60 ? s + " s" : s + " s (" + human + ")";
    }

    public ResponseEntity<String> ok() {
        return status(200);
    }

    public ResponseEntity<String> status(int status) {
        return ResponseEntity.status(status).contentType(new MediaType("text", "html", StandardCharsets.UTF_8))
                .body(render());
    }

    /** For the gate, which answers before any controller. */
    public void write(HttpServletResponse response, int status) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(render());
    }

    public String render() {
        StringBuilder h = new StringBuilder(body.length() + 2048);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append(" · Tally console</title>")
                .append("<link rel=\"stylesheet\" href=\"").append(esc(href("/console.css"))).append("\"></head>\n<body>")
                .append("<header><a class=\"brand\" href=\"").append(esc(href(""))).append("\">Tally console</a>");
        if (session != null) {
            h.append("<nav>");
            if (session.credential().platformAdmin()) {
                h.append(a("Tenants", "")).append(a("Projections", "/projections"));
            }
            String t = tenant != null ? tenant : session.credential().tenant();
            if (t != null) {
                String base = "/tenants/" + Html.segment(t);
                h.append(a("Tenant " + t, base)).append(a("Explain", base + "/explain"))
                        .append(a("Token", base + "/tokens"));
            }
            h.append("</nav><form class=\"sign-out\" method=\"post\" action=\"").append(esc(href("/sign-out"))).append("\">")
                    .append("<input type=\"hidden\" name=\"").append(Page.CSRF_PARAM).append("\" value=\"")
                    .append(esc(session.csrf())).append("\"><span class=\"who\">").append(esc(session.credential().label()))
                    .append("</span> <button type=\"submit\" id=\"sign-out\">Sign out</button></form>");
        }
        h.append("</header>\n<main>\n").append(body).append("</main></body></html>\n");
        return h.toString();
    }
}
