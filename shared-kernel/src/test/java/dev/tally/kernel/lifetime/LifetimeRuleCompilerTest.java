package dev.tally.kernel.lifetime;

import static dev.tally.kernel.lifetime.LifetimeFixtures.COMPILER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LifetimeRuleCompilerTest {

    private static RuleCompilationException rejected(String condition) {
        return catchThrowableOfType(RuleCompilationException.class, () -> COMPILER.compile("id-1", "r", 1, condition,
                List.of(LifetimeEffect.accessTokenLifetime(60))));
    }

    @Test
    void compileWhenSyntaxErrorThenLineAndColumnOfFirstError() {
        RuleCompilationException e = rejected("client.metadata.tier == ");

        assertThat(e).isNotNull();
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(25);
        assertThat(e.offset()).isEqualTo(24);
        assertThat(e.getMessage()).startsWith("condition rejected at line 1, column 25: ");
        assertThat(e.condition()).isEqualTo("client.metadata.tier == ");
    }

    @Test
    void compileWhenSyntaxErrorOnLaterLineThenThatLineAndColumn() {
        String condition = "client.app_type == 'spa'\n  && request.browser_flow ==\n     )";

        RuleCompilationException e = rejected(condition);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(6);
        assertThat(condition.charAt(e.offset())).isEqualTo(')');
    }

    @ParameterizedTest(name = "{0} -> {1}:{2} {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "tenant.plan == 'gold'                     | 1 | 1  | undeclared reference to 'tenant'",
        "client.tier == 'gold'                     | 1 | 7  | undefined field 'tier'",
        "user.email == 'a@example.com'             | 1 | 5  | undefined field 'email'",
        "client.metadata.tier == 1                 | 1 | 22 | found no matching overload for '_==_'",
        "size(request.scopes) > 'three'            | 1 | 22 | found no matching overload for '_>_'",
        "request.browser_flow && now > 5           | 1 | 29 | found no matching overload for '_>_'",
    })
    void compileWhenUnknownVariableOrFieldOrWrongTypeThenRejectedWithPosition(String condition, int line, int column,
            String message) {
        RuleCompilationException e = rejected(condition);

        assertThat(e).isNotNull();
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.column()).isEqualTo(column);
        assertThat(e.problems().get(0).message()).contains(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"client.metadata.tier", "60", "request.scopes", "now", "client.metadata"})
    void compileWhenConditionIsNotBoolThenRejected(String condition) {
        RuleCompilationException e = rejected(condition);

        assertThat(e).isNotNull();
        assertThat(e.problems().get(0).message()).contains("expected type 'bool'");
        assertThat(e.line()).isEqualTo(1);
    }

    @Test
    void compileWhenConditionLongerThanLimitThenRejectedAtLimit() {
        LifetimeRuleCompiler compiler = new LifetimeRuleCompiler(new LifetimeRuleLimits(20, 1000, 10_000));

        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> compiler.check("client.id == 'aaaaaaaaaaaaaaaaaaaaaaa'"));

        assertThat(e.offset()).isEqualTo(20);
        assertThat(e.column()).isEqualTo(21);
        assertThat(e.getMessage()).contains("longer than 20 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "client.metadata.tier == \"onboarding\"",
        "has(user.id) && 'admin' in user.roles",
        "request.scopes.exists(s, s.startsWith('write:')) || request.grant_type == 'password'",
        "now.getHours('Europe/Berlin') >= 22 && client.created_at < timestamp('2026-01-01T00:00:00Z')",
        "client.app_type in ['spa', 'native'] && user.metadata['plan'] == 'free'",
    })
    void compileWhenConditionIsValidThenCompiled(String condition) {
        assertThatNoException().isThrownBy(() -> COMPILER.check(condition));
    }

    @Test
    void compileWhenValidThenRuleKeepsDefinitionAndEffects() {
        CompiledLifetimeRule rule = COMPILER.compile(new LifetimeRule("r-1", "onboarding-m2m", 10,
                "client.metadata.tier == 'onboarding'", List.of(LifetimeEffect.accessTokenLifetime(60))));

        assertThat(rule.id()).isEqualTo("r-1");
        assertThat(rule.name()).isEqualTo("onboarding-m2m");
        assertThat(rule.priority()).isEqualTo(10);
        assertThat(rule.effectFor(TokenType.ACCESS_TOKEN)).contains(LifetimeEffect.accessTokenLifetime(60));
        assertThat(rule.effectFor(TokenType.ID_TOKEN)).isEmpty();
    }
}
