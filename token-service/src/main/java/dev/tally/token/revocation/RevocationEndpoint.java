package dev.tally.token.revocation;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.support.axon.ConcurrentAppend;
import dev.tally.token.config.TokenConfig;
import dev.tally.token.config.TokenConfigState.ClientView;
import dev.tally.token.config.TokenConfigState.TenantView;
import dev.tally.token.issuance.IssuanceLog;
import dev.tally.token.oauth.ClientAuthentication;
import dev.tally.token.oauth.IssuedTokens;
import dev.tally.token.oauth.Issuers;
import dev.tally.token.oauth.OAuthEndpoint;
import dev.tally.token.oauth.OAuthError;
import dev.tally.token.oauth.TokenRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
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
    private final IssuedTokens issuedTokens;
    private final RefreshTokenInspector refreshTokens;
    private final RevocationView revocations;
    private final IssuanceLog log;
    private final CommandGateway commands;
    private final Clock clock;

    public RevocationEndpoint(TokenConfig config, ClientAuthentication clientAuthentication, Issuers issuers,
                              IssuedTokens issuedTokens, RefreshTokenInspector refreshTokens, RevocationView revocations,
                              IssuanceLog log, CommandGateway commands, Clock clock) {
        this.config = config;
        this.clientAuthentication = clientAuthentication;
        this.issuers = issuers;
        this.issuedTokens = issuedTokens;
        this.refreshTokens = refreshTokens;
        this.revocations = revocations;
        this.log = log;
        this.commands = commands;
        this.clock = clock;
    }

    @PostMapping("/t/{tenant}/oauth/revoke")
    public ResponseEntity<Void> revoke(@PathVariable String tenant, HttpServletRequest http) {
        TokenRequest request = OAuthForms.formPost(http);
        TenantView tenantView = config.tenant(tenant).orElseThrow(() -> OAuthError.notFound("no tenant '" + tenant + "'"));
        ClientView client = clientAuthentication.authenticate(tenant, http.getHeader(HttpHeaders.AUTHORIZATION), request);
        String token = request.required("token");
        request.single("token_type_hint");
        if (RefreshTokenInspector.looksLikeRefreshToken(token)) {
            revokeRefreshToken(tenant, client, token);
        } else {
            revokeAccessToken(tenantView, issuers.issuer(tenant, http), client, token);
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header(HttpHeaders.PRAGMA, "no-cache").build();
    }

    private void revokeRefreshToken(String tenant, ClientView client, String token) {
        RefreshTokenIntrospection family = refreshTokens.inspect(tenant, token);
        if (!family.active()) {
            return;
        }
        if (!client.clientId().equals(family.clientId())) {
            throw OAuthError.unauthorizedClient("the token was issued to another client");
        }
        RevokeRefreshTokenFamily command = new RevokeRefreshTokenFamily(RefreshTokens.familyOf(token), tenant,
                FamilyEndReason.REVOKED_BY_CLIENT, RevocationCause.clientRequest(client.clientId()));
        for (int attempt = 1; ; attempt++) {
            try {
                commands.sendAndWait(command);
                return;
            } catch (AggregateNotFoundException | NotFound gone) {
                return;
            } catch (RuntimeException e) {
                // Idempotent: a family used on another node at this moment is simply asked again.
                if (ConcurrentAppend.causedBy(e) && attempt < RefreshTokenInspector.ATTEMPTS) {
                    continue;
                }
                if (ConcurrentAppend.causedBy(e) || OAuthForms.storeFailure(e)) {
                    LOG.warn("could not revoke refresh token family {}", command.familyId(), e);
                    throw OAuthError.temporarilyUnavailable("the token could not be revoked; retry shortly");
                }
                throw e;
            }
        }
    }

    private void revokeAccessToken(TenantView tenant, String issuer, ClientView client, String token) {
        if (!AccessTokenCheck.isAccessToken(token)) {
            return;
        }
        JWTClaimsSet claims = issuedTokens.verify(tenant, issuer, token, false).orElse(null);
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
