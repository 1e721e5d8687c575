package dev.tally.console.gate;

import dev.tally.console.page.Page;
import dev.tally.console.session.ConsoleSession;
import dev.tally.console.session.ConsoleSessions;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In front of every {@code /console} path: the security headers, the signed-in session (from its cookie), the CSRF
 * check of every state-changing request, and the way to the sign-in page. A POST whose synchronizer token is missing
 * or wrong is refused with 403 before any controller runs: the session's token for a signed-in browser, the MAC of
 * the sign-in cookie for the sign-in form.
 */
public class ConsoleGate extends OncePerRequestFilter {

    /** Pages and styles only from this server, no script at all, never in a frame, forms posted only here. */
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleSessions sessions;

    public ConsoleGate(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        // pages show tokens' histories: never kept by the browser or a proxy
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader("Pragma", "no-cache");

        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String relative = path.length() > Page.ROOT.length() ? path.substring(Page.ROOT.length()) : "";
        Optional<ConsoleSession> session = sessions.find(ConsoleCookies.read(request, ConsoleCookies.SESSION));
        session.ifPresent(s -> request.setAttribute(Page.SESSION_ATTRIBUTE, s));
        boolean signIn = relative.equals("/sign-in");
        boolean safe = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        if (!safe) {
            String presented = request.getParameter(Page.CSRF_PARAM);
            boolean valid = signIn
                    ? signInTokenValid(request, presented)
                    : session.isPresent() && ConsoleSessions.same(session.get().csrf(), presented);
            if (!valid) {
                Page.of(request, "Refused").p("This form was not sent by a console page of this browser session "
                        + "(its anti-forgery token is missing or does not match). Open the page again and retry.")
                        .write(response, HttpServletResponse.SC_FORBIDDEN);
                return;
            }
        }
        if (session.isEmpty() && !signIn && !relative.equals("/console.css")) {
            response.setStatus(HttpServletResponse.SC_SEE_OTHER);
            response.setHeader(HttpHeaders.LOCATION, request.getContextPath() + Page.ROOT + "/sign-in");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean signInTokenValid(HttpServletRequest request, String presented) {
        String nonce = ConsoleCookies.read(request, ConsoleCookies.SIGN_IN);
        return nonce != null && ConsoleSessions.same(sessions.signInToken(nonce), presented);
    }
}
