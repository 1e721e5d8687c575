package dev.tally.kernel.refresh;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Events of refresh token families. Tokens appear only as their SHA-256 hashes. */
public final class RefreshEvents {
    private RefreshEvents() {
    }

    public sealed interface FamilyEvent permits RefreshTokenFamilyStarted, TokenRotated, RefreshTokenReplayed, RefreshTokenUsed,
            ReuseDetected, RefreshTokenFamilyRevoked, RefreshTokenFamilyExpired {
        String familyId();

        String tenantId();
    }

    /** @param idleExpiresAt {@code null} when the family has no idle lifetime */
    @Revision("1")
    public record RefreshTokenFamilyStarted(String familyId, String tenantId, String clientId, String userId,
                                            String sessionId, String tokenHash, String scope, String audience,
                                            RotationMode rotation, long absoluteLifetime, long idleLifetime, long leeway,
                                            Instant startedAt, Instant expiresAt, Instant idleExpiresAt)
            implements FamilyEvent {
    }

    /**
     * The presented token (generation {@code generation - 1}) was exchanged for a new one.
     *
     * @param withinLeeway the presented token was the immediately previous one, accepted within the leeway
     */
    @Revision("1")
    public record TokenRotated(String familyId, String tenantId, String clientId, String userId, int generation,
                               String presentedTokenHash, String newTokenHash, boolean withinLeeway, Instant at,
                               Instant expiresAt, Instant idleExpiresAt, String accessTokenId) implements FamilyEvent {
    }

    /**
     * The previous token was presented again within the leeway (another tab, a retry after a lost answer): its
     * successor, the family's current token of generation {@code generation}, was handed out again with a new access
     * token. Nothing rotates; the idle deadline slides. Counts toward {@code RefreshCommands.MAX_LEEWAY_SUCCESSES}.
     */
    @Revision("1")
    public record RefreshTokenReplayed(String familyId, String tenantId, String clientId, String userId,
                                       int generation, String presentedTokenHash, Instant at, Instant idleExpiresAt,
                                       String accessTokenId) implements FamilyEvent {
    }

    /** A use of a family with rotation none: the same token stays valid, the idle deadline slides. */
    @Revision("1")
    public record RefreshTokenUsed(String familyId, String tenantId, String clientId, String userId, Instant at,
                                   Instant idleExpiresAt, String accessTokenId) implements FamilyEvent {
    }

    /**
     * A token of an earlier generation was presented: someone holds a token they should not. The family is revoked
     * right after ({@link RefreshTokenFamilyRevoked} with reason reuse).
     */
    @Revision("1")
    public record ReuseDetected(String familyId, String tenantId, String clientId, String userId, String sessionId,
                                int presentedGeneration, int currentGeneration, Instant at) implements FamilyEvent {
    }

    /** @param cause what caused the revocation; {@code null} in revision 1 events */
    @Revision("2")
    public record RefreshTokenFamilyRevoked(String familyId, String tenantId, String userId, String sessionId,
                                            FamilyEndReason reason, Instant at,
                                            dev.tally.kernel.revocation.RevocationCause cause)
            implements FamilyEvent {
        public RefreshTokenFamilyRevoked(String familyId, String tenantId, String userId, String sessionId,
                                         FamilyEndReason reason, Instant at) {
            this(familyId, tenantId, userId, sessionId, reason, at, null);
        }
    }

    /** @param reason {@link FamilyEndReason#ABSOLUTE} or {@link FamilyEndReason#IDLE} */
    @Revision("1")
    public record RefreshTokenFamilyExpired(String familyId, String tenantId, String userId, FamilyEndReason reason,
                                            Instant deadline, Instant recordedAt) implements FamilyEvent {
    }
}
