package dev.tally.platform.admin;

import dev.tally.kernel.management.ManagementScopes;
import dev.tally.platform.admin.ManagementTokenVerifier.Rejected;
import dev.tally.platform.admin.ManagementTokenVerifier.Verification;
import dev.tally.platform.admin.ManagementTokenVerifier.Verified;
import dev.tally.platform.logging.RequestLogContext;
import dev.tally.platform.openapi.OpenApiController;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call the management API ({@code /admin/**}) and a tenant's revocation list ({@code /t/{tenant}/revocations}).
 * <ul>
 *   <li>The platform administrator's bearer token ({@code TALLY_ADMIN_TOKEN}) opens everything.</li>
 *   <li>A tenant's management token ({@link ManagementTokenVerifier}) opens {@code /admin/tenants/{tenant}} and what is
 *   below it, for its own tenant only: {@code tenant:admin} every method except deleting the tenant and placing or
 *   lifting its legal hold,
 *   {@code tenant:read} {@code GET} and {@code HEAD}; and {@code /t/{tenant}/revocations} with any management scope.
 *   Everything else under {@code /admin} (creating and listing tenants, projections) is the platform administrator's.</li>
 * </ul>
 * No token, or one that is not valid: 401 with {@code WWW-Authenticate: Bearer}. A valid token that does not reach
 * this resource (another tenant's, a missing scope): 403. Both as RFC 9457 problems. Every other {@code /t/**} path
 * (the OAuth endpoints authenticate their clients themselves) passes untouched. The caller is left on the request as
 * a {@link ManagementPrincipal}. One path under {@code /admin} is public: {@code GET} or {@code HEAD}
 * {@code /admin/openapi.json}, the API's description, which holds no data; only as sent plainly, so that no other path
 * can pass for it.
 */
public class ManagementAuthenticationFilter extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementAuthenticationFilter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String REALM = "Bearer realm=\"tally-admin\"";
    private static final List<String> PUBLIC_DESCRIPTION = List.of("admin", "openapi.json");

    private final AdminToken adminToken;
    private final ManagementTokenVerifier verifier;

    public ManagementAuthenticationFilter(AdminToken adminToken, ManagementTokenVerifier verifier) {
        this.adminToken = adminToken;
        this.verifier = verifier;
    }

    /** Only {@code /admin/**} and {@code /t/{tenant}/revocations[/**]}; the rest of {@code /t/**} is the OAuth endpoints'. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // Every OAuth request passes here: most paths name neither segment, and need not be split to be let through.
        String normalized = normalizedPath(request);
        if (!normalized.contains("admin") && !normalized.contains("revocations")) {
            return true;
        }
        List<String> path = segments(request);
        boolean admin = !path.isEmpty() && path.get(0).equals("admin");
        if (admin && publicDescription(request, path)) {
            return true;
        }
        return !admin && !revocations(path);
    }

    private static boolean publicDescription(HttpServletRequest request, List<String> path) {
        return path.equals(PUBLIC_DESCRIPTION) && (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))
                && canonical(request) && request.getRequestURI().equals(request.getContextPath() + OpenApiController.PATH);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = bearer(request);
        if (token == null) {
            unauthorized(response, null, "this endpoint needs a bearer token: the platform administrator's "
                    + "(TALLY_ADMIN_TOKEN) or a management token of the tenant");
            return;
        }
        if (adminToken.matches(token)) {
            request.setAttribute(ManagementPrincipal.ATTRIBUTE, ManagementPrincipal.PLATFORM_ADMIN);
            chain.doFilter(request, response);
            return;
        }
        Verification verification;
        try {
            verification = verifier.verify(token);
        } catch (RuntimeException e) {
            LOG.warn("could not verify a management token", e);
            problem(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service Unavailable",
                    "the token cannot be verified now; retry shortly", null);
            return;
        }
        if (verification instanceof Rejected rejected) {
            unauthorized(response, "invalid_token", rejected.reason());
            return;
        }
        ManagementPrincipal principal = ((Verified) verification).principal();
        String refusal = refusal(principal, request.getMethod(), segments(request));
        if (refusal == null && !canonical(request)) {
            refusal = "a tenant's management token must address its resources by their plain path";
        }
        if (refusal != null) {
            problem(response, HttpServletResponse.SC_FORBIDDEN, "Forbidden", refusal,
                    REALM + ", error=\"insufficient_scope\"");
            return;
        }
        request.setAttribute(ManagementPrincipal.ATTRIBUTE, principal);
        RequestLogContext.client(principal.clientId());
        chain.doFilter(request, response);
    }

    /**
     * Why this tenant-scoped caller may not do this, or {@code null} if it may.
     *
     * @param path the request path's non-empty segments
     */
    static String refusal(ManagementPrincipal caller, String method, List<String> path) {
        if (revocations(path)) {
            return ownTenant(caller, path.get(1));
        }
        if (path.size() >= 3 && path.get(0).equals("admin") && path.get(1).equals("tenants")) {
            String otherTenant = ownTenant(caller, path.get(2));
            if (otherTenant != null) {
                return otherTenant;
            }
            if (path.size() == 3 && method.equals("DELETE")) {
                return "only the platform administrator may delete a tenant";
            }
            // a hold keeps a tenant's records for someone outside it (a court, an investigator): the tenant's own
            // administrators may read it, never place or lift it
            if (path.size() == 4 && path.get(3).equals("legal-hold") && !method.equals("GET") && !method.equals("HEAD")) {
                return "only the platform administrator may place or lift a legal hold";
            }
            if (caller.has(ManagementScopes.ADMIN)) {
                return null;
            }
            if (caller.has(ManagementScopes.READ) && (method.equals("GET") || method.equals("HEAD"))) {
                return null;
            }
            return "the token's scopes (" + String.join(" ", caller.scopes()) + ") do not allow " + method + " here";
        }
        return "only the platform administrator may use this endpoint";
    }

    private static String ownTenant(ManagementPrincipal caller, String tenant) {
        return caller.tenantId().equals(tenant) ? null
                : "this token manages tenant '" + caller.tenantId() + "' only";
    }

    private static boolean revocations(List<String> path) {
        return path.size() >= 3 && path.get(0).equals("t") && path.get(2).equals("revocations");
    }

    /** The servlet container's decoded, normalized path (no {@code ..}, no {@code ;params}), by its non-empty segments. */
    static List<String> segments(HttpServletRequest request) {
        return Arrays.stream(normalizedPath(request).split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static String normalizedPath(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }

    /**
     * Whether the path as sent decodes to the path the container normalized. The checks above read the normalized
     * one, while the controllers' mappings may read the path as sent: for a tenant's token, {@code ..}, {@code //},
     * {@code ;params} and encoded slashes are refused rather than trusted to be mapped the same way by both.
     */
    static boolean canonical(HttpServletRequest request) {
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        String lower = raw.toLowerCase(java.util.Locale.ROOT);
        if (raw.indexOf(';') >= 0 || lower.contains("%2f") || lower.contains("%5c")) {
            return false;
        }
        String decoded;
        try {
            decoded = UriUtils.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String normalized = normalizedPath(request);
        return decoded.equals(normalized);
    }

    static String bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static void unauthorized(HttpServletResponse response, String error, String detail) throws IOException {
        problem(response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized", detail,
                error == null ? REALM : REALM + ", error=\"" + error + "\"");
    }

    private static void problem(HttpServletResponse response, int status, String title, String detail, String challenge)
            throws IOException {
        response.setStatus(status);
        if (challenge != null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        response.setCharacterEncoding("UTF-8");
        response.setContentType("application/problem+json");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        response.getWriter().write(JSON.writeValueAsString(body));
    }
}
