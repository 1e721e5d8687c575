package dev.tally.token.oauth;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.token.config.TokenConfig;
import dev.tally.token.config.TokenConfigState.ApiView;
import dev.tally.token.config.TokenConfigState.ClientView;
import dev.tally.token.config.TokenConfigState.TenantView;
import dev.tally.token.issuance.AccessTokenSigner;
import dev.tally.token.issuance.AccessTokenSigner.SignedAccessToken;
import dev.tally.token.issuance.IssuanceLog;
import jakarta.servlet.http.HttpServletRequest;
import dev.tally.kernel.lifetime.LifetimeDecision;
import dev.tally.token.lifetime.TokenLifetimes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /t/{tenant}/oauth/token} (RFC 6749 §3.2). Answers from the in-memory projection only. */
@RestController
@OAuthEndpoint
public class TokenEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    static final List<String> SUPPORTED_GRANTS = List.of(GrantTypes.CLIENT_CREDENTIALS);

    private final TokenConfig config;
    private final ClientAuthentication clientAuthentication;
    private final AccessTokenSigner signer;
    private final IssuanceLog issuanceLog;
    private final Issuers issuers;
    private final TokenLifetimes lifetimes;

    public TokenEndpoint(TokenConfig config, ClientAuthentication clientAuthentication, AccessTokenSigner signer,
                         IssuanceLog issuanceLog, Issuers issuers, TokenLifetimes lifetimes) {
        this.config = config;
        this.clientAuthentication = clientAuthentication;
        this.signer = signer;
        this.issuanceLog = issuanceLog;
        this.issuers = issuers;
        this.lifetimes = lifetimes;
    }

    @PostMapping("/t/{tenant}/oauth/token")
    public ResponseEntity<Map<String, Object>> token(@PathVariable String tenant, HttpServletRequest http) {
        String contentType = http.getContentType();
        if (contentType == null || !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(MediaType.parseMediaType(contentType))) {
            throw OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded");
        }
        if (http.getQueryString() != null && !http.getQueryString().isEmpty()) {
            throw OAuthError.invalidRequest("token request parameters belong in the body, not the URL");
        }
        TenantView tenantView = config.tenant(tenant).orElseThrow(() -> OAuthError.notFound("no tenant '" + tenant + "'"));
        TokenRequest request = new TokenRequest(http.getParameterMap());
        ClientView client = clientAuthentication.authenticate(tenant, http.getHeader(HttpHeaders.AUTHORIZATION), request);
        String grantType = request.required("grant_type");
        if (!SUPPORTED_GRANTS.contains(grantType)) {
            throw OAuthError.unsupportedGrantType("grant_type '" + grantType + "' is not supported; supported: " + SUPPORTED_GRANTS);
        }
        if (!client.grantTypes().contains(grantType)) {
            throw OAuthError.unauthorizedClient("this client may not use grant_type " + grantType);
        }
        return clientCredentials(tenantView, client, request, http);
    }

    private ResponseEntity<Map<String, Object>> clientCredentials(TenantView tenant, ClientView client, TokenRequest request,
                                                                  HttpServletRequest http) {
        String audience = request.single("audience");
        if (audience == null) {
            throw OAuthError.invalidRequest("parameter 'audience' is required: the identifier of the API the token is for");
        }
        ApiView api = config.api(tenant.tenantId(), audience)
                .orElseThrow(() -> OAuthError.invalidTarget("no API with identifier '" + audience + "' in this tenant"));
        String scope = grantedScope(api, request.scopes());
        // Client credentials comes from a server, never from the browser-facing authorize endpoint.
        LifetimeDecision lifetime = lifetimes.accessToken(tenant, client, api, GrantTypes.CLIENT_CREDENTIALS,
                scope == null ? List.of() : List.of(scope.split(" ")), false);
        Instant issuedAt = lifetime.expiresAt().minusSeconds(lifetime.lifetimeSeconds());
        SignedAccessToken token = signer.sign(tenant.signingKey(), issuers.issuer(tenant.tenantId(), http),
                client.clientId(), client.clientId(), api.identifier(), scope, issuedAt, lifetime.lifetimeSeconds());
        try {
            issuanceLog.record(new AccessTokenIssued(tenant.tenantId(), token.jti(), client.clientId(), client.clientId(),
                    api.identifier(), scope, GrantTypes.CLIENT_CREDENTIALS, token.issuedAt(), token.expiresAt(),
                    token.lifetimeSeconds(), lifetime.decidedBy(), lifetime.trace()));
        } catch (RuntimeException e) {
            LOG.error("could not record an issued token; the token is withheld", e);
            throw OAuthError.temporarilyUnavailable("the token could not be recorded; retry shortly");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", token.lifetimeSeconds());
        if (scope != null) {
            body.put("scope", scope);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .header(HttpHeaders.PRAGMA, "no-cache").body(body);
    }

    /** Every requested scope must be one the API defines; none requested means a token without a scope claim. */
    private static String grantedScope(ApiView api, List<String> requested) {
        if (requested.isEmpty()) {
            return null;
        }
        for (String s : requested) {
            if (!api.scopes().contains(s)) {
                throw OAuthError.invalidScope("scope '" + s + "' is not defined by API " + api.identifier());
            }
        }
        return String.join(" ", new java.util.LinkedHashSet<>(requested));
    }
}
