package dev.tally.command.revocation;

import dev.tally.command.catalog.CatalogProcessing;
import dev.tally.command.refresh.RefreshFamilyCatalog;
import dev.tally.command.refresh.RefreshFamilyCatalog.FamilyRow;
import dev.tally.command.session.SessionCatalog;
import dev.tally.command.session.SessionCatalog.SessionRow;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.user.PermissionChangePolicy;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What follows a change of a user's roles or permissions, as the tenant's {@code on_permission_change} (recorded in
 * the event) says, and what follows the deletion of a user:
 * <ul>
 *   <li>{@code revoke_refresh_tokens}: every refresh-token family of the user that has not ended is revoked (reason
 *       {@code permission_change});</li>
 *   <li>{@code revoke_all}: the families, and every login session of the user that has not ended (the user's "not
 *       before" was recorded by the user aggregate itself, with the change);</li>
 *   <li>{@code none}: nothing;</li>
 *   <li>a deleted user: every family and session that has not ended (reason {@code administrator}, cause
 *       {@code user_deleted}).</li>
 * </ul>
 * Each revocation names its cause: the change id, or the deleted user.
 *
 * <p>It runs in the catalog's processing group: a subscribing processor whose errors propagate
 * ({@link CatalogProcessing}), so it handles the event inside the unit of work and transaction that append it, and
 * the revocations it sends are nested in that unit of work. Their events are appended in the same transaction, so
 * when the management API answers 2xx the change and its revocations are committed together; if any revocation
 * fails (a family or session used on another node at that moment loses nothing but makes this append lose the
 * race), nothing of the change is recorded and the caller may send it again.
 *
 * <p>The catalog it reads is written in the same transaction: a family or session started by another transaction
 * that has not committed when this one reads is not seen (see the known limits).
 */
@Component
@ProcessingGroup(CatalogProcessing.GROUP)
public class PermissionChangeRevocations {
    private static final Logger LOG = LoggerFactory.getLogger(PermissionChangeRevocations.class);

    private final CommandGateway commands;
    private final RefreshFamilyCatalog families;
    private final SessionCatalog sessions;

    public PermissionChangeRevocations(CommandGateway commands, RefreshFamilyCatalog families, SessionCatalog sessions) {
        this.commands = commands;
        this.families = families;
        this.sessions = sessions;
    }

    @EventHandler
    void on(UserPermissionsChanged e) {
        PermissionChangePolicy policy = e.onPermissionChange();
        // Revision 1 events carry no policy and no change id: nothing was revoked then, and a replay must not now.
        if (policy == null || policy == PermissionChangePolicy.NONE || e.changeId() == null) {
            return;
        }
        RevocationCause cause = RevocationCause.permissionChange(e.changeId());
        int revokedFamilies = revokeFamilies(e.tenantId(), e.userId(), FamilyEndReason.PERMISSION_CHANGE, cause);
        int revokedSessions = 0;
        if (policy == PermissionChangePolicy.REVOKE_ALL) {
            revokedSessions = revokeSessions(e.tenantId(), e.userId(), SessionEndReason.PERMISSION_CHANGE, cause);
        }
        LOG.debug("permission change {} of user {} ({}): revoked {} refresh token families and {} sessions",
                e.changeId(), e.userId(), policy.wireName(), revokedFamilies, revokedSessions);
    }

    /** A deleted user keeps nothing alive; there is no reason "user deleted", so the cause says it. */
    @EventHandler
    void on(UserDeleted e) {
        RevocationCause cause = new RevocationCause(RevocationCause.USER_DELETED, e.userId());
        revokeFamilies(e.tenantId(), e.userId(), FamilyEndReason.ADMINISTRATOR, cause);
        revokeSessions(e.tenantId(), e.userId(), SessionEndReason.ADMINISTRATOR, cause);
    }

    private int revokeFamilies(String tenantId, String userId, FamilyEndReason reason, RevocationCause cause) {
        int n = 0;
        for (FamilyRow family : families.openFamiliesOfUser(tenantId, userId)) {
            commands.sendAndWait(new RevokeRefreshTokenFamily(family.familyId(), tenantId, reason, cause));
            n++;
        }
        return n;
    }

    private int revokeSessions(String tenantId, String userId, SessionEndReason reason, RevocationCause cause) {
        int n = 0;
        for (SessionRow session : sessions.openSessionsOfUser(tenantId, userId)) {
            commands.sendAndWait(new RevokeSession(session.sessionId(), tenantId, reason, cause));
            n++;
        }
        return n;
    }
}
