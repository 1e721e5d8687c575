package dev.tally.kernel.lifetime;

import java.util.Optional;

/**
 * A {@link LifetimeRule} with its condition compiled once, when the rule is saved or loaded; the
 * token service keeps these in its in-memory projection (see {@link LifetimeRuleSet}). Immutable
 * and safe to share across threads. Created by {@link LifetimeRuleCompiler}.
 */
public final class CompiledLifetimeRule {

    private static final int TOKEN_TYPES = TokenType.values().length;

    private final LifetimeRule rule;
    private final RuleCondition condition;
    private final LifetimeEffect[] effectByType = new LifetimeEffect[TOKEN_TYPES];
    private final String[] stepByType = new String[TOKEN_TYPES];
    private final String errorStep;

    CompiledLifetimeRule(LifetimeRule rule, RuleCondition condition) {
        this.rule = rule;
        this.condition = condition;
        // Trace step names are fixed per rule, so build them here rather than per request.
        this.errorStep = "rule:" + rule.name();
        for (LifetimeEffect effect : rule.effects()) {
            effectByType[effect.tokenType().ordinal()] = effect;
            stepByType[effect.tokenType().ordinal()] = errorStep + effect.stepSuffix();
        }
    }

    public LifetimeRule rule() {
        return rule;
    }

    public String id() {
        return rule.id();
    }

    public String name() {
        return rule.name();
    }

    public int priority() {
        return rule.priority();
    }

    /** The effect this rule has on {@code type}, if any. */
    public Optional<LifetimeEffect> effectFor(TokenType type) {
        return Optional.ofNullable(effectByType[type.ordinal()]);
    }

    LifetimeEffect effectOrNull(TokenType type) {
        return effectByType[type.ordinal()];
    }

    String stepFor(TokenType type) {
        return stepByType[type.ordinal()];
    }

    /** Step name used when the condition could not be evaluated. */
    String errorStep() {
        return errorStep;
    }

    RuleCondition condition() {
        return condition;
    }

    @Override
    public String toString() {
        return "CompiledLifetimeRule[" + rule.name() + ", priority " + rule.priority() + "]";
    }
}
