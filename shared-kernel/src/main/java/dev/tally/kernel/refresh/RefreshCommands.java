package dev.tally.kernel.refresh;

import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Commands of a refresh token family. The family alone decides whether a presented token is good; the event
 * store's optimistic concurrency makes that decision atomic across token-service nodes. Token values never travel
 * in commands, only their SHA-256.
 */
public final class RefreshCommands {
    /**
     * At most this many replays of the previous token within the leeway after one rotation (each hands out the same
     * successor): enough for twenty tabs that refresh at once, with retries, and a bound on what a stolen previous
     * token can get before the leeway ends.
     */
    public static final int MAX_LEEWAY_SUCCESSES = 30;

    private RefreshCommands() {
    }

    /**
     * @param absoluteLifetime seconds from now (from the lifetime engine: client, rules, tenant bound)
     * @param idleLifetime seconds since the last use after which the family expires, or 0 for none
     * @param leeway seconds during which the immediately previous token still succeeds, 0 for none
     * @param issued the records of the tokens handed out with the family's first refresh token (the login's access
     *               and ID tokens), appended with the family's start, in its unit of work; {@code null} when the token
     *               service records them itself after the answer
     */
    public record StartRefreshTokenFamily(String familyId, String tenantId, String clientId, String userId,
                                          String sessionId, String tokenHash, String scope, String audience,
                                          RotationMode rotation, long absoluteLifetime, long idleLifetime, long leeway,
                                          IssuanceRecords issued) {
        public StartRefreshTokenFamily(String familyId, String tenantId, String clientId, String userId,
                                       String sessionId, String tokenHash, String scope, String audience,
                                       RotationMode rotation, long absoluteLifetime, long idleLifetime, long leeway) {
            this(familyId, tenantId, clientId, userId, sessionId, tokenHash, scope, audience, rotation, absoluteLifetime,
                    idleLifetime, leeway, null);
        }
    }

    /**
     * A use of a token of the family. Answers {@link RefreshOutcome}; what it records (rotation, replay, reuse and
     * revocation, expiry) is committed, not thrown.
     *
     * @param newTokenHash the hash of the presented token's successor, which the token service derives from the
     *                     presented token (so one token always has the same successor); ignored with rotation none
     * @param accessTokenId the jti of the access token this use will issue
     * @param requestedScope the scope the client asked for, {@code null} or empty for the family's whole scope; a
     *                       wider one is refused before anything is recorded
     * @param issued the records of the tokens this use hands out if granted, appended with the family's decision;
     *               {@code null} when the token service records them itself after the answer
     */
    public record RotateRefreshToken(@TargetAggregateIdentifier String familyId, String tenantId, String clientId,
                                     String presentedTokenHash, String newTokenHash, String accessTokenId,
                                     String requestedScope, IssuanceRecords issued) {
        public RotateRefreshToken(String familyId, String tenantId, String clientId, String presentedTokenHash,
                                  String newTokenHash, String accessTokenId, String requestedScope) {
            this(familyId, tenantId, clientId, presentedTokenHash, newTokenHash, accessTokenId, requestedScope, null);
        }

        public RotateRefreshToken(String familyId, String tenantId, String clientId, String presentedTokenHash,
                                  String newTokenHash, String accessTokenId) {
            this(familyId, tenantId, clientId, presentedTokenHash, newTokenHash, accessTokenId, null, null);
        }
    }

    /**
     * The records of the tokens a granted use (or the start) hands out, appended in the transaction that records the
     * family's decision: a refresh or a login then waits for one durable commit, not two (the decision's, then the
     * records'). The token service signs the tokens before it asks, from what it already knows of the family (its
     * user, session, scope and API never change); the family appends the records only when it grants the use (or
     * starts), and refuses records that do not describe it. For a use, the access token's {@code jti} is the command's
     * {@code accessTokenId}.
     *
     * @param idToken {@code null} when no ID token is handed out
     */
    public record IssuanceRecords(AccessTokenIssued accessToken, IdTokenIssued idToken) {
        /** The records to append, the access token's first, the ID token's only when there is one. */
        public List<Object> events() {
            return idToken == null ? List.of(accessToken) : List.of(accessToken, idToken);
        }
    }

    /** Ends the family (RFC 7009 revocation, logout, administrator, permission change). Idempotent. */
    public record RevokeRefreshTokenFamily(@TargetAggregateIdentifier String familyId, String tenantId,
                                           FamilyEndReason reason, dev.tally.kernel.revocation.RevocationCause cause) {
        public RevokeRefreshTokenFamily(String familyId, String tenantId, FamilyEndReason reason) {
            this(familyId, tenantId, reason, null);
        }
    }

    /**
     * RFC 7662 for refresh tokens, answered by the family itself (strongly consistent): records nothing, answers
     * {@link RefreshTokenIntrospection}. A token of another tenant is answered inactive, never "not found".
     */
    public record InspectRefreshToken(@TargetAggregateIdentifier String familyId, String tenantId, String tokenHash) {
    }

    /** The sweeper's command: records the expiry of a family past a deadline; nothing otherwise. Idempotent. */
    public record ExpireRefreshTokenFamily(@TargetAggregateIdentifier String familyId, String tenantId) {
    }
}
