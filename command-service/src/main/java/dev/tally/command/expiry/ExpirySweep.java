package dev.tally.command.expiry;

import dev.tally.platform.axon.ConcurrentAppend;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.springframework.scheduling.config.FixedDelayTask;

/**
 * What every expiry sweeper does with the aggregates its catalog says are due: ask each to expire itself. The
 * aggregate decides (the command is idempotent), so a race with another node's sweep is expected, and one failure
 * does not stop the others.
 */
public final class ExpirySweep {
    private ExpirySweep() {
    }

    /**
     * A sweep run every {@code interval} on Spring's scheduler, the first an interval after start, named as Spring
     * names a {@code @Scheduled} method ({@code sweeper}'s {@code sweepOnSchedule}) in its logs and its list of tasks.
     */
    public static FixedDelayTask every(Duration interval, Class<?> sweeper, Runnable sweep) {
        String name = sweeper.getName() + ".sweepOnSchedule";
        Runnable named = new Runnable() {
            @Override
            public void run() {
                sweep.run();
            }

            @Override
            public String toString() {
                return name;
            }
        };
        return new FixedDelayTask(named, interval, interval);
    }

    /**
     * @param what what an item is, for the log ("session", "refresh token family")
     * @return how many were asked
     */
    public static <T> int expireEach(List<T> due, Function<T, Object> expireCommand, CommandGateway commands, Logger log,
                                     String what) {
        for (T item : due) {
            try {
                commands.sendAndWait(expireCommand.apply(item));
            } catch (RuntimeException e) {
                if (ConcurrentAppend.causedBy(e)) {
                    log.debug("{} {} changed concurrently while sweeping; it is expired or will be", what, item);
                } else {
                    log.warn("could not expire {} {}: {}", what, item, e.toString());
                }
            }
        }
        return due.size();
    }
}
