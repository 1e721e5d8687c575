package dev.tally.command.session;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.session.SessionCatalog.SessionRow;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.platform.axon.ConcurrentAppend;
import dev.tally.platform.problem.ManagementApi;
import java.time.Clock;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/tenants/{tenant}/users/{userId}/sessions}: a user's login sessions, and their revocation by the
 * administrator. Listing reads the catalog; revoking asks each session, which records {@code SessionRevoked} with
 * reason {@code administrator} (or nothing, if it has already ended).
 */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}/users/{userId}/sessions")
public class SessionAdminController {
    private final CommandGateway commands;
    private final Catalog catalog;
    private final SessionCatalog sessions;
    private final Clock clock;

    public SessionAdminController(CommandGateway commands, Catalog catalog, SessionCatalog sessions, Clock clock) {
        this.commands = commands;
        this.catalog = catalog;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** The user's live sessions; with {@code include_ended=true} every session the user ever had. */
    @GetMapping
    public List<SessionRow> list(@PathVariable String tenant, @PathVariable String userId,
                                 @RequestParam(name = "include_ended", defaultValue = "false") boolean includeEnded) {
        catalog.requireActiveTenant(tenant);
        return includeEnded ? sessions.sessionsOfUser(tenant, userId)
                : sessions.liveSessionsOfUser(tenant, userId, clock.instant());
    }

    @DeleteMapping("/{sessionId}")
    public ResponseEntity<Void> revoke(@PathVariable String tenant, @PathVariable String userId,
                                       @PathVariable String sessionId) {
        catalog.requireActiveTenant(tenant);
        sessions.session(tenant, sessionId).filter(s -> s.userId().equals(userId))
                .orElseThrow(() -> new NotFound("user '" + userId + "' has no session '" + sessionId + "' in tenant '" + tenant + "'"));
        revoke(tenant, sessionId);
        return ResponseEntity.noContent().build();
    }

    /** Revokes every session of the user that is alive now. */
    @DeleteMapping
    public ResponseEntity<Void> revokeAll(@PathVariable String tenant, @PathVariable String userId) {
        catalog.requireActiveTenant(tenant);
        for (SessionRow session : sessions.liveSessionsOfUser(tenant, userId, clock.instant())) {
            revoke(tenant, session.sessionId());
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * Revocation is idempotent, so a session used on another node at the same moment is simply asked again: the
     * administrator should not see a conflict for a security action that can safely be repeated.
     */
    private void revoke(String tenant, String sessionId) {
        RevokeSession command = new RevokeSession(sessionId, tenant, SessionEndReason.ADMINISTRATOR,
                new RevocationCause(RevocationCause.ADMINISTRATOR, null));
        try {
            commands.sendAndWait(command);
        } catch (RuntimeException e) {
            if (!ConcurrentAppend.causedBy(e)) {
                throw e;
            }
            commands.sendAndWait(command);
        }
    }
}
