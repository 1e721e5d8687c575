package dev.tally.command.refresh;

import static dev.tally.command.refresh.RefreshFamilyCatalog.utc;

import dev.tally.command.catalog.CatalogProcessing;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyExpired;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenReplayed;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenUsed;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code refresh_family_catalog} in step with the families' events, in the catalog's subscribing processor:
 * written in the transaction that appends the events, its failures roll them back (see {@link CatalogProcessing}).
 * {@code ReuseDetected} changes nothing here: the revocation recorded with it does.
 */
@Component
@ProcessingGroup(CatalogProcessing.GROUP)
public class RefreshFamilyCatalogProjection {
    private final JdbcTemplate jdbc;

    public RefreshFamilyCatalogProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(RefreshTokenFamilyStarted e) {
        jdbc.update("INSERT INTO refresh_family_catalog (tenant_id, family_id, client_id, user_id, session_id, rotation, "
                        + "generation, started_at, expires_at, idle_expires_at, next_deadline) "
                        + "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                e.tenantId(), e.familyId(), e.clientId(), e.userId(), e.sessionId(), e.rotation().wireName(),
                utc(e.startedAt()), utc(e.expiresAt()), utc(e.idleExpiresAt()),
                utc(nextDeadline(e.expiresAt(), e.idleExpiresAt())));
    }

    @EventHandler
    void on(TokenRotated e) {
        jdbc.update("UPDATE refresh_family_catalog SET generation = ?, last_used_at = ?, expires_at = ?, "
                        + "idle_expires_at = ?, next_deadline = ? WHERE tenant_id = ? AND family_id = ?",
                e.generation(), utc(e.at()), utc(e.expiresAt()), utc(e.idleExpiresAt()),
                utc(nextDeadline(e.expiresAt(), e.idleExpiresAt())), e.tenantId(), e.familyId());
    }

    /** A replay of the previous token: a use; the absolute deadline stays, the idle one slides. */
    @EventHandler
    void on(RefreshTokenReplayed e) {
        slide(e.tenantId(), e.familyId(), e.at(), e.idleExpiresAt());
    }

    /**
     * Rotation none: the absolute deadline stays, so the next deadline is the new idle one; without an idle
     * lifetime it stays the absolute one.
     */
    @EventHandler
    void on(RefreshTokenUsed e) {
        slide(e.tenantId(), e.familyId(), e.at(), e.idleExpiresAt());
    }

    private void slide(String tenantId, String familyId, Instant at, Instant idleExpiresAt) {
        if (idleExpiresAt == null) {
            jdbc.update("UPDATE refresh_family_catalog SET last_used_at = ? WHERE tenant_id = ? AND family_id = ?",
                    utc(at), tenantId, familyId);
        } else {
            jdbc.update("UPDATE refresh_family_catalog SET last_used_at = ?, idle_expires_at = ?, next_deadline = ? "
                            + "WHERE tenant_id = ? AND family_id = ?",
                    utc(at), utc(idleExpiresAt), utc(idleExpiresAt), tenantId, familyId);
        }
    }

    /** An expired family ended at its deadline; when the expiry was noticed is in the event, not here. */
    @EventHandler
    void on(RefreshTokenFamilyExpired e) {
        jdbc.update("UPDATE refresh_family_catalog SET ended_at = ?, end_reason = ? WHERE tenant_id = ? AND family_id = ?",
                utc(e.deadline()), e.reason().wireName(), e.tenantId(), e.familyId());
    }

    @EventHandler
    void on(RefreshTokenFamilyRevoked e) {
        jdbc.update("UPDATE refresh_family_catalog SET ended_at = ?, end_reason = ? WHERE tenant_id = ? AND family_id = ?",
                utc(e.at()), e.reason().wireName(), e.tenantId(), e.familyId());
    }

    /** The idle deadline is never after the absolute one, so when there is one it comes first. */
    private static Instant nextDeadline(Instant expiresAt, Instant idleExpiresAt) {
        return idleExpiresAt != null ? idleExpiresAt : expiresAt;
    }
}
