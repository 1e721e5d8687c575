package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import static dev.tally.kernel.lifetime.LifetimeFixtures.ORDERS;
import static dev.tally.kernel.lifetime.LifetimeFixtures.client;
import static dev.tally.kernel.lifetime.LifetimeFixtures.clientCredentials;
import static dev.tally.kernel.lifetime.LifetimeFixtures.context;
import static dev.tally.kernel.lifetime.LifetimeFixtures.engine;
import static dev.tally.kernel.lifetime.LifetimeFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.lifetime.trace.TraceStep;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleEvaluationLimitTest {

    /** 3000 scopes: a nested comprehension over them would take 9 million iterations. */
    private static final List<String> MANY_SCOPES =
            IntStream.range(0, 3000).mapToObj(i -> "scope:" + i).toList();

    private static final String RUNAWAY =
            "request.scopes.all(a, request.scopes.all(b, a == b || a != b)) && request.scopes.size() > 0";

    private static LifetimeContext runawayContext(LifetimeRuleSet rules) {
        TokenRequest request = TokenRequest.forApi("client_credentials", ORDERS, MANY_SCOPES, false);
        return context(client(AppType.NON_INTERACTIVE), request).rules(rules).build();
    }

    @Test
    void accessTokenWhenRuleLoopsWithDefaultLimitsThenCutOffNotMatchingAndTraced() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("runaway", 1, RUNAWAY, LifetimeEffect.accessTokenLifetime(60)),
                rule("fallback", 2, "true", LifetimeEffect.accessTokenLifetime(120)));

        long started = System.nanoTime();
        LifetimeDecision decision = engine().decide(runawayContext(rules)).accessToken();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(decision.lifetimeSeconds()).isEqualTo(120);
        assertThat(decision.decidedBy()).isEqualTo("rule:fallback");
        assertThat(decision.trace()).extracting(TraceStep::step)
                .containsExactly("api.token_lifetime", "rule:runaway", "rule:fallback", "tenant.max_token_lifetime");
        assertThat(decision.trace().get(1).error()).matches(
                "(comprehension iteration|evaluation cost) limit exceeded \\(\\d+ (iterations|steps)\\)");
        assertThat(took).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void accessTokenWhenRuleLoopsPastIterationLimitThenRuleNotMatchingAndTraced() {
        // A generous step budget, so CEL's own iteration budget is what stops the loop.
        LifetimeRuleCompiler compiler = new LifetimeRuleCompiler(new LifetimeRuleLimits(4096, 1_000, 100_000_000));
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                compiler.compile("id-r", "runaway", 1, RUNAWAY, List.of(LifetimeEffect.accessTokenLifetime(60))),
                compiler.compile("id-f", "fallback", 2, "true", List.of(LifetimeEffect.accessTokenLifetime(120))));

        long started = System.nanoTime();
        LifetimeDecision decision = engine().decide(runawayContext(rules)).accessToken();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(decision.lifetimeSeconds()).isEqualTo(120);
        assertThat(decision.decidedBy()).isEqualTo("rule:fallback");
        assertThat(decision.trace()).containsExactly(
                TraceStep.set("api.token_lifetime", 3600),
                TraceStep.error("rule:runaway", "comprehension iteration limit exceeded (1000 iterations)"),
                TraceStep.set("rule:fallback", 120),
                TraceStep.clamp("tenant.max_token_lifetime", 120, false));
        assertThat(decision.traceJson()).contains(
                "{\"step\":\"rule:runaway\",\"error\":\"comprehension iteration limit exceeded (1000 iterations)\"}");
        assertThat(took).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void decisionsWhenRuleFailsThenEveryTokenTypeItAffectsTracesTheErrorOnce() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("runaway", 1, RUNAWAY,
                LifetimeEffect.accessTokenLifetime(60), LifetimeEffect.refreshTokenLifetime(60)));

        LifetimeDecisions decisions = engine().decide(runawayContext(rules));

        assertThat(decisions.accessToken().trace()).filteredOn(TraceStep::failed).hasSize(1);
        assertThat(decisions.refreshToken().trace()).filteredOn(TraceStep::failed).hasSize(1);
        assertThat(decisions.idToken().trace()).noneMatch(TraceStep::failed);
        assertThat(decisions.refreshToken().decidedBy()).isEqualTo("tenant.refresh_token_lifetime");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "client.metadata.tier == 'onboarding'            | tier",
        "user.id == 'user-alice'                         | user.id is not set",
        "int(client.metadata.region) > 3                 | region",
    })
    void accessTokenWhenConditionFailsAtRuntimeThenRuleNotMatchingAndErrorTraced(String condition,
            String errorFragment) {
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("fragile", 1, condition, LifetimeEffect.accessTokenLifetime(60)));
        LifetimeContext context = context(client(AppType.NON_INTERACTIVE), clientCredentials()).rules(rules).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(3600);
        assertThat(decision.decidedBy()).isEqualTo("api.token_lifetime");
        assertThat(decision.trace()).hasSize(3);
        TraceStep error = decision.trace().get(1);
        assertThat(error.step()).isEqualTo("rule:fragile");
        assertThat(error.value()).isNull();
        assertThat(error.error()).contains(errorFragment);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "has(user.id)                        | 3600",
        "!has(user.id)                       | 60",
        "'admin' in user.roles               | 3600",
        "size(user.metadata) == 0            | 60",
    })
    void accessTokenWhenMachineTokenHasNoUserThenUserFieldsAbsentWithoutError(String condition, long lifetime) {
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("m2m", 1, condition, LifetimeEffect.accessTokenLifetime(60)));
        LifetimeContext context = context(client(AppType.NON_INTERACTIVE, Map.of("tier", "gold")), clientCredentials())
                .rules(rules).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(lifetime);
        assertThat(decision.trace()).noneMatch(TraceStep::failed);
    }

    @Test
    void accessTokenWhenManyRulesFailThenEachTracedInPriorityOrderAndLaterRuleStillApplies() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("f1", 1, "client.metadata.a == 'x'", LifetimeEffect.accessTokenLifetime(10)),
                rule("f2", 2, "client.metadata.b == 'x'", LifetimeEffect.accessTokenLifetime(20)),
                rule("f3", 3, "client.metadata.c == 'x'", LifetimeEffect.accessTokenLifetime(30)),
                rule("f4", 4, "client.metadata.d == 'x'", LifetimeEffect.accessTokenLifetime(40)),
                rule("f5", 5, "client.metadata.e == 'x'", LifetimeEffect.accessTokenLifetime(50)),
                rule("ok", 6, "true", LifetimeEffect.accessTokenLifetime(600)));
        LifetimeContext context = context(client(AppType.NON_INTERACTIVE), clientCredentials()).rules(rules).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(600);
        assertThat(decision.decidedBy()).isEqualTo("rule:ok");
        assertThat(decision.trace()).extracting(TraceStep::step).containsExactly("api.token_lifetime",
                "rule:f1", "rule:f2", "rule:f3", "rule:f4", "rule:f5", "rule:ok", "tenant.max_token_lifetime");
        assertThat(decision.trace()).filteredOn(TraceStep::failed).hasSize(5);
    }
}
