package dev.tally.kernel.rule;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Events of a tenant's lifetime rules. The condition is CEL source, compiled wherever it is evaluated. */
public final class RuleEvents {
    private RuleEvents() {
    }

    public sealed interface RuleEvent permits LifetimeRuleCreated, LifetimeRuleUpdated, LifetimeRuleDeleted {
        String ruleId();

        String tenantId();
    }

    @Revision("1")
    public record LifetimeRuleCreated(String ruleId, String tenantId, String name, int priority, String condition,
                                      RuleEffects effects, Instant createdAt) implements RuleEvent {
    }

    /** The rule's state after the change, whole. */
    @Revision("1")
    public record LifetimeRuleUpdated(String ruleId, String tenantId, String name, int priority, String condition,
                                      RuleEffects effects) implements RuleEvent {
    }

    @Revision("1")
    public record LifetimeRuleDeleted(String ruleId, String tenantId, String name) implements RuleEvent {
    }
}
