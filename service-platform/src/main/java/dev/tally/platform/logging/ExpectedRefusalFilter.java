package dev.tally.platform.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Drops Axon's warning, with its stack trace, for a creation command an aggregate refused as the caller's mistake: a
 * tenant that exists (409), an invalid field (400), a parent that does not (404). Axon logs every exception thrown by
 * an aggregate's constructor at {@code WARN} before rethrowing it; the caller already gets the problem, so for these
 * the line was only noise (one stack trace per refused request, found in the large-store run's log). Any other
 * exception keeps Axon's warning, and the management API logs every unexpected failure itself.
 */
public final class ExpectedRefusalFilter extends TurboFilter {
    static final String AXON_REPOSITORY = "org.axonframework.modelling.command.AbstractRepository";

    /** Adds the filter to logback's context, once, if logback is the logging backend. */
    public static void install() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(ExpectedRefusalFilter.class::isInstance)) {
            ExpectedRefusalFilter filter = new ExpectedRefusalFilter();
            filter.setName("tally-expected-refusals");
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == Level.WARN && AXON_REPOSITORY.equals(logger.getName()) && refusal(t)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    static boolean refusal(Throwable t) {
        return t instanceof Conflict || t instanceof InvalidInput || t instanceof NotFound;
    }
}
