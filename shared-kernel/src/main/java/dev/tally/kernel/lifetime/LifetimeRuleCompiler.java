package dev.tally.kernel.lifetime;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSource;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compiles and type-checks rule conditions when a rule is saved or loaded, so the token endpoint
 * only ever evaluates ready programs. Thread-safe; build one per process (or per set of limits).
 *
 * <p>Conditions are CEL with the standard macros ({@code has}, {@code all}, {@code exists},
 * {@code exists_one}, {@code map}, {@code filter}) and standard functions, must return bool, and see:
 * <ul>
 *   <li>{@code client}: {@code id}, {@code app_type} ({@code "spa"}, {@code "regular_web"},
 *       {@code "native"}, {@code "non_interactive"}), {@code metadata} (map string to string),
 *       {@code created_at} (timestamp)</li>
 *   <li>{@code user}: {@code id}, {@code metadata}, {@code roles} (list of string), {@code created_at}.
 *       Always declared. For a machine-to-machine token no field is set: {@code has(user.id)} is false,
 *       {@code user.roles} and {@code user.metadata} are empty, and reading {@code user.id} or
 *       {@code user.created_at} is an evaluation error (so the rule does not match).</li>
 *   <li>{@code request}: {@code grant_type}, {@code audience}, {@code scopes} (list of string),
 *       {@code browser_flow} (bool; true for SPA clients too), {@code userinfo_only} (bool)</li>
 *   <li>{@code now}: the whole-second issue time (timestamp)</li>
 * </ul>
 * These are typed structs, so an unknown field ({@code client.tier}) or a wrong operand type
 * ({@code client.metadata.tier == 1}) is a compile error. Reading a metadata key the client does not
 * have is an evaluation error (rule not matching, traced); guard with
 * {@code has(client.metadata.tier)} or {@code 'tier' in client.metadata} to avoid that.
 */
public final class LifetimeRuleCompiler {

    private final LifetimeRuleLimits limits;
    private final CelCompiler compiler;
    private final CelRuntime runtime;

    public LifetimeRuleCompiler() {
        this(LifetimeRuleLimits.defaults());
    }

    public LifetimeRuleCompiler(LifetimeRuleLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        CelOptions options = celOptions(limits);
        this.compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(options)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(ConditionVariables.TYPES)
                .addVar(ConditionVariables.CLIENT, ConditionVariables.CLIENT_TYPE)
                .addVar(ConditionVariables.USER, ConditionVariables.USER_TYPE)
                .addVar(ConditionVariables.REQUEST, ConditionVariables.REQUEST_TYPE)
                .addVar(ConditionVariables.NOW, SimpleType.TIMESTAMP)
                .setResultType(SimpleType.BOOL)
                .build();
        // The planner runtime is the one that evaluates custom struct values (our record views).
        this.runtime = CelRuntimeFactory.plannerRuntimeBuilder()
                .setOptions(options)
                .setTypeProvider(ConditionVariables.TYPES)
                .build();
    }

    @SuppressWarnings("deprecation") // native values: timestamps are java.time.Instant, as in our records
    private static CelOptions celOptions(LifetimeRuleLimits limits) {
        return CelOptions.current()
                .comprehensionMaxIterations(limits.maxComprehensionIterations())
                .enableHeterogeneousNumericComparisons(true) // the planner runtime insists on it
                .evaluateCanonicalTypesToNativeValues(true)
                .build();
    }

    public LifetimeRuleLimits limits() {
        return limits;
    }

    /** Compiles a saved rule; throws {@link RuleCompilationException} naming the first error's position. */
    public CompiledLifetimeRule compile(LifetimeRule rule) {
        Objects.requireNonNull(rule, "rule");
        return new CompiledLifetimeRule(rule, compileCondition(rule.condition()));
    }

    /** Builds and compiles a rule in one go. */
    public CompiledLifetimeRule compile(String id, String name, int priority, String condition,
            List<LifetimeEffect> effects) {
        return compile(new LifetimeRule(id, name, priority, condition, effects));
    }

    /** Only checks a condition, e.g. for a dry-run endpoint. */
    public void check(String condition) {
        compileCondition(condition);
    }

    RuleCondition compileCondition(String condition) {
        Seconds.requireText("condition", condition);
        int length = condition.codePointCount(0, condition.length());
        if (length > limits.maxConditionLength()) {
            int offset = limits.maxConditionLength();
            int[] lineColumn = lineAndColumn(condition, offset);
            throw new RuleCompilationException(condition, List.of(new RuleCompilationException.Problem(
                    "condition is longer than " + limits.maxConditionLength() + " characters",
                    lineColumn[0], lineColumn[1], offset)));
        }
        CelValidationResult result = compiler.compile(condition);
        if (result.hasError()) {
            throw rejected(condition, result.getSource(), result.getErrors());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new RuleCondition(runtime.createProgram(ast), limits);
        } catch (CelValidationException e) {
            throw rejected(condition, e.getSource(), e.getErrors());
        } catch (CelEvaluationException e) {
            throw new RuleCompilationException(condition,
                    List.of(new RuleCompilationException.Problem(e.getMessage(), 0, 0, -1)));
        }
    }

    private static RuleCompilationException rejected(String condition, CelSource source, List<CelIssue> issues) {
        List<RuleCompilationException.Problem> problems = new ArrayList<>(issues.size());
        for (CelIssue issue : issues) {
            CelSourceLocation location = issue.getSourceLocation();
            if (location.getLine() <= 0) {
                problems.add(new RuleCompilationException.Problem(issue.getMessage(), 0, 0, -1));
                continue;
            }
            // CEL lines are 1-based, columns 0-based code points; the API speaks 1-based columns.
            int offset = source.getLocationOffset(location).orElse(-1);
            problems.add(new RuleCompilationException.Problem(issue.getMessage(), location.getLine(),
                    location.getColumn() + 1, offset));
        }
        if (problems.isEmpty()) {
            problems.add(new RuleCompilationException.Problem("condition rejected", 0, 0, -1));
        }
        return new RuleCompilationException(condition, problems);
    }

    /** 1-based line and column of a 0-based code-point offset. */
    private static int[] lineAndColumn(String text, int codePointOffset) {
        int line = 1;
        int column = 1;
        int index = 0;
        for (int cp = 0; cp < codePointOffset && index < text.length(); cp++) {
            int c = text.codePointAt(index);
            index += Character.charCount(c);
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
