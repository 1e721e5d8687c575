package dev.tally.kernel.lifetime;

import static dev.tally.kernel.lifetime.LifetimeFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class LifetimeRuleSetTest {

    @Test
    void ruleSetWhenBuiltThenOrderedByPriorityThenName() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("c", 2, "true", LifetimeEffect.accessTokenLifetime(60)),
                rule("b", 1, "true", LifetimeEffect.accessTokenLifetime(60)),
                rule("a", 2, "true", LifetimeEffect.accessTokenLifetime(60)));

        assertThat(rules.rules()).extracting(CompiledLifetimeRule::name).containsExactly("b", "a", "c");
    }

    @Test
    void ruleSetWhenRuleSavedAgainThenReplacedById() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("x", 5, "true", LifetimeEffect.accessTokenLifetime(60)));

        LifetimeRuleSet updated = rules.with(rule("x", 1, "false", LifetimeEffect.accessTokenLifetime(120)));

        assertThat(updated.size()).isEqualTo(1);
        assertThat(updated.rules().get(0).priority()).isEqualTo(1);
        assertThat(updated.without("id-x").isEmpty()).isTrue();
        assertThat(rules.without("unknown")).isSameAs(rules);
    }

    @Test
    void ruleSetWhenDuplicateIdOrNameThenRejected() {
        CompiledLifetimeRule first = rule("dup", 1, "true", LifetimeEffect.accessTokenLifetime(60));
        CompiledLifetimeRule sameName = LifetimeFixtures.COMPILER.compile("other-id", "dup", 2, "true",
                java.util.List.of(LifetimeEffect.accessTokenLifetime(60)));

        assertThatIllegalArgumentException().isThrownBy(() -> LifetimeRuleSet.of(first, first))
                .withMessageContaining("duplicate rule id");
        assertThatIllegalArgumentException().isThrownBy(() -> LifetimeRuleSet.of(first, sameName))
                .withMessageContaining("duplicate rule name");
    }
}
