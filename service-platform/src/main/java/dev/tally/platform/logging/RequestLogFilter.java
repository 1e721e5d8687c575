package dev.tally.platform.logging;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first filter of every request in every service: gives the request its id and names its tenant in the log
 * context ({@link RequestLogContext}), answers the id in {@code X-Request-Id}, and after the answer writes one line
 * for the request to the logger {@code tally.request} (at INFO: off unless that logger is turned on).
 *
 * <p>A caller's {@code X-Request-Id} is kept when it is a plain identifier (so a gateway's id follows the request
 * through Tally's logs), otherwise a new one is made. The line names the method, the path without its query (a query
 * may carry a code, a state or, from a careless client, a secret), the status and the time taken.
 */
public class RequestLogFilter extends OncePerRequestFilter {
    public static final String HEADER = "X-Request-Id";
    private static final Logger REQUESTS = LoggerFactory.getLogger("tally.request");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_PATH = 256;

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long started = System.nanoTime();
        String given = request.getHeader(HEADER);
        String requestId = RequestLogContext.identifier(given) && given.length() <= 64 ? given : newId();
        response.setHeader(HEADER, requestId);
        RequestLogContext.put(RequestLogContext.REQUEST_ID, requestId);
        RequestLogContext.put(RequestLogContext.TENANT, tenant(request.getRequestURI()));
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            if (REQUESTS.isInfoEnabled()) {
                String path = request.getRequestURI();
                // an exception that leaves the chain becomes the container's 500 after this filter has returned
                REQUESTS.info("{} {} {} {} ms", request.getMethod(),
                        path.length() > MAX_PATH ? path.substring(0, MAX_PATH) + "..." : path,
                        failed ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR : response.getStatus(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            RequestLogContext.clear();
        }
    }

    /** The tenant a path addresses ({@code /t/{tenant}/...} or {@code /admin/tenants/{tenant}...}), or null. */
    static String tenant(String path) {
        if (path == null) {
            return null;
        }
        if (path.startsWith("/t/")) {
            return segment(path, 3);
        }
        if (path.startsWith("/admin/tenants/")) {
            return segment(path, "/admin/tenants/".length());
        }
        return null;
    }

    private static String segment(String path, int start) {
        int end = path.indexOf('/', start);
        String segment = path.substring(start, end < 0 ? path.length() : end);
        return RequestLogContext.identifier(segment) ? segment : null;
    }

    private static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
