package dev.tally.kernel.lifetime;

import dev.cel.runtime.CelVariableResolver;
import dev.tally.kernel.lifetime.trace.TraceStep;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The lifetime engine: base setting, first matching rule, tenant bound, each step traced.
 *
 * <table>
 *   <caption>Steps per type</caption>
 *   <tr><th>type</th><th>base</th><th>rules</th><th>bound</th></tr>
 *   <tr><td>access token</td>
 *       <td>{@code tenant.default_token_lifetime} if userinfo-only; else {@code api.token_lifetime_for_web}
 *           for browser flows when set; else {@code api.token_lifetime}</td>
 *       <td>yes</td>
 *       <td>browser flows: {@code tenant.max_token_lifetime_for_web} (which the settings guarantee is
 *           within {@code tenant.max_token_lifetime}, so one step covers both); others:
 *           {@code tenant.max_token_lifetime}</td></tr>
 *   <tr><td>ID token</td><td>{@code client.id_token_lifetime}</td><td>yes</td>
 *       <td>{@code tenant.max_token_lifetime}</td></tr>
 *   <tr><td>refresh token</td><td>{@code client.refresh_token_lifetime} if set, else
 *       {@code tenant.refresh_token_lifetime}</td><td>yes</td><td>{@code tenant.max_token_lifetime}</td></tr>
 *   <tr><td>session idle</td><td>{@code tenant.session_idle_timeout}</td><td>no</td>
 *       <td>{@code client.session_idle_timeout} if set, then the effective absolute timeout</td></tr>
 *   <tr><td>session absolute</td><td>{@code tenant.session_absolute_timeout}</td><td>no</td>
 *       <td>{@code client.session_absolute_timeout} if set</td></tr>
 * </table>
 *
 * <p>ID and refresh tokens are not bounded by the web maximum: it limits bearer access tokens held by
 * browsers. Rule conditions are evaluated lazily, at most once per rule per call, and shared by all
 * token types of the call. Thread-safe.
 */
public final class DefaultLifetimeEngine implements LifetimeEngine {

    static final String API_TOKEN_LIFETIME = "api.token_lifetime";
    static final String API_TOKEN_LIFETIME_FOR_WEB = "api.token_lifetime_for_web";
    static final String TENANT_DEFAULT_TOKEN_LIFETIME = "tenant.default_token_lifetime";
    static final String TENANT_MAX_TOKEN_LIFETIME = "tenant.max_token_lifetime";
    static final String TENANT_MAX_TOKEN_LIFETIME_FOR_WEB = "tenant.max_token_lifetime_for_web";
    static final String CLIENT_ID_TOKEN_LIFETIME = "client.id_token_lifetime";
    static final String CLIENT_REFRESH_TOKEN_LIFETIME = "client.refresh_token_lifetime";
    static final String TENANT_REFRESH_TOKEN_LIFETIME = "tenant.refresh_token_lifetime";
    static final String TENANT_SESSION_IDLE_TIMEOUT = "tenant.session_idle_timeout";
    static final String TENANT_SESSION_ABSOLUTE_TIMEOUT = "tenant.session_absolute_timeout";
    static final String CLIENT_SESSION_IDLE_TIMEOUT = "client.session_idle_timeout";
    static final String CLIENT_SESSION_ABSOLUTE_TIMEOUT = "client.session_absolute_timeout";

    @Override
    public LifetimeDecisions decide(LifetimeContext context, Instant issuedAt) {
        Call call = new Call(context, wholeSecond(issuedAt));
        return new LifetimeDecisions(call.now, call.accessToken(), call.idToken(), call.refreshToken(),
                call.sessionIdleTimeout(), call.sessionAbsoluteTimeout());
    }

    @Override
    public LifetimeDecision decide(LifetimeContext context, TokenType type, Instant issuedAt) {
        Call call = new Call(context, wholeSecond(issuedAt));
        return switch (type) {
            case ACCESS_TOKEN -> call.accessToken();
            case ID_TOKEN -> call.idToken();
            case REFRESH_TOKEN -> call.refreshToken();
            case SESSION_IDLE_TIMEOUT -> call.sessionIdleTimeout();
            case SESSION_ABSOLUTE_TIMEOUT -> call.sessionAbsoluteTimeout();
        };
    }

    /** JWT iat/exp are whole seconds; measuring from a truncated instant keeps exp - iat == lifetime. */
    private static Instant wholeSecond(Instant issuedAt) {
        return Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.SECONDS);
    }

    /** State of one {@code decide} call: the shared instant, activation and rule outcomes. */
    private static final class Call {
        private final LifetimeContext context;
        private final TenantLifetimeSettings tenant;
        private final LifetimeRuleSet rules;
        private final Instant now;
        private final boolean browserFlow;
        private CelVariableResolver variables;
        private RuleCondition.StepBudget budget;
        /** Scratch space for the steps; decisions are built one after another and copy it out. */
        private TraceStep[] scratch = new TraceStep[4];
        private RuleCondition.Outcome[] outcomes;

        Call(LifetimeContext context, Instant now) {
            this.context = context;
            this.tenant = context.tenant();
            this.rules = context.rules();
            this.now = now;
            this.browserFlow = context.browserFlow();
        }

        LifetimeDecision accessToken() {
            Steps steps = new Steps();
            if (context.api().isEmpty()) {
                steps.set(TENANT_DEFAULT_TOKEN_LIFETIME, tenant.defaultTokenLifetime());
            } else {
                ApiLifetimeSettings api = context.api().get();
                if (browserFlow && api.tokenLifetimeForWeb().isPresent()) {
                    steps.set(API_TOKEN_LIFETIME_FOR_WEB, api.tokenLifetimeForWeb().getAsLong());
                } else {
                    steps.set(API_TOKEN_LIFETIME, api.tokenLifetime());
                }
            }
            applyFirstMatchingRule(TokenType.ACCESS_TOKEN, steps);
            if (browserFlow) {
                steps.bound(TENANT_MAX_TOKEN_LIFETIME_FOR_WEB, tenant.maxTokenLifetimeForWeb());
            } else {
                steps.bound(TENANT_MAX_TOKEN_LIFETIME, tenant.maxTokenLifetime());
            }
            return steps.decision(TokenType.ACCESS_TOKEN);
        }

        LifetimeDecision idToken() {
            Steps steps = new Steps();
            steps.set(CLIENT_ID_TOKEN_LIFETIME, context.client().idTokenLifetime());
            applyFirstMatchingRule(TokenType.ID_TOKEN, steps);
            steps.bound(TENANT_MAX_TOKEN_LIFETIME, tenant.maxTokenLifetime());
            return steps.decision(TokenType.ID_TOKEN);
        }

        LifetimeDecision refreshToken() {
            Steps steps = new Steps();
            ClientProfile client = context.client();
            if (client.refreshTokenLifetime().isPresent()) {
                steps.set(CLIENT_REFRESH_TOKEN_LIFETIME, client.refreshTokenLifetime().getAsLong());
            } else {
                steps.set(TENANT_REFRESH_TOKEN_LIFETIME, tenant.refreshTokenLifetime());
            }
            applyFirstMatchingRule(TokenType.REFRESH_TOKEN, steps);
            steps.bound(TENANT_MAX_TOKEN_LIFETIME, tenant.maxTokenLifetime());
            return steps.decision(TokenType.REFRESH_TOKEN);
        }

        LifetimeDecision sessionIdleTimeout() {
            Steps steps = new Steps();
            ClientProfile client = context.client();
            steps.set(TENANT_SESSION_IDLE_TIMEOUT, tenant.sessionIdleTimeout());
            if (client.sessionIdleTimeout().isPresent()) {
                steps.bound(CLIENT_SESSION_IDLE_TIMEOUT, client.sessionIdleTimeout().getAsLong());
            }
            // An idle timeout beyond the absolute one could never fire; bound it by whichever set the absolute.
            long absolute = tenant.sessionAbsoluteTimeout();
            String absoluteStep = TENANT_SESSION_ABSOLUTE_TIMEOUT;
            if (client.sessionAbsoluteTimeout().isPresent() && client.sessionAbsoluteTimeout().getAsLong() < absolute) {
                absolute = client.sessionAbsoluteTimeout().getAsLong();
                absoluteStep = CLIENT_SESSION_ABSOLUTE_TIMEOUT;
            }
            steps.bound(absoluteStep, absolute);
            return steps.decision(TokenType.SESSION_IDLE_TIMEOUT);
        }

        LifetimeDecision sessionAbsoluteTimeout() {
            Steps steps = new Steps();
            ClientProfile client = context.client();
            steps.set(TENANT_SESSION_ABSOLUTE_TIMEOUT, tenant.sessionAbsoluteTimeout());
            if (client.sessionAbsoluteTimeout().isPresent()) {
                steps.bound(CLIENT_SESSION_ABSOLUTE_TIMEOUT, client.sessionAbsoluteTimeout().getAsLong());
            }
            return steps.decision(TokenType.SESSION_ABSOLUTE_TIMEOUT);
        }

        /** Rules without an effect for {@code type} are not even looked at for it. */
        private void applyFirstMatchingRule(TokenType type, Steps steps) {
            int[] positions = rules.positionsFor(type);
            for (int position : positions) {
                CompiledLifetimeRule rule = rules.get(position);
                RuleCondition.Outcome outcome = outcome(position, rule);
                if (outcome.error() != null) {
                    steps.error(rule.errorStep(), outcome.error());
                } else if (outcome.matched()) {
                    steps.set(rule.stepFor(type), rule.effectOrNull(type).lifetimeSeconds(now, tenant.timeZone()));
                    return;
                }
            }
        }

        private RuleCondition.Outcome outcome(int position, CompiledLifetimeRule rule) {
            if (outcomes == null) {
                outcomes = new RuleCondition.Outcome[rules.size()];
                variables = ConditionVariables.resolver(context, browserFlow, now);
                budget = new RuleCondition.StepBudget();
            }
            RuleCondition.Outcome outcome = outcomes[position];
            if (outcome == null) {
                outcome = rule.condition().evaluate(variables, budget);
                outcomes[position] = outcome;
            }
            return outcome;
        }

        /** Accumulates the trace of one decision. */
        private final class Steps {
            // Base, rule, bound, plus any failed rules: usually 2-3 steps.
            private TraceStep[] trace = scratch;
            private int size;
            private long value;
            private String setBy;

            private void add(TraceStep step) {
                if (size == trace.length) {
                    trace = Arrays.copyOf(trace, size * 2);
                    scratch = trace;
                }
                trace[size++] = step;
            }

            void set(String step, long seconds) {
                add(TraceStep.set(step, seconds));
                value = seconds;
                setBy = step;
            }

            void error(String step, String message) {
                add(TraceStep.error(step, message));
            }

            void bound(String step, long bound) {
                boolean clamped = value > bound;
                if (clamped) {
                    value = bound;
                    setBy = step;
                }
                add(TraceStep.clamp(step, value, clamped));
            }

            LifetimeDecision decision(TokenType type) {
                // An immutable list here lets LifetimeDecision's List.copyOf keep it without copying.
                List<TraceStep> steps = switch (size) {
                    case 2 -> List.of(trace[0], trace[1]);
                    case 3 -> List.of(trace[0], trace[1], trace[2]);
                    default -> List.of(Arrays.copyOf(trace, size));
                };
                return new LifetimeDecision(type, value, now.plusSeconds(value), steps, setBy);
            }
        }
    }
}
