package dev.tally.token.oauth;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.code.CodeCommands;
import dev.tally.kernel.code.CodeCommands.RedeemAuthorizationCode;
import dev.tally.kernel.code.CodeRedemption;
import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.lifetime.LifetimeDecision;
import dev.tally.kernel.lifetime.LifetimeDecisions;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.token.config.TokenConfig;
import dev.tally.token.config.TokenConfigState.ApiView;
import dev.tally.token.config.TokenConfigState.ClientView;
import dev.tally.token.config.TokenConfigState.TenantView;
import dev.tally.token.config.TokenConfigState.UserView;
import dev.tally.token.issuance.IssuanceLog;
import dev.tally.token.issuance.TokenSigner;
import dev.tally.token.issuance.TokenSigner.SignedToken;
import dev.tally.token.lifetime.TokenLifetimes;
import dev.tally.support.axon.ConcurrentAppend;
import dev.tally.support.axon.StoreFailure;
import dev.tally.token.login.PasswordLogin;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /t/{tenant}/oauth/token} (RFC 6749 §3.2): client credentials, authorization code (with PKCE),
 * refresh token (rotation and reuse detection by the token's family) and, for clients that enable it, the resource
 * owner password grant. Configuration comes from the in-memory projection
 * only; whether a code is still unused is decided by its aggregate.
 */
@RestController
@OAuthEndpoint
public class TokenEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    static final List<String> SUPPORTED_GRANTS = List.of(GrantTypes.CLIENT_CREDENTIALS, GrantTypes.AUTHORIZATION_CODE,
            GrantTypes.REFRESH_TOKEN, GrantTypes.PASSWORD);
    private static final String OFFLINE_ACCESS = "offline_access";

    private final TokenConfig config;
    private final ClientAuthentication clientAuthentication;
    private final TokenSigner signer;
    private final IssuanceLog issuanceLog;
    private final Issuers issuers;
    private final TokenLifetimes lifetimes;
    private final CommandGateway commands;
    private final PasswordLogin passwords;
    private final Clock clock;

    public TokenEndpoint(TokenConfig config, ClientAuthentication clientAuthentication, TokenSigner signer,
                         IssuanceLog issuanceLog, Issuers issuers, TokenLifetimes lifetimes, CommandGateway commands,
                         PasswordLogin passwords, Clock clock) {
        this.config = config;
        this.clientAuthentication = clientAuthentication;
        this.signer = signer;
        this.issuanceLog = issuanceLog;
        this.issuers = issuers;
        this.lifetimes = lifetimes;
        this.commands = commands;
        this.passwords = passwords;
        this.clock = clock;
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
        return switch (grantType) {
            case GrantTypes.CLIENT_CREDENTIALS -> clientCredentials(tenantView, client, request, http);
            case GrantTypes.AUTHORIZATION_CODE -> authorizationCode(tenantView, client, request, http);
            case GrantTypes.REFRESH_TOKEN -> refreshToken(tenantView, client, request, http);
            default -> password(tenantView, client, request, http);
        };
    }

    private ResponseEntity<Map<String, Object>> clientCredentials(TenantView tenant, ClientView client, TokenRequest request,
                                                                  HttpServletRequest http) {
        String audience = request.single("audience");
        if (audience == null) {
            throw OAuthError.invalidRequest("parameter 'audience' is required: the identifier of the API the token is for");
        }
        if (audience.equals(ManagementScopes.AUDIENCE)) {
            return managementToken(tenant, client, request, http);
        }
        ApiView api = config.api(tenant.tenantId(), audience)
                .orElseThrow(() -> OAuthError.invalidTarget("no API with identifier '" + audience + "' in this tenant"));
        String scope = grantedScope(api, request.scopes(), Set.of());
        // Client credentials comes from a server, never from the browser-facing authorize endpoint.
        LifetimeDecision lifetime = lifetimes.accessToken(tenant, client, api, GrantTypes.CLIENT_CREDENTIALS,
                scope == null ? List.of() : List.of(scope.split(" ")), false);
        Instant issuedAt = lifetime.expiresAt().minusSeconds(lifetime.lifetimeSeconds());
        SignedToken token = signer.accessToken(tenant.signingKey(), RandomTokens.urlSafe(16), issuers.issuer(tenant.tenantId(), http),
                client.clientId(), client.clientId(), List.of(api.identifier()), scope, issuedAt, lifetime.lifetimeSeconds());
        record(new AccessTokenIssued(tenant.tenantId(), token.jti(), client.clientId(), client.clientId(),
                api.identifier(), scope, GrantTypes.CLIENT_CREDENTIALS, token.issuedAt(), token.expiresAt(),
                token.lifetimeSeconds(), lifetime.decidedBy(), lifetime.trace()));
        return ok(token, scope, null);
    }

    /**
     * A management token for the client's own tenant. A client the platform administrator granted no management
     * scopes gets {@code invalid_target} (RFC 8707 §2: the resource is not acceptable for this client); it may well
     * use client credentials, so it is not {@code unauthorized_client}, which RFC 6749 §5.2 keeps for grant types. The
     * scope is what was asked for, all of it granted, or all that is granted when nothing was asked for.
     */
    private ResponseEntity<Map<String, Object>> managementToken(TenantView tenant, ClientView client, TokenRequest request,
                                                                HttpServletRequest http) {
        List<String> granted = client.managementScopes();
        if (granted.isEmpty()) {
            throw OAuthError.invalidTarget("this client is not granted management of its tenant (" + ManagementScopes.AUDIENCE + ")");
        }
        List<String> requested = request.scopes();
        for (String s : requested) {
            if (!granted.contains(s)) {
                throw OAuthError.invalidScope("scope '" + s + "' is not granted to this client; granted: " + String.join(" ", granted));
            }
        }
        List<String> scopes = requested.isEmpty() ? granted : List.copyOf(new LinkedHashSet<>(requested));
        String scope = String.join(" ", scopes);
        LifetimeDecision lifetime = lifetimes.managementToken(tenant, client, scopes);
        Instant issuedAt = lifetime.expiresAt().minusSeconds(lifetime.lifetimeSeconds());
        SignedToken token = signer.accessToken(tenant.signingKey(), RandomTokens.urlSafe(16), issuers.issuer(tenant.tenantId(), http),
                client.clientId(), client.clientId(), List.of(ManagementScopes.AUDIENCE), scope, issuedAt, lifetime.lifetimeSeconds());
        record(new AccessTokenIssued(tenant.tenantId(), token.jti(), client.clientId(), client.clientId(),
                ManagementScopes.AUDIENCE, scope, GrantTypes.CLIENT_CREDENTIALS, token.issuedAt(), token.expiresAt(),
                token.lifetimeSeconds(), lifetime.decidedBy(), lifetime.trace()));
        return ok(token, scope, null);
    }

    /** RFC 6749 §4.1.3 with RFC 7636: the code's aggregate checks client, redirect URI, verifier, expiry and single use. */
    private ResponseEntity<Map<String, Object>> authorizationCode(TenantView tenant, ClientView client, TokenRequest request,
                                                                  HttpServletRequest http) {
        String code = request.required("code");
        String redirectUri = request.required("redirect_uri");
        String verifier = request.single("code_verifier");
        if (!client.confidential() && verifier == null) {
            throw OAuthError.invalidRequest("code_verifier is required for public clients (PKCE)");
        }
        String accessJti = RandomTokens.urlSafe(16);
        String idJti = RandomTokens.urlSafe(16);
        CodeRedemption redemption;
        try {
            redemption = commands.sendAndWait(new RedeemAuthorizationCode(CodeCommands.codeId(code), tenant.tenantId(),
                    client.clientId(), redirectUri, verifier, List.of(accessJti, idJti)));
        } catch (AggregateNotFoundException unknown) {
            throw OAuthError.invalidGrant("unknown authorization code");
        } catch (RuntimeException e) {
            if (ConcurrentAppend.causedBy(e)) {
                throw OAuthError.invalidGrant("the code was already used");
            }
            throw e;
        }
        if (redemption == null || !redemption.redeemed()) {
            throw OAuthError.invalidGrant(redemption == null ? "the code was refused" : redemption.failure());
        }
        UserView user = config.user(tenant.tenantId(), redemption.userId())
                .orElseThrow(() -> OAuthError.invalidGrant("the user no longer exists"));
        ApiView api = redemption.audience() == null ? null : config.api(tenant.tenantId(), redemption.audience())
                .orElseThrow(() -> OAuthError.invalidGrant("the API of this code no longer exists"));
        List<String> scopes = redemption.scope() == null ? List.of() : List.of(redemption.scope().split(" "));
        return userTokens(tenant, client, user, api, scopes, GrantTypes.AUTHORIZATION_CODE, redemption.sessionId(),
                redemption.authTime(), redemption.nonce(), accessJti, idJti, null, http);
    }

    /** RFC 6749 §4.3, only for clients that list {@code password} in their grant types; failures are throttled. */
    private ResponseEntity<Map<String, Object>> password(TenantView tenant, ClientView client, TokenRequest request,
                                                         HttpServletRequest http) {
        String username = request.required("username");
        String password = request.required("password");
        PasswordLogin.Outcome outcome = passwords.attempt(tenant.tenantId(), username, password, http.getRemoteAddr());
        if (outcome.throttled()) {
            throw OAuthError.slowDown("too many failed attempts; retry in " + Math.max(1, outcome.retryAfter().toSeconds()) + " s");
        }
        if (!outcome.succeeded()) {
            throw OAuthError.invalidGrant("wrong username or password");
        }
        UserView user = outcome.user();
        String audience = request.single("audience");
        ApiView api = audience == null ? null : config.api(tenant.tenantId(), audience)
                .orElseThrow(() -> OAuthError.invalidTarget("no API with identifier '" + audience + "' in this tenant"));
        String scope = grantedScope(api, request.scopes(), Set.of("openid", "profile", "email", "offline_access"));
        List<String> scopes = scope == null ? List.of() : List.of(scope.split(" "));
        return userTokens(tenant, client, user, api, scopes, GrantTypes.PASSWORD, null, clock.instant(), null,
                RandomTokens.urlSafe(16), RandomTokens.urlSafe(16), null, http);
    }

    /**
     * RFC 6749 §6: one command to the token's family, which alone decides (rotation, leeway, reuse, expiry). A
     * family the store cannot update answers 503 and stays exactly as it was; the same token works once it is back.
     */
    private ResponseEntity<Map<String, Object>> refreshToken(TenantView tenant, ClientView client, TokenRequest request,
                                                             HttpServletRequest http) {
        String presented = request.required("refresh_token");
        String familyId = RefreshTokens.familyOf(presented);
        if (familyId == null) {
            throw OAuthError.invalidGrant("unknown refresh token");
        }
        String next = RefreshTokens.newToken(familyId);
        String accessJti = RandomTokens.urlSafe(16);
        RefreshOutcome outcome = rotate(new RotateRefreshToken(familyId, tenant.tenantId(), client.clientId(),
                SecretHash.of(presented), SecretHash.of(next), accessJti));
        if (!outcome.granted()) {
            if (outcome.reuseDetected() && outcome.sessionId() != null && tenant.refresh().revokeSessionOnReuse()) {
                revokeSessionAfterReuse(tenant.tenantId(), outcome.sessionId(), familyId);
            }
            throw OAuthError.invalidGrant(outcome.failure() != null ? outcome.failure()
                    : "the refresh token was used before; its family is revoked");
        }
        UserView user = config.user(tenant.tenantId(), outcome.userId())
                .orElseThrow(() -> OAuthError.invalidGrant("the user no longer exists"));
        ApiView api = outcome.audience() == null ? null : config.api(tenant.tenantId(), outcome.audience())
                .orElseThrow(() -> OAuthError.invalidGrant("the API of this refresh token no longer exists"));
        List<String> granted = outcome.scope() == null ? List.of() : List.of(outcome.scope().split(" "));
        List<String> scopes = request.scopes().isEmpty() ? granted : request.scopes();
        if (!granted.containsAll(scopes)) {
            throw OAuthError.invalidScope("a refresh may narrow the granted scope, not widen it");
        }
        return userTokens(tenant, client, user, api, scopes, GrantTypes.REFRESH_TOKEN, outcome.sessionId(), null, null,
                accessJti, RandomTokens.urlSafe(16), outcome.rotated() ? next : presented, http);
    }

    /** A concurrent append on another node means the family moved on: ask it again (it decides on its new state). */
    private RefreshOutcome rotate(RotateRefreshToken command) {
        for (int attempt = 1; ; attempt++) {
            try {
                RefreshOutcome outcome = commands.sendAndWait(command);
                if (outcome == null) {
                    throw OAuthError.invalidGrant("the refresh token was refused");
                }
                return outcome;
            } catch (AggregateNotFoundException | NotFound unknownOrAnotherTenants) {
                throw OAuthError.invalidGrant("unknown refresh token");
            } catch (RuntimeException e) {
                if (ConcurrentAppend.causedBy(e)) {
                    if (attempt == 3) {
                        throw OAuthError.temporarilyUnavailable("the refresh token is being used concurrently; retry");
                    }
                    continue;
                }
                if (storeFailure(e)) {
                    LOG.warn("refresh token family {} could not be updated; nothing was decided", command.familyId(), e);
                    throw OAuthError.temporarilyUnavailable("the token store is unavailable; retry shortly");
                }
                throw e;
            }
        }
    }

    /**
     * The event store or the database failed (connection lost, timeout), or in distributed mode the command service
     * could not be asked: nothing was decided here, and the client is told to retry.
     */
    static boolean storeFailure(Throwable thrown) {
        return StoreFailure.causedBy(thrown);
    }

    private void revokeSessionAfterReuse(String tenantId, String sessionId, String familyId) {
        try {
            commands.sendAndWait(new RevokeSession(sessionId, tenantId, SessionEndReason.REFRESH_TOKEN_REUSE,
                    new RevocationCause(RevocationCause.REFRESH_TOKEN_REUSE, familyId)));
        } catch (RuntimeException e) {
            // The family is already revoked; the session ends by itself at its deadline. Never hide the refusal.
            LOG.warn("could not revoke session {} after refresh token reuse", sessionId, e);
        }
    }

    /**
     * The access token (for the API, plus the userinfo endpoint when {@code openid} was granted; for userinfo only
     * without an API) and, with {@code openid}, the ID token; both lifetimes from the engine, both recorded.
     */
    /**
     * @param refreshToken the token to return from a refresh, or {@code null} to start a family when
     *                     {@code offline_access} was granted, the API allows offline access and the client may refresh
     */
    private ResponseEntity<Map<String, Object>> userTokens(TenantView tenant, ClientView client, UserView user, ApiView api,
                                                           List<String> requestedScopes, String grantType, String sessionId,
                                                           Instant authTime, String nonce, String accessJti, String idJti,
                                                           String refreshToken, HttpServletRequest http) {
        String issuer = issuers.issuer(tenant.tenantId(), http);
        String userinfo = issuer + "/userinfo";
        boolean offline = requestedScopes.contains(OFFLINE_ACCESS) && api != null && api.allowOfflineAccess()
                && client.grantTypes().contains(GrantTypes.REFRESH_TOKEN);
        // offline_access that cannot be honoured is not granted, rather than silently promised.
        List<String> scopes = offline || !requestedScopes.contains(OFFLINE_ACCESS) ? requestedScopes
                : requestedScopes.stream().filter(s -> !s.equals(OFFLINE_ACCESS)).toList();
        boolean openid = scopes.contains("openid");
        LifetimeDecisions d = lifetimes.all(tenant, client, api, grantType, scopes, false, userinfo, user.profile());
        List<String> audience = new ArrayList<>();
        if (api != null) {
            audience.add(api.identifier());
        }
        if (api == null || openid) {
            audience.add(userinfo);
        }
        String scope = scopes.isEmpty() ? null : String.join(" ", scopes);
        LifetimeDecision access = d.accessToken();
        // The family is named before the access token is signed, so the token can carry it (fid): a new one when
        // this grant starts a family, else the one the refresh token came from.
        boolean startsFamily = refreshToken == null && offline;
        String familyId = startsFamily ? RefreshTokens.newFamilyId() : RefreshTokens.familyOf(refreshToken);
        // sid only for a token issued in the login session itself (the code flow); a refresh is not made in the
        // session, and a family is meant to outlive it, so its tokens answer to the family (fid).
        String tokenSession = GrantTypes.REFRESH_TOKEN.equals(grantType) ? null : sessionId;
        SignedToken accessToken = signer.accessToken(tenant.signingKey(), accessJti, issuer, user.userId(), client.clientId(),
                audience, scope, d.issuedAt(), access.lifetimeSeconds(), tokenSession, familyId);
        List<Object> records = new ArrayList<>(2);
        records.add(new AccessTokenIssued(tenant.tenantId(), accessJti, client.clientId(), user.userId(), String.join(" ", audience),
                scope, grantType, accessToken.issuedAt(), accessToken.expiresAt(), accessToken.lifetimeSeconds(),
                access.decidedBy(), access.trace(), tokenSession, familyId));
        SignedToken idToken = null;
        if (openid) {
            LifetimeDecision id = d.idToken();
            idToken = signer.idToken(tenant.signingKey(), idJti, issuer, user.userId(), client.clientId(), d.issuedAt(),
                    id.lifetimeSeconds(), authTime, nonce, sessionId, accessToken.value());
            records.add(new IdTokenIssued(tenant.tenantId(), idJti, client.clientId(), user.userId(), sessionId,
                    idToken.issuedAt(), idToken.expiresAt(), idToken.lifetimeSeconds(), id.decidedBy(), id.trace()));
        }
        String refresh = refreshToken;
        if (startsFamily) {
            refresh = startFamily(familyId, tenant, client, user, api, scope, sessionId, d.refreshToken().lifetimeSeconds());
        }
        record(records.toArray());
        ResponseEntity<Map<String, Object>> response = ok(accessToken, scope, idToken);
        if (refresh != null) {
            response.getBody().put("refresh_token", refresh);
        }
        return response;
    }

    /** A new family: its settings are the client's, else the tenant's; its absolute lifetime is the engine's. */
    private String startFamily(String familyId, TenantView tenant, ClientView client, UserView user, ApiView api, String scope,
                               String sessionId, long absoluteLifetime) {
        String token = RefreshTokens.newToken(familyId);
        TenantRefreshSettings defaults = tenant.refresh();
        try {
            commands.sendAndWait(new StartRefreshTokenFamily(familyId, tenant.tenantId(), client.clientId(), user.userId(),
                    sessionId, SecretHash.of(token), scope, api.identifier(), defaults.rotationFor(client.refresh()),
                    absoluteLifetime, defaults.idleFor(client.refresh()), defaults.leewayFor(client.refresh())));
        } catch (RuntimeException e) {
            if (!storeFailure(e)) {
                throw e;
            }
            LOG.warn("could not start a refresh token family", e);
            throw OAuthError.temporarilyUnavailable("the token store is unavailable; retry shortly");
        }
        return token;
    }

    private void record(Object... issued) {
        try {
            issuanceLog.record(issued);
        } catch (RuntimeException e) {
            LOG.error("could not record issued tokens; they are withheld", e);
            throw OAuthError.temporarilyUnavailable("the token could not be recorded; retry shortly");
        }
    }

    private static ResponseEntity<Map<String, Object>> ok(SignedToken access, String scope, SignedToken idToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", access.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", access.lifetimeSeconds());
        if (scope != null) {
            body.put("scope", scope);
        }
        if (idToken != null) {
            body.put("id_token", idToken.value());
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .header(HttpHeaders.PRAGMA, "no-cache").body(body);
    }

    /**
     * Every requested scope must be one the API defines (or, for user grants, an OpenID Connect scope); none
     * requested means no scope claim.
     */
    private static String grantedScope(ApiView api, List<String> requested, Set<String> alsoAllowed) {
        if (requested.isEmpty()) {
            return null;
        }
        for (String s : requested) {
            if (!alsoAllowed.contains(s) && (api == null || !api.scopes().contains(s))) {
                throw OAuthError.invalidScope("scope '" + s + "' is not defined" + (api == null ? "" : " by API " + api.identifier()));
            }
        }
        return String.join(" ", new LinkedHashSet<>(requested));
    }
}
