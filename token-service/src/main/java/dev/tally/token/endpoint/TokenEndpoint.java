package dev.tally.token.endpoint;

import dev.tally.token.grant.Grant;
import dev.tally.token.grant.GrantRequest;
import dev.tally.token.grant.Grants;
import dev.tally.token.issuance.Issued;
import dev.tally.token.metrics.TokenMetrics;
import dev.tally.token.protocol.ClientAuthentication;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.protocol.OAuthEndpoint;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.OAuthRequest;
import dev.tally.token.protocol.TokenResponse;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /t/{tenant}/oauth/token} (RFC 6749 §3.2), the protocol only: parse the form, find the tenant,
 * authenticate the client, check it may use the grant type, hand the request to that {@link Grant}, render what it
 * was issued. Refusals anywhere on the way are {@link OAuthError}s, rendered as RFC 6749 §5.2 errors in one place
 * ({@code OAuthErrors}). Every request is timed into {@link TokenMetrics#REQUESTS}, by grant type and outcome.
 */
@RestController
@OAuthEndpoint
public class TokenEndpoint {
    private final TokenConfig views;
    private final ClientAuthentication clientAuthentication;
    private final Grants grants;
    private final Issuers issuers;
    private final TokenMetrics metrics;

    public TokenEndpoint(TokenConfig views, ClientAuthentication clientAuthentication, Grants grants, Issuers issuers,
                         TokenMetrics metrics) {
        this.views = views;
        this.clientAuthentication = clientAuthentication;
        this.grants = grants;
        this.issuers = issuers;
        this.metrics = metrics;
    }

    @PostMapping("/t/{tenant}/oauth/token")
    public ResponseEntity<Map<String, Object>> token(@PathVariable String tenant, HttpServletRequest http) {
        long start = System.nanoTime();
        String grantType = TokenMetrics.OTHER_GRANT;
        try {
            OAuthRequest request = OAuthRequest.formPost(http);
            grantType = grants.offered(request.single("grant_type"));
            ResponseEntity<Map<String, Object>> answer = token(tenant, http, request);
            metrics.tokenRequest(tenant, grantType, TokenMetrics.OUTCOME_ISSUED, start);
            return answer;
        } catch (OAuthError e) {
            metrics.tokenRequest(tenant, grantType, e.error(), start);
            throw e;
        } catch (RuntimeException e) {
            metrics.tokenRequest(tenant, grantType, "server_error", start);
            throw e;
        }
    }

    private ResponseEntity<Map<String, Object>> token(String tenant, HttpServletRequest http, OAuthRequest request) {
        TenantView tenantView = views.tenant(tenant).orElseThrow(() -> OAuthError.notFound("no tenant '" + tenant + "'"));
        ClientView client = clientAuthentication.authenticateAt(tenant, http, request, "/oauth/token");
        Grant grant = grants.of(request.required("grant_type"));
        if (!client.grantTypes().contains(grant.type())) {
            throw OAuthError.unauthorizedClient("this client may not use grant_type " + grant.type());
        }
        Issued issued = grant.issue(new GrantRequest(tenantView, client, request, issuers.issuer(tenant, http),
                http.getRemoteAddr()));
        return TokenResponse.of(issued.accessToken(), issued.scope(), issued.idToken(), issued.refreshToken());
    }
}
