package dev.tally.token.endpoint;

import dev.tally.platform.problem.ErrorAnswers;
import dev.tally.token.protocol.ClientAuthentication;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * CORS (the Fetch standard's protocol) for the endpoints a browser application calls from its own origin: a single-page
 * application exchanges its code and refreshes at the token endpoint, revokes at the revocation endpoint, reads
 * userinfo, and fetches discovery and the keys. Without these headers the browser sends the request but hides the
 * answer from the page, so a SPA on another origin could not sign in at all.
 * <ul>
 *   <li><b>Who may read</b>: the web origins of a client's callbacks ({@code ClientUrls.origins()}), the place its
 *       browser application runs. At the token and revocation endpoints, the origin of the client the request names
 *       (the Basic header's id or the body's {@code client_id}), so one client's page cannot read answers given to
 *       another client; the answer carries the header whether it is a token or an error, so the page can read why it
 *       was refused. At userinfo (the client is inside the bearer token), an origin of any client of the tenant.
 *       Discovery and the key set are public documents: any origin ({@code *}).</li>
 *   <li><b>Never with credentials</b>: no {@code Access-Control-Allow-Credentials}. These endpoints take their
 *       credentials in the request (a code and verifier, a refresh token, a bearer token), never from a cookie; the
 *       pages that use the login cookie (authorize, login, logout) are navigations, not fetches, and get no CORS
 *       headers.</li>
 *   <li><b>Preflight</b> ({@code OPTIONS} with {@code Access-Control-Request-Method}): answered here, before any
 *       endpoint. It names no client, so an origin of any of the tenant's clients passes; the method must be one the
 *       endpoint takes and the headers at most {@code Authorization} and {@code Content-Type} (and the ones the Fetch
 *       standard always allows). Anything else is a {@code 403} without CORS headers. Browsers keep an answer for
 *       {@link #MAX_AGE} seconds.</li>
 *   <li>A form POST without custom headers (how a SPA exchanges its code and refreshes) is sent without a preflight;
 *       the headers on the answer are what matter there.</li>
 *   <li>Nothing is refused for its origin outside the preflight: CORS decides what a page may read, not who may call
 *       (any program can send the same request without an {@code Origin}).</li>
 * </ul>
 * Runs after the request-input filter, so a form's {@code client_id} is read from the decoded body.
 */
public final class CrossOriginFilter extends OncePerRequestFilter {
    static final String MAX_AGE = "600";
    /** Longer {@code Origin} headers name no origin Tally accepts (a callback URL is at most 2,048 characters). */
    private static final int MAX_ORIGIN = 2_048;
    /** Headers a preflight may ask for: the ones these endpoints read, and the Fetch standard's safelisted ones. */
    private static final Set<String> ALLOWED_HEADERS = Set.of("authorization", "content-type", "accept",
            "accept-language", "content-language");

    /** Whose origins an endpoint answers, and the methods it takes. */
    enum Kind {
        /** Token and revocation: the named client's origins. */
        CLIENT(List.of("POST")),
        /** Userinfo: any of the tenant's clients' origins. */
        TENANT(List.of("GET", "POST")),
        /** Discovery and the key set: any origin. */
        PUBLIC(List.of("GET"));

        final List<String> methods;

        Kind(List<String> methods) {
            this.methods = methods;
        }
    }

    /** The endpoint a path addresses, with its tenant; null for every other path. */
    record Target(Kind kind, String tenant) {
    }

    private final TokenConfig config;

    public CrossOriginFilter(TokenConfig config) {
        this.config = config;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        Target target = origin == null ? null : target(request.getRequestURI());
        if (target == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean preflight = "OPTIONS".equals(request.getMethod())
                && request.getHeader("Access-Control-Request-Method") != null;
        if (target.kind() != Kind.PUBLIC) {
            response.addHeader("Vary", preflight ? "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
                    : "Origin");
        }
        if (preflight) {
            preflight(request, response, target, origin);
            return;
        }
        String allowed = switch (target.kind()) {
            case PUBLIC -> "*";
            case TENANT -> config.anyClientHasOrigin(target.tenant(), normalized(origin)) ? origin : null;
            case CLIENT -> clientHasOrigin(request, target.tenant(), normalized(origin)) ? origin : null;
        };
        if (allowed != null) {
            response.setHeader("Access-Control-Allow-Origin", allowed);
            if (target.kind() != Kind.PUBLIC) {
                // a refusal's challenge (RFC 6750 §3, RFC 6749 §5.2's 401) is the page's to read as well
                response.setHeader("Access-Control-Expose-Headers", "WWW-Authenticate");
            }
        }
        chain.doFilter(request, response);
    }

    private void preflight(HttpServletRequest request, HttpServletResponse response, Target target, String origin)
            throws IOException {
        String method = request.getHeader("Access-Control-Request-Method");
        if (!target.kind().methods.contains(method)) {
            refuse(request, response, "the method " + printable(method) + " is not accepted here from another origin");
            return;
        }
        List<String> headers = new ArrayList<>();
        String requested = request.getHeader("Access-Control-Request-Headers");
        if (requested != null) {
            for (String header : requested.split(",")) {
                String name = header.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (!ALLOWED_HEADERS.contains(name)) {
                    refuse(request, response, "the header " + printable(name) + " is not accepted here from another origin");
                    return;
                }
                headers.add(name);
            }
        }
        boolean allowed = target.kind() == Kind.PUBLIC
                || config.anyClientHasOrigin(target.tenant(), normalized(origin));
        if (!allowed) {
            refuse(request, response, "this origin is not a callback origin of any of the tenant's clients");
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        response.setHeader("Access-Control-Allow-Origin", target.kind() == Kind.PUBLIC ? "*" : origin);
        response.setHeader("Access-Control-Allow-Methods", String.join(", ", target.kind().methods));
        if (!headers.isEmpty()) {
            response.setHeader("Access-Control-Allow-Headers", String.join(", ", headers));
        }
        response.setHeader("Access-Control-Max-Age", MAX_AGE);
    }

    private boolean clientHasOrigin(HttpServletRequest request, String tenant, String origin) {
        String clientId = ClientAuthentication.namedClientId(request.getHeader("Authorization"),
                request.getParameter("client_id"));
        if (clientId == null || origin == null) {
            return false;
        }
        return config.client(tenant, clientId).map(ClientView::origins).orElse(List.of()).contains(origin);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String reason)
            throws IOException {
        ErrorAnswers.write(request.getRequestURI(), response, HttpServletResponse.SC_FORBIDDEN,
                "cross-origin request refused: " + reason);
    }

    /**
     * The origin as a callback's origin is written (scheme and host in lower case), or null for what is not one: the
     * opaque {@code null} origin, anything overlong or with characters no origin has.
     */
    static String normalized(String origin) {
        if (origin.length() > MAX_ORIGIN || origin.equals("null")) {
            return null;
        }
        for (int i = 0; i < origin.length(); i++) {
            char c = origin.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return null;
            }
        }
        return origin.toLowerCase(Locale.ROOT);
    }

    /** A header value quoted in a refusal: short, and only printable ASCII. */
    private static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return "'" + cut.replaceAll("[^\\x21-\\x7e]", "?") + "'";
    }

    /**
     * The endpoint of a request URI: {@code /t/{tenant}/oauth/token}, {@code /oauth/revoke}, {@code /userinfo},
     * {@code /.well-known/openid-configuration}, {@code /.well-known/oauth-authorization-server},
     * {@code /.well-known/jwks.json}, and the metadata inserted before the tenant's path (RFC 8414 §3.1).
     */
    static Target target(String uri) {
        if (uri == null) {
            return null;
        }
        String[] s = uri.split("/", -1);
        // "", "t", tenant, ...
        if (s.length >= 4 && s[0].isEmpty() && s[1].equals("t") && tenant(s[2])) {
            String rest = String.join("/", Arrays.copyOfRange(s, 3, s.length));
            return switch (rest) {
                case "oauth/token", "oauth/revoke" -> new Target(Kind.CLIENT, s[2]);
                case "userinfo" -> new Target(Kind.TENANT, s[2]);
                case ".well-known/openid-configuration", ".well-known/oauth-authorization-server",
                     ".well-known/jwks.json" -> new Target(Kind.PUBLIC, s[2]);
                default -> null;
            };
        }
        // "", ".well-known", name, "t", tenant
        if (s.length == 5 && s[0].isEmpty() && s[1].equals(".well-known") && s[3].equals("t") && tenant(s[4])
                && (s[2].equals("openid-configuration") || s[2].equals("oauth-authorization-server"))) {
            return new Target(Kind.PUBLIC, s[4]);
        }
        return null;
    }

    /** A tenant segment as the direct routes take one ({@link OAuthRoutes#tenantSegment}). */
    private static boolean tenant(String segment) {
        return OAuthRoutes.tenantSegment(segment, 0, segment.length());
    }
}
