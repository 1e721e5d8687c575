package dev.tally.token.login;

import dev.tally.kernel.session.SessionUse;
import dev.tally.token.login.PendingAuthorizations.Pending;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET|POST /t/{tenant}/authorize}: the authorization code flow's front door (RFC 6749 §4.1, RFC 7636,
 * OpenID Connect Core §3.1.2). A live login session answers at once with a code (single sign-on; with
 * {@code prompt=none} silently or not at all); otherwise the login page. Errors about the client or its redirect
 * URI are shown here and never redirected, so the endpoint cannot be used as an open redirector.
 */
@RestController
public class AuthorizeEndpoint {
    private final TokenConfig config;
    private final Authorizations authorizations;
    private final PendingAuthorizations pending;
    private final SessionCookies cookies;
    private final Issuers issuers;

    public AuthorizeEndpoint(TokenConfig config, Authorizations authorizations, PendingAuthorizations pending,
                             SessionCookies cookies, Issuers issuers) {
        this.config = config;
        this.authorizations = authorizations;
        this.pending = pending;
        this.cookies = cookies;
        this.issuers = issuers;
    }

    @RequestMapping(path = "/t/{tenant}/authorize", method = {RequestMethod.GET, RequestMethod.POST})
    public ResponseEntity<String> authorize(@PathVariable String tenant, HttpServletRequest http) {
        Optional<TenantView> t = config.tenant(tenant);
        if (t.isEmpty()) {
            return Pages.message(HttpStatus.NOT_FOUND, "Unknown tenant", "There is no tenant '" + tenant + "'.");
        }
        Map<String, String> p = new HashMap<>();
        // resource may repeat (RFC 8707 §2); Authorizations judges its values
        List<String> resources = http.getParameterValues("resource") == null ? List.of()
                : List.of(http.getParameterValues("resource"));
        for (Map.Entry<String, String[]> e : http.getParameterMap().entrySet()) {
            if (e.getKey().equals("resource")) {
                continue;
            }
            if (e.getValue().length > 1) {
                return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request", "Parameter '" + e.getKey() + "' is repeated.");
            }
            if (!e.getValue()[0].isEmpty()) {
                p.put(e.getKey(), e.getValue()[0]);
            }
        }
        ClientView client = authorizations.client(tenant, p.get("client_id")).orElse(null);
        if (client == null) {
            return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request", "The application (client_id) is unknown.");
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || !client.urls().callbacks().contains(redirectUri)) {
            return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request",
                    "redirect_uri is missing or is not one of this application's registered callbacks.");
        }
        if (Authorizations.stateTooLong(p.get("state"))) {
            // not redirected: the redirect that carries it back could not be written
            return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request",
                    "state is longer than " + Authorizations.MAX_STATE_BYTES + " bytes.");
        }
        String issuer = issuers.issuer(tenant, http);
        AuthorizationRequest request;
        try {
            request = authorizations.validate(tenant, client, redirectUri, p, resources);
        } catch (AuthorizationFailure f) {
            return redirect(Authorizations.errorRedirect(redirectUri, f.error(), f.getMessage(), p.get("state"), issuer));
        }

        Optional<SessionUse> session = request.promptLogin() ? Optional.empty()
                : authorizations.useSession(tenant, client.clientId(), cookies.read(http, SessionCookies.SESSION));
        if (session.isPresent() && authorizations.freshEnough(request, session.get().authTime())) {
            SessionUse s = session.get();
            return redirect(authorizations.issueCode(tenant, issuer, request, s.userId(), s.sessionId(), s.authTime()));
        }
        if (request.promptNone()) {
            return redirect(Authorizations.errorRedirect(redirectUri, "login_required",
                    "the user is not signed in, or not recently enough", request.state(), issuer));
        }
        String binding = SessionCookies.newValue();
        Pending waiting = pending.add(tenant, request, binding);
        ResponseEntity<String> page = Pages.login(HttpStatus.OK, tenant, client.name(), waiting.id(), waiting.csrfToken(), null, null);
        return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                .header(HttpHeaders.SET_COOKIE, cookies.set(http, tenant, SessionCookies.LOGIN_BINDING, binding))
                .body(page.getBody());
    }

    static ResponseEntity<String> redirect(String location) {
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(location))
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
