package dev.tally.token.endpoint;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.token.family.RefreshFamilies;
import dev.tally.token.issuance.IssuanceLog;
import dev.tally.token.protocol.ClientAuthentication;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.protocol.OAuthEndpoint;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.OAuthRequest;
import dev.tally.token.revocation.AccessTokenCheck;
import dev.tally.token.signing.TokenVerifier;
import dev.tally.token.view.RevocationView;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /t/{tenant}/oauth/revoke} (RFC 7009): a client revokes a token it was issued, authenticated as at the
 * token endpoint (a public client by its {@code client_id}: it can revoke only its own tokens anyway).
 * <ul>
 *   <li>A refresh token that its family says is active ends the family ({@code RefreshTokenFamilyRevoked}, reason
 *       {@code revoked_by_client}, cause the client's request), and with it every access token issued from it.</li>
 *   <li>An access token (signature and issuer verified with the tenant's keys) that has not expired is recorded as
 *       revoked ({@code AccessTokenRevoked}) durably, through the issuance log, before the answer.</li>
 *   <li>A token issued to another client is refused: 400 {@code unauthorized_client} (RFC 7009 §2.1).</li>
 *   <li>Anything unknown, invalid, inactive or expired is answered 200 (RFC 7009 §2.2): there is nothing to revoke.</li>
 * </ul>
 * Success is 200 with an empty body.
 */
@RestController
@OAuthEndpoint
public class RevocationEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationEndpoint.class);

    private final TokenConfig config;
    private final ClientAuthentication clientAuthentication;
    private final Issuers issuers;
    private final TokenVerifier verifier;
    private final RefreshFamilies families;
    private final RevocationView revocations;
    private final IssuanceLog log;
    private final Clock clock;

    public RevocationEndpoint(TokenConfig config, ClientAuthentication clientAuthentication, Issuers issuers,
                              TokenVerifier verifier, RefreshFamilies families, RevocationView revocations,
                              IssuanceLog log, Clock clock) {
        this.config = config;
        this.clientAuthentication = clientAuthentication;
        this.issuers = issuers;
        this.verifier = verifier;
        this.families = families;
        this.revocations = revocations;
        this.log = log;
        this.clock = clock;
    }

    @PostMapping("/t/{tenant}/oauth/revoke")
    public ResponseEntity<Void> revoke(@PathVariable String tenant, HttpServletRequest http) {
        OAuthRequest request = OAuthRequest.formPost(http);
        TenantView tenantView = config.tenant(tenant).orElseThrow(() -> OAuthError.notFound("no tenant '" + tenant + "'"));
        ClientView client = clientAuthentication.authenticateAt(tenant, http, request, "/oauth/revoke");
        String token = request.required("token");
        request.single("token_type_hint");
        if (RefreshFamilies.looksLikeRefreshToken(token)) {
            revokeRefreshToken(tenant, client, token);
        } else {
            revokeAccessToken(tenantView, issuers.issuer(tenant, http), client, token);
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header(HttpHeaders.PRAGMA, "no-cache").build();
    }

    private void revokeRefreshToken(String tenant, ClientView client, String token) {
        RefreshTokenIntrospection family = families.inspect(tenant, token);
        if (!family.active()) {
            return;
        }
        if (!client.clientId().equals(family.clientId())) {
            throw OAuthError.unauthorizedClient("the token was issued to another client");
        }
        families.revoke(new RevokeRefreshTokenFamily(RefreshTokens.familyOf(token), tenant,
                FamilyEndReason.REVOKED_BY_CLIENT, RevocationCause.clientRequest(client.clientId())));
    }

    private void revokeAccessToken(TenantView tenant, String issuer, ClientView client, String token) {
        if (!AccessTokenCheck.isAccessToken(token)) {
            return;
        }
        JWTClaimsSet claims = verifier.verify(tenant.jwks(), issuer, token, false).orElse(null);
        if (claims == null || claims.getJWTID() == null || claims.getExpirationTime() == null) {
            return;
        }
        if (!client.clientId().equals(stringClaim(claims, "client_id"))) {
            throw OAuthError.unauthorizedClient("the token was issued to another client");
        }
        Instant now = clock.instant();
        Instant expiresAt = claims.getExpirationTime().toInstant();
        if (!expiresAt.isAfter(now) || revocations.tokenRevoked(tenant.tenantId(), claims.getJWTID())) {
            return;
        }
        try {
            log.record(new AccessTokenRevoked(tenant.tenantId(), claims.getJWTID(), client.clientId(), claims.getSubject(),
                    expiresAt, now, RevocationCause.clientRequest(client.clientId())));
        } catch (RuntimeException e) {
            LOG.error("could not record the revocation of access token {}", claims.getJWTID(), e);
            throw OAuthError.temporarilyUnavailable("the token could not be revoked; retry shortly");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            return null;
        }
    }
}
