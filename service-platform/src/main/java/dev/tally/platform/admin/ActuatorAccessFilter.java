package dev.tally.platform.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may read the actuator ({@code /actuator/**}): health and its probes are public (an orchestrator asks them without
 * a secret); every other endpoint, the list of endpoints included, needs the platform administrator's bearer token
 * ({@code TALLY_ADMIN_TOKEN}), as metrics name tenants, clients and the shape of the traffic. {@code prometheus} may be
 * made public for a scraper on a private network ({@code tally.metrics.prometheus-public}). Refusals are the
 * management API's: 401, {@code WWW-Authenticate: Bearer}, an RFC 9457 problem. The path is read as the container
 * normalized it, so {@code /actuator/health/../env} is {@code /actuator/env} and needs the token.
 */
public class ActuatorAccessFilter extends OncePerRequestFilter {
    private final AdminToken adminToken;
    private final String health;
    private final String prometheus;

    /**
     * @param basePath         the actuator's base path ({@code management.endpoints.web.base-path}, {@code /actuator})
     * @param prometheusPublic whether {@code <base>/prometheus} is open to anyone
     */
    public ActuatorAccessFilter(AdminToken adminToken, String basePath, boolean prometheusPublic) {
        this.adminToken = adminToken;
        String base = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        this.health = base + "/health";
        this.prometheus = prometheusPublic ? base + "/prometheus" : null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (isPublic(path) || adminToken.matches(ManagementAuthenticationFilter.bearer(request))) {
            chain.doFilter(request, response);
            return;
        }
        ManagementAuthenticationFilter.unauthorized(response, request.getHeader(HttpHeaders.AUTHORIZATION) == null
                        ? null : "invalid_token",
                "the actuator's endpoints other than health need the platform administrator's bearer token "
                        + "(TALLY_ADMIN_TOKEN)");
    }

    boolean isPublic(String path) {
        return path.equals(health) || path.startsWith(health + "/") || path.equals(prometheus);
    }
}
