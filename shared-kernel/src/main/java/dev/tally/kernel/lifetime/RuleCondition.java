package dev.tally.kernel.lifetime;

import dev.cel.common.ast.CelExpr;
import dev.cel.common.exceptions.CelIterationLimitExceededException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

/** A compiled, type-checked condition; evaluating it never throws. */
final class RuleCondition {

    /** Outcome of one evaluation; {@code error} is set when the condition could not be evaluated. */
    record Outcome(boolean matched, String error) {
        static final Outcome MATCHED = new Outcome(true, null);
        static final Outcome NOT_MATCHED = new Outcome(false, null);

        static Outcome failed(String error) {
            return new Outcome(false, error);
        }
    }

    private final CelRuntime.Program program;
    private final int maxComprehensionIterations;
    private final int maxEvaluationSteps;

    RuleCondition(CelRuntime.Program program, LifetimeRuleLimits limits) {
        this.program = program;
        this.maxComprehensionIterations = limits.maxComprehensionIterations();
        this.maxEvaluationSteps = limits.maxEvaluationSteps();
    }

    /** Evaluates with a fresh budget; {@code budget} is reused across the rules of one decision. */
    Outcome evaluate(CelVariableResolver variables, StepBudget budget) {
        budget.reset(maxEvaluationSteps);
        Object result;
        try {
            result = program.trace(variables, budget);
        } catch (Exception e) {
            return Outcome.failed(describe(e, budget));
        }
        if (budget.exceeded) {
            // CEL may absorb an error inside || and &&; the budget still counts as spent.
            return Outcome.failed(stepLimitMessage());
        }
        if (result instanceof Boolean matched) {
            return matched ? Outcome.MATCHED : Outcome.NOT_MATCHED;
        }
        return Outcome.failed("condition returned " + (result == null ? "null" : result.getClass().getSimpleName())
                + ", not bool");
    }

    private String describe(Throwable failure, StepBudget budget) {
        if (budget.exceeded) {
            return stepLimitMessage();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CelIterationLimitExceededException) {
                return "comprehension iteration limit exceeded (" + maxComprehensionIterations + " iterations)";
            }
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    private String stepLimitMessage() {
        return "evaluation cost limit exceeded (" + maxEvaluationSteps + " steps)";
    }

    /**
     * Counts evaluated sub-expressions and aborts the evaluation once the budget is spent. Mutable,
     * so one instance per decision call, never shared between threads.
     */
    static final class StepBudget implements CelEvaluationListener {
        private int remaining;
        private boolean exceeded;

        void reset(int steps) {
            remaining = steps;
            exceeded = false;
        }

        @Override
        public void callback(CelExpr expr, Object result) {
            if (--remaining < 0) {
                exceeded = true;
                throw new CostLimitExceeded();
            }
        }
    }

    /** Control-flow only: no stack trace, it is thrown on every step once the budget is gone. */
    private static final class CostLimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CostLimitExceeded() {
            super("evaluation cost limit exceeded", null, false, false);
        }
    }
}
