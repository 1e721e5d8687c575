package dev.tally.kernel.lifetime;

import java.util.List;

/**
 * A rule condition was rejected when the rule was saved: a syntax error, a type error (unknown
 * variable or field, wrong operand types) or a result that is not bool. Carries the position of
 * every problem, the first one also through {@link #line()}, {@link #column()} and {@link #offset()},
 * so the management API can answer 400 pointing at it.
 */
public final class RuleCompilationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * One problem in the condition.
     *
     * @param message what CEL reported
     * @param line    1-based line, 0 if CEL gave no position
     * @param column  1-based column in code points, 0 if CEL gave no position
     * @param offset  0-based code-point offset into the condition, -1 if CEL gave no position
     */
    public record Problem(String message, int line, int column, int offset) {
    }

    private final String condition;
    private final transient List<Problem> problems;

    RuleCompilationException(String condition, List<Problem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a compilation failure needs at least one problem");
        }
        this.condition = condition;
        this.problems = List.copyOf(problems);
    }

    private static String describe(List<Problem> problems) {
        if (problems.isEmpty()) {
            return "condition rejected";
        }
        Problem first = problems.get(0);
        String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "";
        return "condition rejected at line " + first.line() + ", column " + first.column() + ": " + first.message()
                + more;
    }

    public String condition() {
        return condition;
    }

    /** All problems, in CEL's order. */
    public List<Problem> problems() {
        return problems;
    }

    public int line() {
        return problems.get(0).line();
    }

    public int column() {
        return problems.get(0).column();
    }

    public int offset() {
        return problems.get(0).offset();
    }
}
