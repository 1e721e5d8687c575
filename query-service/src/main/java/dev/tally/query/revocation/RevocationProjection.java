package dev.tally.query.revocation;

import dev.tally.kernel.code.CodeEvents.AuthorizationCodeReused;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import dev.tally.platform.axon.EventPositions;
import dev.tally.query.projection.QueryProcessing;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked;
import java.time.Instant;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

/**
 * Writes the revocation view: revoked access tokens (until they expire), families, sessions, and per-subject "not
 * before" instants, each also appended to the ordered revocation log resource servers poll. Every value comes from
 * the event (an event without an instant of its own, {@code UserDeleted}, uses its stored timestamp).
 */
@Component
@ProcessingGroup(QueryProcessing.REVOCATIONS)
public class RevocationProjection {
    private final RevocationRepository repository;
    private final EventPositions positions;

    public RevocationProjection(RevocationRepository repository, EventPositions positions) {
        this.repository = repository;
        this.positions = positions;
    }

    @EventHandler
    void on(AccessTokenRevoked e, EventMessage<?> message) {
        RevocationCause cause = e.cause();
        repository.record(new RevocationEntry(e.tenantId(), positions.of(message), 0, RevocationEntry.JTI,
                e.jti(), e.subject(), e.expiresAt(), null, e.at(), cause == null ? "revoked" : cause.kind(),
                kind(cause), reference(cause)), e.clientId(), null);
    }

    /** The tokens the first redemption issued; their expiry is not in the event. */
    @EventHandler
    void on(AuthorizationCodeReused e, EventMessage<?> message) {
        long position = positions.of(message);
        List<String> jtis = e.revokedTokenIds() == null ? List.of() : e.revokedTokenIds();
        for (int i = 0; i < jtis.size(); i++) {
            repository.record(new RevocationEntry(e.tenantId(), position, i, RevocationEntry.JTI, jtis.get(i),
                    e.userId(), null, null, e.at(), RevocationCause.AUTHORIZATION_CODE_REUSE,
                    RevocationCause.AUTHORIZATION_CODE_REUSE, e.codeId()), e.clientId(), null);
        }
    }

    @EventHandler
    void on(RefreshTokenFamilyRevoked e, EventMessage<?> message) {
        repository.record(new RevocationEntry(e.tenantId(), positions.of(message), 0, RevocationEntry.FAMILY,
                e.familyId(), e.userId(), null, null, e.at(), e.reason().wireName(), kind(e.cause()),
                reference(e.cause())), null, e.sessionId());
    }

    @EventHandler
    void on(SessionRevoked e, EventMessage<?> message) {
        repository.record(new RevocationEntry(e.tenantId(), positions.of(message), 0, RevocationEntry.SESSION,
                e.sessionId(), e.userId(), null, null, e.at(), e.reason().wireName(), kind(e.cause()),
                reference(e.cause())), null, e.sessionId());
    }

    @EventHandler
    void on(UserTokensRevoked e, EventMessage<?> message) {
        RevocationCause cause = e.cause();
        repository.record(new RevocationEntry(e.tenantId(), positions.of(message), 0, RevocationEntry.SUBJECT,
                e.userId(), e.userId(), null, e.notBefore(), message.getTimestamp(),
                cause == null ? "tokens_revoked" : cause.kind(), kind(cause), reference(cause)), null, null);
    }

    /** Nothing issued to a deleted user before the deletion is good any more. */
    @EventHandler
    void on(UserDeleted e, EventMessage<?> message) {
        Instant at = message.getTimestamp();
        repository.record(new RevocationEntry(e.tenantId(), positions.of(message), 0, RevocationEntry.SUBJECT,
                e.userId(), e.userId(), null, at, at, RevocationCause.USER_DELETED, RevocationCause.USER_DELETED,
                e.userId()), null, null);
    }

    /** Every token the key signed is refused; resource servers tell them by the {@code kid} of their header. */
    @EventHandler
    void on(SigningKeyRevoked e, EventMessage<?> message) {
        repository.record(new RevocationEntry(e.tenantId(), positions.of(message), 0, RevocationEntry.SIGNING_KEY,
                e.kid(), null, null, null, e.revokedAt(), "signing_key_revoked", "signing_key", e.kid()), null, null);
    }

    @ResetHandler
    void reset() {
        repository.deleteAll();
    }

    private static String kind(RevocationCause cause) {
        return cause == null ? null : cause.kind();
    }

    private static String reference(RevocationCause cause) {
        return cause == null ? null : cause.reference();
    }
}
