package dev.tally.query.state;

import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshEvents.FamilyEvent;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyExpired;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenReplayed;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenUsed;
import dev.tally.kernel.refresh.RefreshEvents.ReuseDetected;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import dev.tally.kernel.revocation.RevocationCause;
import java.time.Instant;

/**
 * A refresh token family as its events leave it, folded the way the {@code RefreshTokenFamily} aggregate counts:
 * the first token is generation 1, and each rotation (also one within the leeway, in histories from before replays)
 * sets the generation it names; a replay of the previous token hands out the current one again and leaves it.
 * Pure, and shared by the {@code refresh_family_view} projection and the time-travel reads.
 *
 * @param status       {@code active}, {@code expired} or {@code revoked}
 * @param idleExpiresAt {@code null} when the family has no idle lifetime
 * @param lastUsedAt   the last granted use (rotation or use), {@code null} before the first
 */
public record FamilyState(String tenantId, String familyId, String userId, String clientId, String sessionId,
                          String status, int generation, String rotation, String scope, String audience,
                          long absoluteLifetime, long idleLifetime, long leeway, Instant startedAt, Instant expiresAt,
                          Instant idleExpiresAt, Instant lastUsedAt, Instant endedAt, String endReason,
                          String causeKind, String causeReference) {

    public static FamilyState apply(FamilyState state, FamilyEvent event) {
        return switch (event) {
            case RefreshTokenFamilyStarted e -> state != null ? state : new FamilyState(e.tenantId(), e.familyId(),
                    e.userId(), e.clientId(), e.sessionId(), SessionState.ACTIVE, 1, e.rotation().wireName(), e.scope(),
                    e.audience(), e.absoluteLifetime(), e.idleLifetime(), e.leeway(), e.startedAt(), e.expiresAt(),
                    e.idleExpiresAt(), null, null, null, null, null);
            case TokenRotated e -> state == null || state.ended() ? state
                    : state.used(e.generation(), e.expiresAt(), e.idleExpiresAt(), e.at());
            // the previous token again within the leeway: its successor handed out again, nothing rotates
            case RefreshTokenReplayed e -> state == null || state.ended() ? state
                    : state.used(state.generation, state.expiresAt, e.idleExpiresAt(), e.at());
            case RefreshTokenUsed e -> state == null || state.ended() ? state
                    : state.used(state.generation, state.expiresAt, e.idleExpiresAt(), e.at());
            // The revocation that follows a reuse says what it did; the detection itself changes no state.
            case ReuseDetected e -> state;
            case RefreshTokenFamilyRevoked e -> state == null || state.ended() ? state
                    : state.end(SessionState.REVOKED, e.at(), e.reason().wireName(), e.cause());
            case RefreshTokenFamilyExpired e -> state == null || state.ended() ? state
                    : state.end(SessionState.EXPIRED, e.deadline(), e.reason().wireName(), null);
        };
    }

    public static FamilyState fold(Iterable<? extends FamilyEvent> events) {
        FamilyState state = null;
        for (FamilyEvent e : events) {
            state = apply(state, e);
        }
        return state;
    }

    public boolean ended() {
        return !SessionState.ACTIVE.equals(status);
    }

    /** The family as it stood at {@code instant}: past a deadline it was expired, recorded or not (absolute first). */
    public FamilyState asOf(Instant instant) {
        if (ended()) {
            return this;
        }
        if (!instant.isBefore(expiresAt)) {
            return end(SessionState.EXPIRED, expiresAt, FamilyEndReason.ABSOLUTE.wireName(), null);
        }
        if (idleExpiresAt != null && !instant.isBefore(idleExpiresAt)) {
            return end(SessionState.EXPIRED, idleExpiresAt, FamilyEndReason.IDLE.wireName(), null);
        }
        return this;
    }

    private FamilyState used(int newGeneration, Instant newExpiresAt, Instant newIdleExpiresAt, Instant at) {
        return new FamilyState(tenantId, familyId, userId, clientId, sessionId, status, newGeneration, rotation, scope,
                audience, absoluteLifetime, idleLifetime, leeway, startedAt, newExpiresAt, newIdleExpiresAt, at,
                endedAt, endReason, causeKind, causeReference);
    }

    private FamilyState end(String newStatus, Instant at, String reason, RevocationCause cause) {
        return new FamilyState(tenantId, familyId, userId, clientId, sessionId, newStatus, generation, rotation, scope,
                audience, absoluteLifetime, idleLifetime, leeway, startedAt, expiresAt, idleExpiresAt, lastUsedAt, at,
                reason, cause == null ? null : cause.kind(), cause == null ? null : cause.reference());
    }
}
