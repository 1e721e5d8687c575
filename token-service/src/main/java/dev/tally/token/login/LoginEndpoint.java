package dev.tally.token.login;

import dev.tally.platform.logging.RequestLogContext;
import dev.tally.token.login.Authorizations.StartedSession;
import dev.tally.token.login.PendingAuthorizations.Pending;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.protocol.RetryAfter;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import dev.tally.token.view.TokenConfigState.UserView;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /t/{tenant}/login}: the login form's target. Checks the form belongs to this browser's pending
 * request (CSRF), throttles failures ({@link LoginThrottle}: a 429 page with {@code Retry-After}), verifies the
 * password (Argon2id), uses the form up (once, whichever node it is posted to), starts the login session, sets its
 * cookie and sends the browser back to the client with a code.
 */
@RestController
public class LoginEndpoint {
    private final TokenConfig config;
    private final Authorizations authorizations;
    private final PendingAuthorizations pending;
    private final SessionCookies cookies;
    private final PasswordLogin passwords;
    private final Issuers issuers;

    public LoginEndpoint(TokenConfig config, Authorizations authorizations, PendingAuthorizations pending,
                         SessionCookies cookies, PasswordLogin passwords, Issuers issuers) {
        this.config = config;
        this.authorizations = authorizations;
        this.pending = pending;
        this.cookies = cookies;
        this.passwords = passwords;
        this.issuers = issuers;
    }

    @PostMapping("/t/{tenant}/login")
    public ResponseEntity<String> login(@PathVariable String tenant,
                                        @RequestParam(name = "request", required = false) String requestId,
                                        @RequestParam(name = "csrf", required = false) String csrf,
                                        @RequestParam(name = "username", required = false) String username,
                                        @RequestParam(name = "password", required = false) String password,
                                        HttpServletRequest http) {
        Optional<Pending> found = pending.find(tenant, requestId, csrf, cookies.read(http, SessionCookies.LOGIN_BINDING));
        TenantView t = config.tenant(tenant).orElse(null);
        if (found.isEmpty() || t == null) {
            return expired();
        }
        Pending p = found.get();
        ClientView client = config.client(tenant, p.request().clientId()).orElse(null);
        if (client != null) {
            RequestLogContext.client(client.clientId());
        }
        if (client == null) {
            pending.remove(p.id());
            return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request", "The application no longer exists.");
        }
        PasswordLogin.Outcome outcome = passwords.attempt(tenant, username, password, http.getRemoteAddr());
        if (outcome.throttled()) {
            long seconds = RetryAfter.seconds(outcome.retryAfter());
            ResponseEntity<String> page = Pages.login(HttpStatus.TOO_MANY_REQUESTS, tenant, client.name(), p.id(),
                    p.csrfToken(), username, "Too many failed attempts. Try again in " + inWords(seconds) + ".");
            return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds)).body(page.getBody());
        }
        if (!outcome.succeeded()) {
            return Pages.login(HttpStatus.UNAUTHORIZED, tenant, client.name(), p.id(), p.csrfToken(), username,
                    "Wrong username or password.");
        }
        UserView user = outcome.user();
        if (!pending.consume(p.id())) {
            // the same form was used a moment ago, on this node or another: one form, one login
            return expired();
        }
        String issuer = issuers.issuer(tenant, http);
        StartedSession session = authorizations.startSession(t, client, user, issuer + "/userinfo");
        String location = authorizations.issueCode(tenant, issuer, p.request(), user.userId(), session.sessionId(),
                session.authTime());
        return ResponseEntity.status(HttpStatus.FOUND).location(java.net.URI.create(location))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.SET_COOKIE, cookies.set(http, tenant, SessionCookies.SESSION, session.cookieValue()))
                .header(HttpHeaders.SET_COOKIE, cookies.clear(http, tenant, SessionCookies.LOGIN_BINDING))
                .build();
    }

    /** Seconds under a minute (the per-user delay), else whole minutes rounded up (the hard limits' windows). */
    private static String inWords(long seconds) {
        if (seconds < 60) {
            return seconds + " second" + (seconds == 1 ? "" : "s");
        }
        long minutes = (seconds + 59) / 60;
        return minutes + " minute" + (minutes == 1 ? "" : "s");
    }

    private static ResponseEntity<String> expired() {
        return Pages.message(HttpStatus.FORBIDDEN, "Sign-in expired",
                "This sign-in form has expired or was not opened in this browser. Go back to the application and start again.");
    }
}
