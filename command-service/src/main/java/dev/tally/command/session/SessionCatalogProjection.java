package dev.tally.command.session;

import static dev.tally.command.session.SessionCatalog.utc;

import dev.tally.command.catalog.CatalogProcessing;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code session_catalog} in step with the sessions' events, in the catalog's subscribing processor: written
 * in the transaction that appends the events, its failures roll them back (see {@link CatalogProcessing}).
 */
@Component
@ProcessingGroup(CatalogProcessing.GROUP)
public class SessionCatalogProjection {
    private final JdbcTemplate jdbc;

    public SessionCatalogProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionStarted e) {
        jdbc.update("INSERT INTO session_catalog (tenant_id, session_id, user_id, client_id, started_at, last_activity_at, "
                        + "idle_deadline, absolute_deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                e.tenantId(), e.sessionId(), e.userId(), e.clientId(), utc(e.startedAt()), utc(e.startedAt()),
                utc(e.idleDeadline()), utc(e.absoluteDeadline()));
    }

    @EventHandler
    void on(SessionExtended e) {
        jdbc.update("UPDATE session_catalog SET last_activity_at = ?, idle_deadline = ? WHERE tenant_id = ? AND session_id = ?",
                utc(e.at()), utc(e.idleDeadline()), e.tenantId(), e.sessionId());
    }

    /** An expired session ended at its deadline; when the expiry was noticed is in the event, not here. */
    @EventHandler
    void on(SessionExpired e) {
        jdbc.update("UPDATE session_catalog SET ended_at = ?, end_reason = ? WHERE tenant_id = ? AND session_id = ?",
                utc(e.deadline()), e.reason().wireName(), e.tenantId(), e.sessionId());
    }

    @EventHandler
    void on(SessionRevoked e) {
        jdbc.update("UPDATE session_catalog SET ended_at = ?, end_reason = ? WHERE tenant_id = ? AND session_id = ?",
                utc(e.at()), e.reason().wireName(), e.tenantId(), e.sessionId());
    }
}
