package dev.tally.command.session;

import dev.tally.command.session.SessionCatalog.DueSession;
import dev.tally.kernel.session.SessionCommands.ExpireSession;
import dev.tally.support.axon.ConcurrentAppend;
import java.time.Clock;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
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

    @Scheduled(initialDelayString = "${tally.session.sweep-interval:PT20S}",
            fixedDelayString = "${tally.session.sweep-interval:PT20S}")
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
        List<DueSession> due = catalog.due(clock.instant(), BATCH);
        for (DueSession session : due) {
            try {
                commands.sendAndWait(new ExpireSession(session.sessionId(), session.tenantId()));
            } catch (RuntimeException e) {
                if (ConcurrentAppend.causedBy(e)) {
                    LOG.debug("session {} changed concurrently while sweeping; it is expired or will be", session.sessionId());
                } else {
                    LOG.warn("could not expire session {} of tenant '{}': {}", session.sessionId(), session.tenantId(),
                            e.toString());
                }
            }
        }
        return due.size();
    }
}
