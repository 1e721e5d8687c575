package dev.tally.console.gate;

import dev.tally.console.page.Page;
import dev.tally.console.session.ConsoleSession;
import dev.tally.console.session.ConsoleSessions;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In front of every {@code /console} path: the security headers, the signed-in session (from its cookie), the CSRF
 * check of every state-changing request, and the way to the sign-in page. A POST whose synchronizer token is missing
 * or wrong is refused with 403 before any controller runs: the session's token for a signed-in browser, the MAC of
 * the sign-in cookie for the sign-in form.
 */
public class ConsoleGate extends OncePerRequestFilter {
    public static final String SESSION_COOKIE = "tally_console";
    public static final String SIGN_IN_COOKIE = "tally_console_sign_in";

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
        Optional<ConsoleSession> session = sessions.find(cookie(request, SESSION_COOKIE));
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
        String nonce = cookie(request, SIGN_IN_COOKIE);
        return nonce != null && ConsoleSessions.same(sessions.signInToken(nonce), presented);
    }

    public static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (c.getName().equals(name)) {
                return c.getValue();
            }
        }
        return null;
    }

    /**
     * Sets (or with {@code value} null, removes) one of the console's cookies: HttpOnly, SameSite=Strict, only for
     * {@code /console}, Secure when the request came over https, and gone when the browser closes.
     */
    public static void setCookie(HttpServletRequest request, HttpServletResponse response, String name, String value) {
        ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(name, value == null ? "" : value)
                .path(request.getContextPath() + Page.ROOT).httpOnly(true).sameSite("Strict").secure(request.isSecure());
        if (value == null) {
            cookie.maxAge(Duration.ZERO);
        }
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.build().toString());
    }
}
