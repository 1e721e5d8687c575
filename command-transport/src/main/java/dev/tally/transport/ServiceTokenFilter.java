package dev.tally.transport;

import dev.tally.transport.CommandTransport.Failure;
import dev.tally.transport.CommandTransport.Kind;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards {@code /internal/**}: the bearer must be the service token ({@code TALLY_SERVICE_TOKEN}). Anything else, the
 * platform administrator's token and tenants' management tokens included, gets {@code 401}: the internal endpoint
 * takes commands no administrator sends (a refresh token's rotation), so only the token service may reach it.
 */
public class ServiceTokenFilter extends OncePerRequestFilter {
    private final ServiceToken token;

    public ServiceTokenFilter(ServiceToken token) {
        this.token = token;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (!token.matches(presented)) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tally-internal\"");
            response.setContentType("application/problem+json");
            response.getOutputStream().write(CommandTransport.writeFailure(Failure.of(Kind.UNAUTHORIZED,
                    "the internal endpoints take the service token (TALLY_SERVICE_TOKEN) only")));
            return;
        }
        chain.doFilter(request, response);
    }
}
