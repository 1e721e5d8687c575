package dev.tally.command.refresh;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import dev.tally.command.catalog.TenantDirectory;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands;
import dev.tally.kernel.refresh.RefreshCommands.ExpireRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.IssuanceRecords;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyExpired;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenReplayed;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenUsed;
import dev.tally.kernel.refresh.RefreshEvents.ReuseDetected;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.ApplyMore;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * The refresh tokens descending from one grant. The family alone decides whether a presented token is good, from
 * its own events and the injected clock; two uses on different nodes meet the event store's optimistic lock, so
 * only one of them can rotate a token. Every use is answered with a {@link RefreshOutcome}, never thrown: an expiry
 * or a reuse it detects is committed, so a refused request still leaves its trace and the revocation sticks.
 *
 * <p>Each token it issues gets the next generation (the first is 1) and is recorded by its hash, so a token of
 * this family presented again after it was replaced is told apart from one it never issued: the first is someone
 * holding a token they should not (the family is revoked), the second only proves that someone knows the family
 * id, which must not be enough to end it.
 *
 * <p>Its state does not grow with its generations (the current and the previous token, deadlines, counters), so it
 * is snapshotted every {@value RefreshFamilyCaching#SNAPSHOT_EVERY} events and a rotation costs the same at
 * generation 5,000 as at 2. Instances are also cached between commands ({@link RefreshFamilyCaching}); see there why a
 * cached copy that another node has overtaken never decides.
 *
 * <p>{@link Revision}: the snapshot's form. Change a field, raise it: snapshots of another revision are passed over
 * (Axon's {@code RevisionSnapshotFilter}) and the family is loaded from its events.
 */
@Revision("1")
@Aggregate(cache = RefreshFamilyCaching.CACHE, snapshotTriggerDefinition = RefreshFamilyCaching.SNAPSHOTS)
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
public class RefreshTokenFamily {
    private static final String WIDER_SCOPE = "a refresh may narrow the granted scope, not widen it";
    private static final Set<FamilyEndReason> REVOCATIONS = EnumSet.of(FamilyEndReason.REUSE,
            FamilyEndReason.REVOKED_BY_CLIENT, FamilyEndReason.LOGOUT, FamilyEndReason.ADMINISTRATOR,
            FamilyEndReason.PERMISSION_CHANGE);

    @AggregateIdentifier
    private String familyId;
    private String tenantId;
    private String clientId;
    private String userId;
    private String sessionId;
    private String scope;
    private String audience;
    private RotationMode rotation;
    private long absoluteLifetime;
    private long idleLifetime;
    private long leeway;
    private Instant expiresAt;
    /** {@code null} when the family has no idle lifetime. */
    private Instant idleExpiresAt;
    private int generation;
    private String currentHash;
    /** When the current token was handed out: the family's start or the rotation that made it. */
    private Instant currentIssuedAt;
    /** The token the last rotation outside the leeway replaced; {@code null} before the first rotation. */
    private String previousHash;
    private int previousGeneration;
    private Instant previousRotatedAt;
    /** Replays of the previous token (and, in histories from before replays, rotations of it) within the leeway. */
    private int leewaySuccesses;
    private FamilyEndReason endReason;

    /** For Axon, and for Jackson reading a snapshot (fields only: the command handler is no creator). */
    @JsonCreator
    protected RefreshTokenFamily() {
    }

    /**
     * The lifetimes come computed from the token service; nonsense there is a bug, not an input error. The records of
     * the login's tokens may ride with the command ({@link IssuanceRecords}): they are appended after the family's
     * start, in its unit of work, once they are found to describe tokens of this family.
     */
    @CommandHandler
    public RefreshTokenFamily(StartRefreshTokenFamily command, TenantDirectory directory, Clock clock,
                              RotationRecords records) {
        if (!directory.tenantActive(command.tenantId())) {
            throw new NotFound("tenant '" + command.tenantId() + "' does not exist");
        }
        requirePresent("familyId", command.familyId());
        if (!command.familyId().startsWith("rtf_")) {
            // RefreshTokens.familyOf routes only ids of this shape: a family named otherwise could never be used.
            throw new IllegalArgumentException("familyId must start with rtf_, got '" + command.familyId() + "'");
        }
        requirePresent("clientId", command.clientId());
        requirePresent("userId", command.userId());
        requireHash("tokenHash", command.tokenHash());
        if (command.rotation() == null) {
            throw new IllegalArgumentException("rotation is required");
        }
        if (command.absoluteLifetime() <= 0 || command.idleLifetime() < 0 || command.leeway() < 0) {
            throw new IllegalArgumentException("a refresh token family needs a positive absolute lifetime and an idle "
                    + "lifetime and leeway of zero or more, got absolute " + command.absoluteLifetime() + " s, idle "
                    + command.idleLifetime() + " s, leeway " + command.leeway() + " s");
        }
        if (command.issued() != null) {
            requireRecordsOf(command.issued(), new Facts(command.familyId(), command.tenantId(), command.clientId(),
                    command.userId(), command.sessionId(), command.scope(), command.audience()), null);
        }
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(command.absoluteLifetime());
        ApplyMore started = apply(new RefreshTokenFamilyStarted(command.familyId(), command.tenantId(),
                command.clientId(), command.userId(), command.sessionId(), command.tokenHash(), command.scope(),
                command.audience(), command.rotation(), command.absoluteLifetime(), command.idleLifetime(),
                command.leeway(), now, expires, idleDeadline(now, command.idleLifetime(), expires)));
        if (command.issued() != null) {
            // A new aggregate's events are published once its constructor returns; the records follow its start in
            // the store as they followed it when they were committed apart.
            started.andThen(() -> records.append(command.issued()));
        }
    }

    /**
     * A use of a token of the family, decided in this order: an ended family, another client, a passed deadline
     * (recorded), the current token (rotated to the successor the command names, or used with rotation none), the
     * previous token within the leeway (its successor, the current token, handed out again: a replay, at most
     * {@link RefreshCommands#MAX_LEEWAY_SUCCESSES} times), any other token the family issued (reuse: recorded, and the
     * family revoked), and last a token it never issued. A scope wider than the family's is refused, recording
     * nothing, before a token that would be granted is spent.
     *
     * <p>The successor is derived by the token service from the presented token, so a token always has the same one:
     * every tab that presents the previous token, and every retry of a request whose answer was lost, gets the token
     * the first use got. The family holds only its current and previous tokens; whether an older token is one of its
     * own is asked of its stored history ({@link FamilyHistory#generationOf}), which only that rare path reads.
     *
     * <p>The records of the tokens the use hands out may ride with the command ({@link IssuanceRecords}): they are
     * appended after a granted decision's events, in its unit of work, and never after a refusal.
     */
    @CommandHandler
    RefreshOutcome handle(RotateRefreshToken command, Clock clock, FamilyHistory history, RotationRecords records) {
        RefreshOutcome outcome = decide(command, clock, history);
        if (outcome.granted() && command.issued() != null) {
            // after the decision's events, in its unit of work: committed with it or not at all
            records.append(command.issued());
        }
        return outcome;
    }

    private RefreshOutcome decide(RotateRefreshToken command, Clock clock, FamilyHistory history) {
        requireSameTenant(command.tenantId());
        requireHash("presentedTokenHash", command.presentedTokenHash());
        if (rotation != RotationMode.NONE) {
            requireHash("newTokenHash", command.newTokenHash());
        }
        if (endReason != null) {
            return RefreshOutcome.refused(endedBecause());
        }
        // Nothing is recorded for another client's request: it learns nothing and can end nothing.
        if (!clientId.equals(command.clientId())) {
            return RefreshOutcome.refused("the refresh token was issued to another client");
        }
        if (command.issued() != null) {
            requireRecordsOf(command.issued(), new Facts(familyId, tenantId, clientId, userId, sessionId, scope,
                    audience), command.accessTokenId());
        }
        Instant now = clock.instant();
        if (expireIfDue(now)) {
            return RefreshOutcome.refused(endedBecause());
        }
        String presented = command.presentedTokenHash();
        if (presented.equals(currentHash)) {
            if (!withinScope(command.requestedScope())) {
                return RefreshOutcome.scopeRefused(WIDER_SCOPE);
            }
            if (rotation == RotationMode.NONE) {
                return use(command, now);
            }
            if (command.newTokenHash().equals(currentHash) || command.newTokenHash().equals(previousHash)) {
                throw new IllegalArgumentException("newTokenHash names a token this family already issued");
            }
            return rotate(command, now, false);
        }
        if (presented.equals(previousHash) && withinLeeway(now)) {
            if (!withinScope(command.requestedScope())) {
                return RefreshOutcome.scopeRefused(WIDER_SCOPE);
            }
            if (leewaySuccesses >= RefreshCommands.MAX_LEEWAY_SUCCESSES) {
                // A client retrying this often is broken or replaying; refuse, but do not end a family that may
                // still be in the right hands.
                return refuseUnlessBehind(history, "too many refreshes of one token within the leeway");
            }
            if (command.newTokenHash().equals(currentHash)) {
                return replay(command, now);
            }
            // The current token is not the previous one's derived successor: it was issued before successors were
            // derived (or under another master key). Rotate to the derived one, so replays from now on match.
            return rotate(command, now, true);
        }
        int presentedGeneration = presented.equals(previousHash) ? previousGeneration
                : history.generationOf(familyId, presented).orElse(0);
        if (presentedGeneration > generation) {
            throw behind("a token of generation " + presentedGeneration + " was issued on another node");
        }
        if (presentedGeneration > 0) {
            apply(new ReuseDetected(familyId, tenantId, clientId, userId, sessionId, presentedGeneration, generation, now));
            apply(new RefreshTokenFamilyRevoked(familyId, tenantId, userId, sessionId, FamilyEndReason.REUSE, now,
                    new RevocationCause(RevocationCause.REFRESH_TOKEN_REUSE, familyId)));
            // User and session go with the answer so the caller can end the login session the token came from.
            return new RefreshOutcome(false, false, true,
                    "the refresh token was already used; every token of its family is revoked", userId, sessionId,
                    null, null, 0);
        }
        return refuseUnlessBehind(history, "unknown refresh token");
    }

    /**
     * Records that ride with a use or a start must be of tokens this family may hand out for it: its tenant, client,
     * user, session and API, a scope within its own, and for a use the refresh grant and the access token the command
     * names (for a start, the grant that started it). The token service builds them from what the family told it
     * before, or from the login it starts; anything else is a bug there, refused before anything is decided.
     *
     * @param accessTokenId the jti a use names; {@code null} for a start
     */
    private static void requireRecordsOf(IssuanceRecords issued, Facts family, String accessTokenId) {
        AccessTokenIssued access = issued.accessToken();
        boolean start = accessTokenId == null;
        if (access == null || !family.tenantId().equals(access.tenantId()) || !family.clientId().equals(access.clientId())
                || !family.userId().equals(access.subject()) || !Objects.equals(family.sessionId(), access.sessionId())
                || !family.familyId().equals(access.familyId()) || access.grantType() == null
                || start == GrantTypes.REFRESH_TOKEN.equals(access.grantType())
                || access.jti() == null || !start && !access.jti().equals(accessTokenId) || access.audience() == null
                || family.audience() != null && !List.of(access.audience().split(" ")).contains(family.audience())
                || !withinScope(family.scope(), access.scope())) {
            throw new IllegalArgumentException("the access token's record does not describe a token of refresh token "
                    + "family " + family.familyId() + (start ? " at its start" : " for this use"));
        }
        IdTokenIssued id = issued.idToken();
        if (id != null && (!family.tenantId().equals(id.tenantId()) || !family.clientId().equals(id.clientId())
                || !family.userId().equals(id.subject()) || !Objects.equals(family.sessionId(), id.sessionId())
                || id.jti() == null || id.jti().equals(access.jti()))) {
            throw new IllegalArgumentException("the ID token's record does not describe a token of refresh token "
                    + "family " + family.familyId() + (start ? " at its start" : " for this use"));
        }
    }

    /** What a family never changes, that records riding with its commands must match. */
    private record Facts(String familyId, String tenantId, String clientId, String userId, String sessionId,
                         String scope, String audience) {
    }

    /** Whether a requested scope (space-separated; none means the family's whole scope) is within the family's. */
    private boolean withinScope(String requested) {
        return withinScope(scope, requested);
    }

    private static boolean withinScope(String granted, String requested) {
        if (requested == null || requested.isBlank()) {
            return true;
        }
        Set<String> all = granted == null ? Set.of() : Set.copyOf(Arrays.asList(granted.trim().split("\\s+")));
        for (String s : requested.trim().split("\\s+")) {
            if (!all.contains(s)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A refusal that records nothing, so no append would notice if this copy of the family (possibly cached) is behind
     * the store: another node may have issued the token presented, or moved the previous one out of the leeway. If the
     * history moved on, nothing is decided here: the rollback evicts the copy and the caller sends the command again,
     * as after a lost append race.
     */
    private RefreshOutcome refuseUnlessBehind(FamilyHistory history, String reason) {
        requireUpToDate(history);
        return RefreshOutcome.refused(reason);
    }

    /**
     * RFC 7662 for one presented token, answered from this family's own state and the clock; records nothing. Active
     * only for the current token (with rotation none, the one token) of a family that has not ended and whose
     * deadlines have not passed; a deadline passed but not yet recorded is answered inactive without recording it
     * (the sweeper or the next use records it). A token of another tenant is inactive: to that tenant the family
     * does not exist, and the caller must not learn otherwise.
     *
     * <p>Nothing is appended, so nothing would notice a copy that another node has overtaken (a cached one that
     * still thinks a rotated-away token is current, or a revoked family alive): the store is asked first, as for
     * the refusals that record nothing, and a copy that is behind decides nothing.
     */
    @CommandHandler
    RefreshTokenIntrospection handle(InspectRefreshToken command, Clock clock, FamilyHistory history) {
        if (!tenantId.equals(command.tenantId())) {
            return RefreshTokenIntrospection.INACTIVE;
        }
        requireHash("tokenHash", command.tokenHash());
        requireUpToDate(history);
        Instant now = clock.instant();
        Instant deadline = idleExpiresAt != null && idleExpiresAt.isBefore(expiresAt) ? idleExpiresAt : expiresAt;
        if (endReason != null || !now.isBefore(deadline) || !command.tokenHash().equals(currentHash)) {
            return RefreshTokenIntrospection.INACTIVE;
        }
        return new RefreshTokenIntrospection(true, clientId, userId, sessionId, scope, audience, currentIssuedAt, deadline);
    }

    /** Throws {@link ConcurrencyException} if the store holds events of this family that this copy has not applied. */
    private void requireUpToDate(FamilyHistory history) {
        Long version = AggregateLifecycle.getVersion();
        if (version != null && history.movedPast(familyId, version)) {
            throw behind("it has events after version " + version + " on another node");
        }
    }

    private ConcurrencyException behind(String why) {
        return new ConcurrencyException("refresh token family " + familyId + ": " + why
                + "; decide again on the stored history");
    }

    /** Idempotent: an ended family records nothing. The command's cause, if any, is recorded with the revocation. */
    @CommandHandler
    void handle(RevokeRefreshTokenFamily command, Clock clock) {
        requireSameTenant(command.tenantId());
        if (command.reason() == null || !REVOCATIONS.contains(command.reason())) {
            throw new IllegalArgumentException("a refresh token family is revoked for one of " + REVOCATIONS + ", not "
                    + command.reason());
        }
        if (endReason == null) {
            apply(new RefreshTokenFamilyRevoked(familyId, tenantId, userId, sessionId, command.reason(), clock.instant(),
                    command.cause()));
        }
    }

    /** The sweeper's command: idempotent, and a no-op before a deadline. */
    @CommandHandler
    void handle(ExpireRefreshTokenFamily command, Clock clock) {
        requireSameTenant(command.tenantId());
        if (endReason == null) {
            expireIfDue(clock.instant());
        }
    }

    private RefreshOutcome use(RotateRefreshToken command, Instant now) {
        apply(new RefreshTokenUsed(familyId, tenantId, clientId, userId, now, idleDeadline(now, idleLifetime, expiresAt),
                command.accessTokenId()));
        return granted(false);
    }

    /**
     * A new current token. Outside the leeway the presented (current) token becomes the previous one and its leeway
     * starts; within it the previous token stays previous and its leeway successes are counted. With rotation
     * rotate-sliding each new token gets a new absolute lifetime; the idle deadline slides in every mode.
     */
    private RefreshOutcome rotate(RotateRefreshToken command, Instant now, boolean withinLeeway) {
        Instant expires = rotation == RotationMode.ROTATE_SLIDING ? now.plusSeconds(absoluteLifetime) : expiresAt;
        apply(new TokenRotated(familyId, tenantId, clientId, userId, generation + 1, command.presentedTokenHash(),
                command.newTokenHash(), withinLeeway, now, expires, idleDeadline(now, idleLifetime, expires),
                command.accessTokenId()));
        return granted(true);
    }

    /**
     * The previous token again, within the leeway: the current token (its successor) is handed out again with a new
     * access token. Nothing rotates; the idle deadline slides, as for any use.
     */
    private RefreshOutcome replay(RotateRefreshToken command, Instant now) {
        apply(new RefreshTokenReplayed(familyId, tenantId, clientId, userId, generation, command.presentedTokenHash(),
                now, idleDeadline(now, idleLifetime, expiresAt), command.accessTokenId()));
        return new RefreshOutcome(true, true, false, null, userId, sessionId, scope, audience, generation, null, true);
    }

    private RefreshOutcome granted(boolean rotated) {
        return new RefreshOutcome(true, rotated, false, null, userId, sessionId, scope, audience, generation);
    }

    private boolean withinLeeway(Instant now) {
        return leeway > 0 && now.isBefore(previousRotatedAt.plusSeconds(leeway));
    }

    /** Records the expiry if a deadline has passed (the absolute one first); true if it did. */
    private boolean expireIfDue(Instant now) {
        if (!now.isBefore(expiresAt)) {
            apply(new RefreshTokenFamilyExpired(familyId, tenantId, userId, FamilyEndReason.ABSOLUTE, expiresAt, now));
            return true;
        }
        if (idleExpiresAt != null && !now.isBefore(idleExpiresAt)) {
            apply(new RefreshTokenFamilyExpired(familyId, tenantId, userId, FamilyEndReason.IDLE, idleExpiresAt, now));
            return true;
        }
        return false;
    }

    private String endedBecause() {
        return switch (endReason) {
            case ABSOLUTE, IDLE -> RefreshOutcome.EXPIRED;
            case REUSE -> "the refresh token was revoked after a reuse";
            default -> "the refresh token was revoked";
        };
    }

    @EventSourcingHandler
    void on(RefreshTokenFamilyStarted e) {
        this.familyId = e.familyId();
        this.tenantId = e.tenantId();
        this.clientId = e.clientId();
        this.userId = e.userId();
        this.sessionId = e.sessionId();
        this.scope = e.scope();
        this.audience = e.audience();
        this.rotation = e.rotation();
        this.absoluteLifetime = e.absoluteLifetime();
        this.idleLifetime = e.idleLifetime();
        this.leeway = e.leeway();
        this.expiresAt = e.expiresAt();
        this.idleExpiresAt = e.idleExpiresAt();
        this.generation = 1;
        this.currentHash = e.tokenHash();
        this.currentIssuedAt = e.startedAt();
    }

    @EventSourcingHandler
    void on(TokenRotated e) {
        if (e.withinLeeway()) {
            this.leewaySuccesses++;
        } else {
            this.previousHash = e.presentedTokenHash();
            this.previousGeneration = e.generation() - 1;
            this.previousRotatedAt = e.at();
            this.leewaySuccesses = 0;
        }
        this.generation = e.generation();
        this.currentHash = e.newTokenHash();
        this.currentIssuedAt = e.at();
        this.expiresAt = e.expiresAt();
        this.idleExpiresAt = e.idleExpiresAt();
    }

    @EventSourcingHandler
    void on(RefreshTokenReplayed e) {
        this.leewaySuccesses++;
        this.idleExpiresAt = e.idleExpiresAt();
    }

    @EventSourcingHandler
    void on(RefreshTokenUsed e) {
        this.idleExpiresAt = e.idleExpiresAt();
    }

    @EventSourcingHandler
    void on(RefreshTokenFamilyRevoked e) {
        this.endReason = e.reason();
    }

    @EventSourcingHandler
    void on(RefreshTokenFamilyExpired e) {
        this.endReason = e.reason();
    }

    /** A family of another tenant is, to this tenant, a family that does not exist. */
    private void requireSameTenant(String commandTenant) {
        if (!tenantId.equals(commandTenant)) {
            throw new NotFound("no such refresh token family in tenant '" + commandTenant + "'");
        }
    }

    /** Guards against a token itself being handed over: the history is readable by every operator. */
    private static void requireHash(String name, String value) {
        if (value == null || !value.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(name + " must be the SHA-256 of the token, in lower-case hex");
        }
    }

    private static void requirePresent(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    /** The idle deadline from {@code now}: never after the absolute one, and none without an idle lifetime. */
    private static Instant idleDeadline(Instant now, long idleLifetime, Instant expiresAt) {
        if (idleLifetime <= 0) {
            return null;
        }
        Instant idle = now.plusSeconds(idleLifetime);
        return idle.isBefore(expiresAt) ? idle : expiresAt;
    }
}
