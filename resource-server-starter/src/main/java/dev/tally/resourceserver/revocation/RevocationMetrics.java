package dev.tally.resourceserver.revocation;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;

/**
 * The revocation list's health as Micrometer meters, bound when the application has a {@link MeterRegistry}:
 * how old the list is, the delay bound the configuration promises, what is held, and what failed or was refused.
 * Alert on {@code tally.revocations.staleness} rising above {@code tally.revocations.delay.bound}.
 */
public final class RevocationMetrics implements MeterBinder {
    private final RevocationPoller poller;
    private final RevocationValidator validator;
    private final Duration delayBound;

    public RevocationMetrics(RevocationPoller poller, RevocationValidator validator, Duration delayBound) {
        this.poller = poller;
        this.validator = validator;
        this.delayBound = delayBound;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("tally.revocations.staleness", poller, p -> seconds(p.staleness())).baseUnit("seconds")
                .description("Time since the last complete poll of the revocation list began").register(registry);
        Gauge.builder("tally.revocations.delay.bound", delayBound, RevocationMetrics::seconds).baseUnit("seconds")
                .description("The longest a revocation takes to be refused while polls succeed (interval + timeout)")
                .register(registry);
        Gauge.builder("tally.revocations.entries", poller, RevocationPoller::entries)
                .description("Revocation entries held in memory").register(registry);
        FunctionCounter.builder("tally.revocations.poll.failures", poller, RevocationPoller::failures)
                .description("Polls of the revocation list that failed").register(registry);
        FunctionCounter.builder("tally.revocations.refused", validator, RevocationValidator::refusedRevoked)
                .tag("reason", "revoked").description("Tokens refused by the revocation list").register(registry);
        FunctionCounter.builder("tally.revocations.refused", validator, RevocationValidator::refusedStale)
                .tag("reason", "stale").description("Tokens refused by the revocation list").register(registry);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
