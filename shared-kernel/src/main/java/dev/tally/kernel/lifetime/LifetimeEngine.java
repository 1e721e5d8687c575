package dev.tally.kernel.lifetime;

/**
 * Decides how long the tokens of one request live, and why.
 *
 * <p>Every decision follows the same steps: (1) the base setting, (2) the first matching rule, by
 * priority, that has an effect for the token type, (3) the tenant's bound, which is always traced.
 * Implementations never throw because of a rule: a rule that fails or exceeds its evaluation budget
 * counts as not matching and appears in the trace with its error.
 */
public interface LifetimeEngine {

    /** All token types and both session timeouts, sharing one issue instant and one rule evaluation. */
    LifetimeDecisions decide(LifetimeContext context);

    /** One type only; implementations may skip rules that only affect other types. */
    default LifetimeDecision decide(LifetimeContext context, TokenType type) {
        return decide(context).get(type);
    }
}
