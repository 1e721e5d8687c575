package dev.tally.token.issuance;

import dev.tally.kernel.api.TokenDialect;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.crypto.TimeOrderedIds;
import dev.tally.kernel.lifetime.LifetimeDecision;
import dev.tally.kernel.lifetime.LifetimeDecisions;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.kernel.refresh.RefreshCommands.IssuanceRecords;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.token.family.RefreshFamilies;
import dev.tally.token.lifetime.TokenLifetimes;
import dev.tally.token.metrics.TokenMetrics;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.signing.TokenSigner;
import dev.tally.token.signing.TokenSigner.SignedToken;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import java.time.Clock;
import dev.tally.kernel.tenant.SigningAlgorithm;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Issues tokens, in one place, the same way for every grant: takes the instant of issue, has the lifetime engine
 * decide every lifetime from it, builds the claims and signs, starts a refresh-token family when offline access is
 * granted, records every token it signed ({@link IssuanceLog}: a token the history does not know never leaves), and
 * answers what was issued. A grant decides who gets what; this decides how it is made. A refresh of a family this
 * node knows is the one exception to "records": its tokens are {@link #prepareRefresh prepared}, and their records
 * are committed by the family's command with its decision before they are {@link #handOut handed out}.
 */
@Component
public class TokenIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(TokenIssuer.class);

    private final TokenLifetimes lifetimes;
    private final TokenSigner signer;
    private final RefreshFamilies families;
    private final IssuanceLog log;
    private final Clock clock;
    private final TokenMetrics metrics;

    public TokenIssuer(TokenLifetimes lifetimes, TokenSigner signer, RefreshFamilies families, IssuanceLog log,
                       Clock clock, TokenMetrics metrics) {
        this.metrics = metrics;
        this.lifetimes = lifetimes;
        this.signer = signer;
        this.families = families;
        this.log = log;
        this.clock = clock;
    }

    /** A client's own token for one API (client credentials: from a server, never a browser flow). */
    public Issued machineToken(TenantView tenant, ClientView client, ApiView api, Scope scope, String issuer) {
        Instant now = now();
        LifetimeDecision lifetime = lifetimes.accessToken(tenant, client, api, GrantTypes.CLIENT_CREDENTIALS,
                scope.values(), false, now);
        return clientToken(tenant, client, api.identifier(), scope, issuer, now, lifetime, api.tokenDialect(),
                api.signingAlg());
    }

    /** A client's management token for its own tenant ({@code urn:tally:management}). */
    public Issued managementToken(TenantView tenant, ClientView client, Scope scope, String issuer) {
        Instant now = now();
        LifetimeDecision lifetime = lifetimes.managementToken(tenant, client, scope.values(), now);
        return clientToken(tenant, client, ManagementScopes.AUDIENCE, scope, issuer, now, lifetime, TokenDialect.DEFAULT, null);
    }

    private Issued clientToken(TenantView tenant, ClientView client, String audience, Scope scope, String issuer,
                               Instant now, LifetimeDecision lifetime, TokenDialect dialect, SigningAlgorithm alg) {
        SignedToken token = signer.accessToken(tenant.signingKey(alg), TimeOrderedIds.next(), issuer, client.clientId(),
                client.clientId(), List.of(audience), scope.text(), now, lifetime.lifetimeSeconds(), null, null, dialect);
        record(new AccessTokenIssued(tenant.tenantId(), token.jti(), client.clientId(), client.clientId(), audience,
                scope.text(), GrantTypes.CLIENT_CREDENTIALS, token.issuedAt(), token.expiresAt(),
                token.lifetimeSeconds(), lifetime.decidedBy(), lifetime.trace()));
        metrics.issued(tenant.tenantId(), GrantTypes.CLIENT_CREDENTIALS, lifetime.decidedBy());
        return new Issued(token, null, null, scope);
    }

    /**
     * A user's tokens: the access token (for the API, plus the userinfo endpoint when {@code openid} was granted; for
     * userinfo only without an API), with {@code openid} the ID token, and with offline access a refresh token,
     * every lifetime from the engine, everything recorded before it is answered. When they start a refresh-token
     * family, their records ride with its start (one durable commit for both); otherwise the issuance log records them.
     */
    public Issued userTokens(UserTokens request) {
        Prepared tokens = sign(request);
        String refresh = request.refresh();
        if (tokens.startsFamily()) {
            refresh = startFamily(tokens, request);
        } else {
            record(tokens.records().events().toArray());
        }
        return handOut(tokens, refresh);
    }

    /**
     * A refresh's tokens, signed before its family decides, with their records: the family's command carries them
     * and appends them with its decision, so the refresh waits for one durable commit. Nothing is recorded here;
     * {@link #handOut} them once the family has granted the use, never otherwise.
     *
     * @param request its {@code refresh} is the presented token (it names the family the tokens carry as {@code fid})
     */
    public Prepared prepareRefresh(UserTokens request) {
        if (request.refresh() == null) {
            throw new IllegalArgumentException("a refresh names the family its tokens belong to");
        }
        return sign(request);
    }

    /** The tokens, once their records are committed, with the refresh token to hand out beside them. */
    public Issued handOut(Prepared tokens, String refresh) {
        metrics.issued(tokens.tenantId(), tokens.grantType(), tokens.decidedBy());
        return new Issued(tokens.accessToken(), tokens.idToken(), refresh, tokens.scope());
    }

    /**
     * Signed tokens not handed out yet, with the records that must be committed first.
     *
     * @param familyId       the refresh-token family the tokens carry ({@code fid}), or {@code null}
     * @param startsFamily   whether handing them out starts that family (offline access granted outside a refresh)
     * @param refreshLifetime the engine's absolute lifetime for a family this starts
     */
    public record Prepared(String tenantId, String grantType, String decidedBy, Scope scope, SignedToken accessToken,
                           SignedToken idToken, IssuanceRecords records, String familyId, boolean startsFamily,
                           long refreshLifetime) {
    }

    private Prepared sign(UserTokens request) {
        TenantView tenant = request.tenant();
        ClientView client = request.client();
        ApiView api = request.api();
        String userinfo = request.issuer() + "/userinfo";
        boolean offline = request.scope().contains(Scope.OFFLINE_ACCESS) && api != null && api.allowOfflineAccess()
                && client.grantTypes().contains(GrantTypes.REFRESH_TOKEN);
        // offline_access that cannot be honoured is not granted, rather than silently promised
        Scope scope = offline ? request.scope() : request.scope().without(Scope.OFFLINE_ACCESS);
        boolean openid = scope.contains(Scope.OPENID);
        Instant now = now();
        LifetimeDecisions d = lifetimes.all(tenant, client, api, request.grantType(), scope.values(), false, userinfo,
                request.user().profile(), now);
        List<String> audience = new ArrayList<>(2);
        if (api != null) {
            audience.add(api.identifier());
        }
        if (api == null || openid) {
            audience.add(userinfo);
        }
        // The family is named before the access token is signed, so the token can carry it (fid): a new one when this
        // grant starts a family, else the one the refresh token came from.
        boolean startsFamily = request.refresh() == null && offline;
        String familyId = startsFamily ? RefreshTokens.newFamilyId() : RefreshTokens.familyOf(request.refresh());
        // sid wherever there is a login session: the code flow's own, and a refresh of a family started in one, whose
        // tokens answer to both: ending the session ends its families (the command side's SessionFamilies), and a
        // resource server that knows the revoked session can tell from the token alone.
        String sessionId = request.login().sessionId();
        String userId = request.user().userId();
        LifetimeDecision access = d.accessToken();
        SignedToken accessToken = signer.accessToken(tenant.signingKey(api == null ? null : api.signingAlg()), request.jtis().access(), request.issuer(),
                userId, client.clientId(), audience, scope.text(), now, access.lifetimeSeconds(), sessionId, familyId,
                api == null ? TokenDialect.DEFAULT : api.tokenDialect());
        AccessTokenIssued accessRecord = new AccessTokenIssued(tenant.tenantId(), accessToken.jti(), client.clientId(),
                userId, String.join(" ", audience), scope.text(), request.grantType(), accessToken.issuedAt(),
                accessToken.expiresAt(), accessToken.lifetimeSeconds(), access.decidedBy(), access.trace(), sessionId,
                familyId);
        SignedToken idToken = null;
        IdTokenIssued idRecord = null;
        if (openid) {
            LifetimeDecision id = d.idToken();
            idToken = signer.idToken(tenant.signingKey(idTokenAlg(client)), request.jtis().id(), request.issuer(), userId,
                    client.clientId(), now, id.lifetimeSeconds(), request.login().authTime(), request.login().nonce(),
                    sessionId, accessToken.value());
            idRecord = new IdTokenIssued(tenant.tenantId(), idToken.jti(), client.clientId(), userId, sessionId,
                    idToken.issuedAt(), idToken.expiresAt(), idToken.lifetimeSeconds(), id.decidedBy(), id.trace());
        }
        return new Prepared(tenant.tenantId(), request.grantType(), access.decidedBy(), scope, accessToken, idToken,
                new IssuanceRecords(accessRecord, idRecord), familyId, startsFamily, d.refreshToken().lifetimeSeconds());
    }

    /**
     * A new family: its settings are the client's, else the tenant's; its absolute lifetime is the engine's. The
     * tokens' records go with the command, so the family's start and the records commit together or not at all.
     */
    private String startFamily(Prepared tokens, UserTokens request) {
        String token = RefreshTokens.newToken(tokens.familyId());
        TenantRefreshSettings defaults = request.tenant().refresh();
        ClientView client = request.client();
        families.start(new StartRefreshTokenFamily(tokens.familyId(), request.tenant().tenantId(), client.clientId(),
                request.user().userId(), request.login().sessionId(), SecretHash.of(token), tokens.scope().text(),
                request.api().identifier(), defaults.rotationFor(client.refresh()), tokens.refreshLifetime(),
                defaults.idleFor(client.refresh()), defaults.leewayFor(client.refresh()), tokens.records()));
        return token;
    }

    /** JWT times are whole seconds: {@code expires_in} is exactly {@code exp - iat}. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private void record(Object... issued) {
        try {
            log.record(issued);
        } catch (RuntimeException e) {
            LOG.error("could not record issued tokens; they are withheld", e);
            throw OAuthError.temporarilyUnavailable("the token could not be recorded; retry shortly");
        }
    }

    /** OpenID Connect Registration's {@code id_token_signed_response_alg}; RS256 unless the client chose otherwise. */
    private static SigningAlgorithm idTokenAlg(ClientView client) {
        SigningAlgorithm alg = client.idTokenSignedResponseAlg();
        return alg == null ? SigningAlgorithm.RS256 : alg;
    }
}
