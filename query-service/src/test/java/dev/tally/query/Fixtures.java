package dev.tally.query;

import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.code.CodeEvents.AuthorizationCodeReused;
import dev.tally.kernel.lifetime.trace.TraceStep;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Kernel events as the services record them, for feeding the query side in tests. */
public final class Fixtures {
    public static final String HASH = "a".repeat(64);

    private Fixtures() {
    }

    public static TenantCreated tenantCreated(String tenant, Instant at) {
        return new TenantCreated(tenant, tenant, SigningAlgorithm.ES256, at);
    }

    public static SigningKeyAdded keyAdded(String tenant, Instant at) {
        return new SigningKeyAdded(tenant, "kid-1", SigningAlgorithm.ES256, "{\"kty\":\"EC\"}", "SEALED-PRIVATE-KEY", at);
    }

    public static ClientRegistered clientRegistered(String tenant, String clientId, Instant at) {
        return new ClientRegistered(clientId, tenant, "billing", AppType.NON_INTERACTIVE, List.of("client_credentials"),
                HASH, Map.of("tier", "gold"), 36000, ClientUrls.NONE, ClientSessionLimits.NONE, at);
    }

    public static UserRegistered userRegistered(String tenant, String userId, Instant at) {
        return new UserRegistered(userId, tenant, "alice-" + userId, "$argon2id$v=19$m=7168,t=5,p=1$c2FsdA$aGFzaA",
                Map.of(), List.of("admin"), List.of("read:orders"), at);
    }

    public static AccessTokenIssued clientToken(String tenant, String jti, String clientId, Instant at) {
        return new AccessTokenIssued(tenant, jti, clientId, clientId, "https://api.test", "read:orders",
                "client_credentials", at, at.plusSeconds(3600), 3600, "api.token_lifetime",
                List.of(TraceStep.set("api.token_lifetime", 3600), TraceStep.clamp("tenant.max_token_lifetime", 3600, false)),
                null, null);
    }

    public static AccessTokenIssued userToken(String tenant, String jti, String clientId, String userId,
                                              String sessionId, String familyId, Instant at) {
        return new AccessTokenIssued(tenant, jti, clientId, userId, "https://api.test", "openid offline_access",
                "refresh_token", at, at.plusSeconds(600), 600, "api.token_lifetime_for_web",
                List.of(TraceStep.set("api.token_lifetime_for_web", 600)), sessionId, familyId);
    }

    public static SessionStarted sessionStarted(String tenant, String sessionId, String userId, String clientId, Instant at) {
        return new SessionStarted(sessionId, tenant, userId, clientId, HASH, at, 3600, 86400, at.plusSeconds(3600),
                at.plusSeconds(86400));
    }

    public static SessionExtended sessionExtended(String tenant, String sessionId, String userId, String clientId, Instant at) {
        return new SessionExtended(sessionId, tenant, userId, clientId, at, at.plusSeconds(3600));
    }

    public static SessionRevoked sessionRevoked(String tenant, String sessionId, String userId, Instant at,
                                                RevocationCause cause) {
        return new SessionRevoked(sessionId, tenant, userId, SessionEndReason.LOGOUT, at, cause);
    }

    public static RefreshTokenFamilyStarted familyStarted(String tenant, String familyId, String userId, String clientId,
                                                          String sessionId, Instant at) {
        return new RefreshTokenFamilyStarted(familyId, tenant, clientId, userId, sessionId, HASH, "openid offline_access",
                "https://api.test", RotationMode.ROTATE_SLIDING, 86400, 3600, 0, at, at.plusSeconds(86400),
                at.plusSeconds(3600));
    }

    public static TokenRotated rotated(String tenant, String familyId, String userId, String clientId, int generation,
                                       Instant at) {
        return new TokenRotated(familyId, tenant, clientId, userId, generation, HASH, "b".repeat(64), false, at,
                at.plusSeconds(86400), at.plusSeconds(3600), "jti-rot-" + generation);
    }

    public static RefreshTokenFamilyRevoked familyRevoked(String tenant, String familyId, String userId,
                                                          String sessionId, Instant at, RevocationCause cause) {
        return new RefreshTokenFamilyRevoked(familyId, tenant, userId, sessionId, FamilyEndReason.PERMISSION_CHANGE, at,
                cause);
    }

    public static AccessTokenRevoked tokenRevoked(String tenant, String jti, String clientId, String subject,
                                                  Instant expiresAt, Instant at) {
        return new AccessTokenRevoked(tenant, jti, clientId, subject, expiresAt, at, RevocationCause.clientRequest(clientId));
    }

    public static AuthorizationCodeReused codeReused(String tenant, String clientId, String userId, List<String> jtis,
                                                     Instant at) {
        return new AuthorizationCodeReused("code:" + HASH, tenant, clientId, userId, jtis, at);
    }

    public static UserTokensRevoked userTokensRevoked(String tenant, String userId, Instant notBefore) {
        return new UserTokensRevoked(userId, tenant, notBefore, RevocationCause.permissionChange("chg-1"));
    }

    public static UserDeleted userDeleted(String tenant, String userId) {
        return new UserDeleted(userId, tenant, "alice");
    }
}
