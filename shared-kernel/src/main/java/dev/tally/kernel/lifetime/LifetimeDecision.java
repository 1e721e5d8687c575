package dev.tally.kernel.lifetime;

import dev.tally.kernel.lifetime.trace.TraceStep;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The lifetime of one token type (or session timeout) and how it was reached.
 *
 * <p>{@code expiresAt} is the whole-second issue time plus {@code lifetimeSeconds}, so a JWT built
 * from it has {@code exp - iat == lifetimeSeconds} exactly.
 *
 * @param tokenType       what was decided
 * @param lifetimeSeconds the lifetime, always at least 1
 * @param expiresAt       issue time (truncated to seconds) plus the lifetime
 * @param trace           the ordered steps
 * @param decidedBy       the step that last set the value, or the bound step if a bound lowered it
 */
public record LifetimeDecision(TokenType tokenType, long lifetimeSeconds, Instant expiresAt, List<TraceStep> trace,
        String decidedBy) {

    /**
     * Largest lifetime any setting or rule may ask for: 100 years. Not a policy limit; it only keeps
     * expiry instants and JWT {@code exp} values far inside what consumers can represent.
     */
    public static final long MAX_LIFETIME_SECONDS = 3_155_760_000L;

    public LifetimeDecision {
        Objects.requireNonNull(tokenType, "tokenType");
        if (lifetimeSeconds < 1) {
            throw new IllegalArgumentException("lifetime must be at least 1 second, was " + lifetimeSeconds);
        }
        Objects.requireNonNull(expiresAt, "expiresAt");
        trace = List.copyOf(trace);
        Objects.requireNonNull(decidedBy, "decidedBy");
    }

    /** The trace as a JSON array, for logs and the management API. */
    public String traceJson() {
        return TraceStep.toJson(trace);
    }
}
