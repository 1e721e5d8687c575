package dev.tally.command.revocation;

import dev.tally.command.catalog.CatalogProcessing;
import dev.tally.command.refresh.RefreshFamilyCatalog;
import dev.tally.command.refresh.RefreshFamilyCatalog.FamilyRow;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ending a login session ends the refresh-token families started in it: logout, the administrator ending the session,
 * a refresh-token reuse that ends the session ({@code on_refresh_token_reuse: revoke_session}), a deleted user, and
 * the permission-change policy {@code revoke_all}. Each family is revoked with the session's reason and the session's
 * cause (or, when the session recorded none, the session itself as the cause), so the history says why. A session
 * that merely expires (idle or absolute timeout) ends nothing else: a family started with offline access is meant to
 * outlive the browser session it came from, until a deadline of its own.
 *
 * <p>Like {@link PermissionChangeRevocations}, it runs in the catalog's processing group, inside the unit of work and
 * transaction that append the session's revocation: the session and its families end together or not at all. A family
 * already ended records nothing.
 */
@Component
@ProcessingGroup(CatalogProcessing.GROUP)
public class SessionFamilies {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFamilies.class);

    private final CommandGateway commands;
    private final RefreshFamilyCatalog families;

    public SessionFamilies(CommandGateway commands, RefreshFamilyCatalog families) {
        this.commands = commands;
        this.families = families;
    }

    @EventHandler
    void on(SessionRevoked e) {
        FamilyEndReason reason = switch (e.reason()) {
            case LOGOUT -> FamilyEndReason.LOGOUT;
            case PERMISSION_CHANGE -> FamilyEndReason.PERMISSION_CHANGE;
            case REFRESH_TOKEN_REUSE -> FamilyEndReason.REUSE;
            case ADMINISTRATOR -> FamilyEndReason.ADMINISTRATOR;
            case IDLE, ABSOLUTE -> null; // expiries are SessionExpired, never a revocation
        };
        if (reason == null) {
            return;
        }
        RevocationCause cause = e.cause() != null ? e.cause() : new RevocationCause(causeKind(reason), e.sessionId());
        int ended = 0;
        for (FamilyRow family : families.openFamiliesOfSession(e.tenantId(), e.sessionId())) {
            commands.sendAndWait(new RevokeRefreshTokenFamily(family.familyId(), e.tenantId(), reason, cause));
            ended++;
        }
        if (ended > 0) {
            LOG.debug("session {} ended ({}): revoked {} refresh token families", e.sessionId(), e.reason().wireName(), ended);
        }
    }

    private static String causeKind(FamilyEndReason reason) {
        return switch (reason) {
            case LOGOUT -> RevocationCause.LOGOUT;
            case REUSE -> RevocationCause.REFRESH_TOKEN_REUSE;
            case PERMISSION_CHANGE -> RevocationCause.PERMISSION_CHANGE;
            default -> RevocationCause.ADMINISTRATOR;
        };
    }
}
