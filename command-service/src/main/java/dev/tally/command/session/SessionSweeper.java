package dev.tally.command.session;

import dev.tally.command.expiry.ExpirySweep;
import dev.tally.kernel.session.SessionCommands.ExpireSession;
import java.time.Clock;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records the expiry of sessions nobody uses any more: the session itself notices its expiry on the next use, but
 * an abandoned session has no next use, and the history should still say when it ended. Every
 * {@code tally.session.sweep-interval} (default 20 s) it asks each due session to expire; the session decides.
 * Several nodes may sweep at once: a session someone else expired does nothing, and a concurrent append is
 * expected, so neither stops the sweep.
 */
@Component
public class SessionSweeper {
    /** At most this many sessions per sweep, so one sweep stays short; the rest wait for the next one. */
    public static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(SessionSweeper.class);

    private final SessionCatalog catalog;
    private final CommandGateway commands;
    private final Clock clock;

    public SessionSweeper(SessionCatalog catalog, CommandGateway commands, Clock clock) {
        this.catalog = catalog;
        this.commands = commands;
        this.clock = clock;
    }

    void sweepOnSchedule() {
        try {
            int asked = sweep();
            if (asked > 0) {
                LOG.debug("asked {} due sessions to expire", asked);
            }
        } catch (RuntimeException e) {
            // The catalog could not be read (database down?); the next sweep tries again.
            LOG.warn("session sweep failed: {}", e.toString());
        }
    }

    /** Asks every due session (up to {@link #BATCH}) to expire; returns how many it asked. */
    public int sweep() {
        return ExpirySweep.expireEach(catalog.due(clock.instant(), BATCH), s -> new ExpireSession(s.sessionId(), s.tenantId()), commands, LOG, "session");
    }
}
