package dev.tally.token.endpoint;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.protocol.OAuthEndpoint;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.revocation.AccessTokenCheck;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.TenantView;
import dev.tally.token.view.TokenConfigState.UserView;
import dev.tally.token.view.Users;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET|POST /t/{tenant}/userinfo} (OpenID Connect Core §5.3): the signed-in user's claims, for an access
 * token of this tenant whose audience includes this endpoint. The bearer token comes in the Authorization header,
 * or (POST, RFC 6750 §2.2) as the form parameter {@code access_token}.
 */
@RestController
@OAuthEndpoint
public class UserinfoEndpoint {
    private final TokenConfig config;
    private final Users users;
    private final AccessTokenCheck accessTokens;
    private final Issuers issuers;

    public UserinfoEndpoint(TokenConfig config, AccessTokenCheck accessTokens, Issuers issuers, Users users) {
        this.config = config;
        this.users = users;
        this.accessTokens = accessTokens;
        this.issuers = issuers;
    }

    @RequestMapping(path = "/t/{tenant}/userinfo", method = {RequestMethod.GET, RequestMethod.POST})
    public ResponseEntity<Map<String, Object>> userinfo(@PathVariable String tenant, HttpServletRequest http) {
        TenantView t = config.tenant(tenant).orElseThrow(() -> OAuthError.notFound("no tenant '" + tenant + "'"));
        String token = bearer(http);
        String issuer = issuers.issuer(tenant, http);
        if (!AccessTokenCheck.isAccessToken(token)) {
            throw OAuthError.invalidToken("not an access token");
        }
        // The same check as introspection: signature, issuer, expiry, and every kind of revocation.
        JWTClaimsSet claims = accessTokens.active(t, issuer, token)
                .orElseThrow(() -> OAuthError.invalidToken("the access token is invalid, expired or revoked"));
        if (claims.getAudience() == null || !claims.getAudience().contains(issuer + "/userinfo")) {
            throw OAuthError.invalidToken("the access token is not for the userinfo endpoint");
        }
        UserView user = users.user(tenant, claims.getSubject())
                .orElseThrow(() -> OAuthError.invalidToken("the token's user no longer exists"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sub", user.userId());
        body.put("preferred_username", user.username());
        body.put("name", user.username());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore()).body(body);
    }

    private static String bearer(HttpServletRequest http) {
        String header = http.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        String form = "POST".equals(http.getMethod()) ? http.getParameter("access_token") : null;
        if (form != null && !form.isBlank()) {
            return form;
        }
        throw OAuthError.invalidToken("a bearer access token is required");
    }
}
