package dev.tally.kernel.lifetime;

import java.time.Instant;

/**
 * Decides how long the tokens of one request live, and why.
 *
 * <p>Every decision follows the same steps: (1) the base setting, (2) the first matching rule, by
 * priority, that has an effect for the token type, (3) the tenant's bound, which is always traced.
 * Implementations never throw because of a rule: a rule that fails or exceeds its evaluation budget
 * counts as not matching and appears in the trace with its error.
 */
public interface LifetimeEngine {

    /**
     * All token types and both session timeouts, sharing one rule evaluation, measured from {@code issuedAt}: the
     * caller's instant of issue (the tokens' {@code iat}), truncated to the whole second, as JWT times are.
     */
    LifetimeDecisions decide(LifetimeContext context, Instant issuedAt);

    /** One type only; implementations may skip rules that only affect other types. */
    default LifetimeDecision decide(LifetimeContext context, TokenType type, Instant issuedAt) {
        return decide(context, issuedAt).get(type);
    }
}
