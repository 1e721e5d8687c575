package dev.tally.kernel.rule;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Commands of a tenant's lifetime rule. */
public final class RuleCommands {
    private RuleCommands() {
    }

    public record CreateLifetimeRule(String ruleId, String tenantId, String name, Integer priority, String condition,
                                     RuleEffects effects) {
    }

    /** The new values of the changeable fields; {@code null} keeps a field as it is. */
    public record UpdateLifetimeRule(@TargetAggregateIdentifier String ruleId, String tenantId, String name,
                                     Integer priority, String condition, RuleEffects effects) {
    }

    public record DeleteLifetimeRule(@TargetAggregateIdentifier String ruleId, String tenantId) {
    }
}
