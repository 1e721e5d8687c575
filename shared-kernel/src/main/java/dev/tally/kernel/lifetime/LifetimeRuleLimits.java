package dev.tally.kernel.lifetime;

/**
 * Bounds that keep a rule from stalling the token endpoint.
 *
 * <p>{@code maxConditionLength} is checked when a rule is compiled. The other two bound every single
 * evaluation: {@code maxComprehensionIterations} is CEL's own iteration budget (shared by all nested
 * comprehensions of one evaluation), and {@code maxEvaluationSteps} counts every evaluated
 * sub-expression through a CEL evaluation listener, so even loop-free work is bounded. A rule that
 * exceeds either is treated as not matching and the trace records why.
 */
public record LifetimeRuleLimits(int maxConditionLength, int maxComprehensionIterations, int maxEvaluationSteps) {

    public static final int DEFAULT_MAX_CONDITION_LENGTH = 4_096;
    public static final int DEFAULT_MAX_COMPREHENSION_ITERATIONS = 1_000;
    public static final int DEFAULT_MAX_EVALUATION_STEPS = 10_000;

    public LifetimeRuleLimits {
        requirePositive("max_condition_length", maxConditionLength);
        requirePositive("max_comprehension_iterations", maxComprehensionIterations);
        requirePositive("max_evaluation_steps", maxEvaluationSteps);
    }

    public static LifetimeRuleLimits defaults() {
        return new LifetimeRuleLimits(DEFAULT_MAX_CONDITION_LENGTH, DEFAULT_MAX_COMPREHENSION_ITERATIONS,
                DEFAULT_MAX_EVALUATION_STEPS);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }
}
