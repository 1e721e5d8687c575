package dev.tally.command.refresh;

import dev.tally.command.expiry.ExpirySweep;
import dev.tally.kernel.refresh.RefreshCommands.ExpireRefreshTokenFamily;
import java.time.Clock;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records the expiry of refresh token families nobody uses any more: a family notices its expiry on the next
 * refresh, but an abandoned one has no next refresh, and the history should still say when it ended. Every
 * {@code tally.refresh.sweep-interval} (default 30 s) it asks each due family to expire; the family decides.
 * Several nodes may sweep at once: a family someone else expired does nothing, and a concurrent append is
 * expected, so neither stops the sweep.
 */
@Component
public class RefreshFamilySweeper {
    /** At most this many families per sweep, so one sweep stays short; the rest wait for the next one. */
    public static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(RefreshFamilySweeper.class);

    private final RefreshFamilyCatalog catalog;
    private final CommandGateway commands;
    private final Clock clock;

    public RefreshFamilySweeper(RefreshFamilyCatalog catalog, CommandGateway commands, Clock clock) {
        this.catalog = catalog;
        this.commands = commands;
        this.clock = clock;
    }

    void sweepOnSchedule() {
        try {
            int asked = sweep();
            if (asked > 0) {
                LOG.debug("asked {} due refresh token families to expire", asked);
            }
        } catch (RuntimeException e) {
            // The catalog could not be read (database down?); the next sweep tries again.
            LOG.warn("refresh token family sweep failed: {}", e.toString());
        }
    }

    /** Asks every due family (up to {@link #BATCH}) to expire; returns how many it asked. */
    public int sweep() {
        return ExpirySweep.expireEach(catalog.due(clock.instant(), BATCH), f -> new ExpireRefreshTokenFamily(f.familyId(), f.tenantId()), commands, LOG, "refresh token family");
    }
}
