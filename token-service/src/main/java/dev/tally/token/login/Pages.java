package dev.tally.token.login;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The few server-rendered pages of the browser-facing endpoints: the login form, a signed-out notice, and errors
 * that must not be redirected. Plain HTML, every value escaped, no scripts; framing and caching forbidden.
 */
final class Pages {
    private Pages() {
    }

    static ResponseEntity<String> login(HttpStatus status, String tenant, String clientName, String requestId, String csrf,
                                        String username, String error) {
        String body = "<h1>Sign in</h1><p>to continue to <strong>" + esc(clientName) + "</strong></p>"
                + (error == null ? "" : "<p class=\"error\" role=\"alert\">" + esc(error) + "</p>")
                + "<form method=\"post\" action=\"/t/" + esc(tenant) + "/login\">"
                + "<input type=\"hidden\" name=\"request\" value=\"" + esc(requestId) + "\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">"
                + "<label>Username <input name=\"username\" autocomplete=\"username\" required value=\""
                + esc(username == null ? "" : username) + "\"></label>"
                + "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
                + "<button type=\"submit\">Sign in</button></form>";
        return page(status, "Sign in", body);
    }

    static ResponseEntity<String> message(HttpStatus status, String title, String text) {
        return page(status, title, "<h1>" + esc(title) + "</h1><p>" + esc(text) + "</p>");
    }

    private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + esc(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}"
                + "label{display:block;margin:.8rem 0}input{display:block;width:100%;padding:.4rem}"
                + "button{padding:.5rem 1rem}.error{color:#a00}</style></head><body>" + body + "</body></html>";
        return ResponseEntity.status(status).contentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .header("Referrer-Policy", "no-referrer")
                .body(html);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
