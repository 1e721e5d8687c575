package dev.tally.token.login;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.signing.TokenVerifier;
import dev.tally.token.view.LoginSessions;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.SessionView;
import dev.tally.token.view.TokenConfigState.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET|POST /t/{tenant}/logout}: OpenID Connect RP-Initiated Logout. Ends the browser's login session
 * ({@code SessionRevoked}, reason logout), clears its cookie, and sends the browser to
 * {@code post_logout_redirect_uri} only if that URL is one of the client's {@code allowed_logout_urls}; the client
 * is named by {@code id_token_hint} (an ID token this tenant issued, expired or not) or {@code client_id}.
 */
@RestController
public class LogoutEndpoint {
    private final TokenConfig config;
    private final LoginSessions sessions;
    private final CommandGateway commands;
    private final SessionCookies cookies;
    private final TokenVerifier verifier;
    private final Issuers issuers;

    public LogoutEndpoint(TokenConfig config, CommandGateway commands, SessionCookies cookies, TokenVerifier verifier,
                          Issuers issuers, LoginSessions sessions) {
        this.config = config;
        this.sessions = sessions;
        this.commands = commands;
        this.cookies = cookies;
        this.verifier = verifier;
        this.issuers = issuers;
    }

    @RequestMapping(path = "/t/{tenant}/logout", method = {RequestMethod.GET, RequestMethod.POST})
    public ResponseEntity<String> logout(@PathVariable String tenant,
                                         @RequestParam(name = "id_token_hint", required = false) String idTokenHint,
                                         @RequestParam(name = "client_id", required = false) String clientId,
                                         @RequestParam(name = "post_logout_redirect_uri", required = false) String postLogoutRedirectUri,
                                         @RequestParam(name = "state", required = false) String state,
                                         HttpServletRequest http) {
        TenantView t = config.tenant(tenant).orElse(null);
        if (t == null) {
            return Pages.message(HttpStatus.NOT_FOUND, "Unknown tenant", "There is no tenant '" + tenant + "'.");
        }
        if (Authorizations.stateTooLong(state)) {
            return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request",
                    "state is longer than " + Authorizations.MAX_STATE_BYTES + " bytes.");
        }
        String issuer = issuers.issuer(tenant, http);
        JWTClaimsSet hint = null;
        if (idTokenHint != null && !idTokenHint.isBlank()) {
            hint = verifier.verify(t.jwks(), issuer, idTokenHint, false).orElse(null);
            if (hint == null) {
                return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request", "id_token_hint is not an ID token of this tenant.");
            }
        }
        String client = clientId;
        if (hint != null) {
            List<String> aud = hint.getAudience();
            if (client != null && !aud.contains(client)) {
                return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request", "client_id does not match id_token_hint.");
            }
            client = aud.isEmpty() ? null : aud.get(0);
        }
        if (postLogoutRedirectUri != null) {
            Optional<ClientView> c = client == null ? Optional.empty() : config.client(tenant, client);
            if (c.isEmpty() || !c.get().urls().allowedLogoutUrls().contains(postLogoutRedirectUri)) {
                return Pages.message(HttpStatus.BAD_REQUEST, "Invalid request",
                        "post_logout_redirect_uri is not one of the application's allowed logout URLs.");
            }
        }

        String cookie = cookies.read(http, SessionCookies.SESSION);
        if (cookie != null) {
            sessions.byCookie(tenant, cookie).ifPresent(s -> revoke(tenant, s));
        }
        String sid = hint == null ? null : (String) hint.getClaim("sid");
        if (sid != null) {
            // The session named by the hint ends too, when the cookie did not reach us (third-party cookies blocked).
            try {
                commands.sendAndWait(new RevokeSession(sid, tenant, SessionEndReason.LOGOUT, loggedOut(sid)));
            } catch (AggregateNotFoundException | NotFound unknownOrOtherTenant) {
                // nothing to end
            }
        }

        ResponseEntity.BodyBuilder response;
        if (postLogoutRedirectUri != null) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("state", state);
            response = ResponseEntity.status(HttpStatus.FOUND)
                    .location(URI.create(Authorizations.redirect(postLogoutRedirectUri, params)));
        } else {
            ResponseEntity<String> page = Pages.message(HttpStatus.OK, "Signed out", "You are signed out.");
            return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                    .header(HttpHeaders.SET_COOKIE, cookies.clear(http, tenant, SessionCookies.SESSION)).body(page.getBody());
        }
        return response.header(HttpHeaders.SET_COOKIE, cookies.clear(http, tenant, SessionCookies.SESSION))
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    private void revoke(String tenant, SessionView session) {
        commands.sendAndWait(new RevokeSession(session.sessionId(), tenant, SessionEndReason.LOGOUT,
                loggedOut(session.sessionId())));
    }

    private static RevocationCause loggedOut(String sessionId) {
        return new RevocationCause(RevocationCause.LOGOUT, sessionId);
    }
}
