package dev.tally.console.gate;

import static dev.tally.console.page.Html.esc;

import dev.tally.console.api.AdminApi.Answer;
import dev.tally.console.api.AdminApi;
import dev.tally.console.api.Credential;
import dev.tally.console.page.Html;
import dev.tally.console.page.Page;
import dev.tally.console.session.ConsoleSession;
import dev.tally.console.session.ConsoleSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.util.StreamUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sign-in with a bearer credential the management API already accepts (the platform administrator's token, or a
 * management token of one tenant), sign-out, and the stylesheet. Who the credential is, the console learns from the
 * API itself: the tenant list opens only to the platform administrator; otherwise a management token names its
 * tenant in {@code iss}, and the console keeps it only if the API then lets it read that tenant.
 */
@Controller
@RequestMapping(Page.ROOT)
public class SignInController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_CREDENTIAL = 8192;

    private final ConsoleSessions sessions;
    private final AdminApi api;
    private final ConsoleCookies cookies;
    private final byte[] css;

    public SignInController(ConsoleSessions sessions, AdminApi api, ConsoleCookies cookies) throws IOException {
        this.sessions = sessions;
        this.api = api;
        this.cookies = cookies;
        this.css = StreamUtils.copyToByteArray(new ClassPathResource("console/console.css").getInputStream());
    }

    @GetMapping("/sign-in")
    public ResponseEntity<String> form(HttpServletRequest request, HttpServletResponse response) {
        return signInPage(request, response, null, 200);
    }

    @PostMapping("/sign-in")
    public ResponseEntity<String> signIn(@RequestParam(name = "credential", defaultValue = "") String bearer,
                                         @RequestParam(name = "tenant", defaultValue = "") String tenant,
                                         @RequestParam(name = "client_id", defaultValue = "") String clientId,
                                         @RequestParam(name = "client_secret", defaultValue = "") String clientSecret,
                                         HttpServletRequest request, HttpServletResponse response) {
        String token = bearer.trim();
        if (token.isEmpty() && !clientId.isBlank()) {
            if (!printable(tenant.trim()) || !printable(clientId.trim()) || !printable(clientSecret)
                    || tenant.trim().equals(".") || tenant.trim().equals("..") || tenant.contains("/")) {
                return signInPage(request, response, "A management client signs in with its tenant, client id and "
                        + "client secret.", 400);
            }
            token = api.managementToken(request, tenant.trim(), clientId.trim(), clientSecret);
            if (token == null) {
                return signInPage(request, response, "The tenant's token endpoint does not accept this client for "
                        + "management (unknown tenant or client, wrong secret, or no management scopes).", 401);
            }
        }
        if (token.isEmpty() || token.length() > MAX_CREDENTIAL || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return signInPage(request, response, "Paste a bearer token: the platform administrator's "
                    + "(TALLY_ADMIN_TOKEN) or a management token of a tenant.", 400);
        }
        Credential credential = identify(request, token);
        if (credential == null) {
            return signInPage(request, response, "The management API does not accept this credential.", 401);
        }
        ConsoleSession previous = (ConsoleSession) request.getAttribute(Page.SESSION_ATTRIBUTE);
        if (previous != null) {
            sessions.close(previous);
        }
        ConsoleSession session = sessions.open(credential);
        cookies.set(request, response, ConsoleCookies.SESSION, session.id());
        cookies.set(request, response, ConsoleCookies.SIGN_IN, null);
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, request.getContextPath() + Page.ROOT).build();
    }

    @PostMapping("/sign-out")
    public ResponseEntity<String> signOut(HttpServletRequest request, HttpServletResponse response) {
        ConsoleSession session = (ConsoleSession) request.getAttribute(Page.SESSION_ATTRIBUTE);
        if (session != null) {
            sessions.close(session);
        }
        cookies.set(request, response, ConsoleCookies.SESSION, null);
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION,
                request.getContextPath() + Page.ROOT + "/sign-in").build();
    }

    @GetMapping("/console.css")
    public ResponseEntity<byte[]> css() {
        return ResponseEntity.ok().contentType(new MediaType("text", "css", StandardCharsets.UTF_8)).body(css);
    }

    private static boolean printable(String value) {
        return !value.isEmpty() && value.length() <= 1024 && value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private ResponseEntity<String> signInPage(HttpServletRequest request, HttpServletResponse response, String error,
                                              int status) {
        String nonce = ConsoleCookies.read(request, ConsoleCookies.SIGN_IN);
        if (nonce == null || nonce.length() != 43) {
            nonce = sessions.newSignInNonce();
            cookies.set(request, response, ConsoleCookies.SIGN_IN, nonce);
        }
        Page page = Page.of(request, "Sign in").h1("Sign in");
        if (error != null) {
            page.html("<p class=\"error\" id=\"error\">" + esc(error) + "</p>");
        }
        page.html("<form method=\"post\" action=\"" + esc(page.href("/sign-in")) + "\" class=\"sign-in\">"
                + "<input type=\"hidden\" name=\"" + Page.CSRF_PARAM + "\" value=\""
                + esc(sessions.signInToken(nonce)) + "\">"
                + "<label for=\"credential\">Bearer credential</label>"
                + "<input type=\"password\" id=\"credential\" name=\"credential\" autocomplete=\"off\" required>"
                + "<button type=\"submit\" id=\"sign-in\">Sign in</button></form>")
                .h2("Or as a management client")
                .html("<form method=\"post\" action=\"" + esc(page.href("/sign-in")) + "\" class=\"sign-in\">"
                        + "<input type=\"hidden\" name=\"" + Page.CSRF_PARAM + "\" value=\""
                        + esc(sessions.signInToken(nonce)) + "\">"
                        + "<label for=\"tenant\">Tenant</label><input type=\"text\" id=\"tenant\" name=\"tenant\" required>"
                        + "<label for=\"client_id\">Client id</label>"
                        + "<input type=\"text\" id=\"client_id\" name=\"client_id\" autocomplete=\"off\" required>"
                        + "<label for=\"client_secret\">Client secret</label><input type=\"password\" id=\"client_secret\" "
                        + "name=\"client_secret\" autocomplete=\"off\" required>"
                        + "<button type=\"submit\" id=\"sign-in-client\">Sign in</button></form>")
                .note("The platform administrator's token (TALLY_ADMIN_TOKEN) or a tenant's management token (a client "
                        + "with management scopes, client credentials grant for the audience urn:tally:management); or "
                        + "that client's id and secret, which the console exchanges for such a token and then forgets. "
                        + "The token stays on the server for this session only; signing out forgets it.");
        return page.status(status);
    }

    /** The credential with the one tenant it may see (null: all, the platform administrator), or null if refused. */
    private Credential identify(HttpServletRequest request, String bearer) {
        Answer tenants = api.send(request, bearer, "/admin/tenants", Map.of());
        if (tenants.status() == 200) {
            return new Credential(bearer, null);
        }
        if (tenants.status() != 403) {
            return null;
        }
        String tenant = issuerTenant(bearer);
        if (tenant == null) {
            return null;
        }
        Answer own = api.send(request, bearer, "/admin/tenants/" + Html.segment(tenant), Map.of());
        return own.status() == 200 ? new Credential(bearer, tenant) : null;
    }

    /** The tenant a management token's issuer names ({@code …/t/{tenant}}); read only to know which tenant to ask for. */
    static String issuerTenant(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String iss = claims.path("iss").isString() ? claims.path("iss").asString() : "";
            int at = iss.lastIndexOf("/t/");
            String tenant = at < 0 ? "" : iss.substring(at + 3);
            return tenant.isEmpty() || tenant.contains("/") || tenant.equals(".") || tenant.equals("..") ? null : tenant;
        } catch (IllegalArgumentException | JacksonException e) {
            return null;
        }
    }
}
