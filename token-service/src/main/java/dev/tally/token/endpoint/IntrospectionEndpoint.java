package dev.tally.token.endpoint;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.token.family.RefreshFamilies;
import dev.tally.token.protocol.ClientAuthentication;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.protocol.OAuthEndpoint;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.OAuthRequest;
import dev.tally.token.revocation.AccessTokenCheck;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /t/{tenant}/oauth/introspect} (RFC 7662), for the tenant's confidential clients (resource servers
 * register as such), authenticated exactly as at the token endpoint; a public client cannot introspect.
 * <ul>
 *   <li>A refresh token is answered by its family ({@code InspectRefreshToken}), strongly consistent: active only
 *       for the family's current token, before its deadlines, while it has not ended.</li>
 *   <li>An access token is answered by the signature, the issuer, the clock and the {@link RevocationView}
 *       ({@link AccessTokenCheck}), the same check the userinfo endpoint makes.</li>
 *   <li>Anything else (an ID token, another tenant's token, garbage, expired or revoked) is {@code {"active":false}}
 *       with 200, and nothing more, so the answer says nothing about why.</li>
 * </ul>
 * {@code token_type_hint} is accepted and not needed: the two kinds of token cannot be mistaken for each other.
 */
@RestController
@OAuthEndpoint
public class IntrospectionEndpoint {
    private final TokenConfig config;
    private final ClientAuthentication clientAuthentication;
    private final Issuers issuers;
    private final AccessTokenCheck accessTokens;
    private final RefreshFamilies refreshTokens;

    public IntrospectionEndpoint(TokenConfig config, ClientAuthentication clientAuthentication, Issuers issuers,
                                 AccessTokenCheck accessTokens, RefreshFamilies refreshTokens) {
        this.config = config;
        this.clientAuthentication = clientAuthentication;
        this.issuers = issuers;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
    }

    @PostMapping("/t/{tenant}/oauth/introspect")
    public ResponseEntity<Map<String, Object>> introspect(@PathVariable String tenant, HttpServletRequest http) {
        OAuthRequest request = OAuthRequest.formPost(http);
        TenantView tenantView = config.tenant(tenant).orElseThrow(() -> OAuthError.notFound("no tenant '" + tenant + "'"));
        ClientView client = clientAuthentication.authenticateAt(tenant, http, request, "/oauth/introspect");
        if (!client.confidential()) {
            throw OAuthError.invalidClient("introspection is for confidential clients; a public client cannot authenticate");
        }
        String token = request.required("token");
        request.single("token_type_hint");
        String issuer = issuers.issuer(tenant, http);
        Map<String, Object> answer = RefreshFamilies.looksLikeRefreshToken(token)
                ? refreshToken(tenant, issuer, token)
                : accessToken(tenantView, issuer, token);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .header(HttpHeaders.PRAGMA, "no-cache").body(answer);
    }

    private Map<String, Object> refreshToken(String tenant, String issuer, String token) {
        RefreshTokenIntrospection family = refreshTokens.inspect(tenant, token);
        if (!family.active()) {
            return inactive();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", true);
        m.put("token_type", "refresh_token");
        m.put("client_id", family.clientId());
        m.put("sub", family.userId());
        putIfPresent(m, "scope", family.scope());
        m.put("exp", family.expiresAt().getEpochSecond());
        m.put("iat", family.issuedAt().getEpochSecond());
        putIfPresent(m, "sid", family.sessionId());
        m.put("iss", issuer);
        return m;
    }

    private Map<String, Object> accessToken(TenantView tenant, String issuer, String token) {
        JWTClaimsSet claims = accessTokens.active(tenant, issuer, token).orElse(null);
        if (claims == null) {
            return inactive();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", true);
        m.put("token_type", "Bearer");
        putIfPresent(m, "client_id", claims.getClaim("client_id"));
        m.put("sub", claims.getSubject());
        putIfPresent(m, "scope", claims.getClaim("scope"));
        m.put("aud", claims.getAudience());
        m.put("iss", claims.getIssuer());
        m.put("exp", claims.getExpirationTime().toInstant().getEpochSecond());
        m.put("iat", claims.getIssueTime().toInstant().getEpochSecond());
        m.put("jti", claims.getJWTID());
        putIfPresent(m, "sid", claims.getClaim("sid"));
        putIfPresent(m, "fid", claims.getClaim("fid"));
        return m;
    }

    private static Map<String, Object> inactive() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", false);
        return m;
    }

    private static void putIfPresent(Map<String, Object> m, String name, Object value) {
        if (value != null) {
            m.put(name, value);
        }
    }
}
