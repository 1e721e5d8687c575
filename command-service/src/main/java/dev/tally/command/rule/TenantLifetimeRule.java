package dev.tally.command.rule;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.tally.command.catalog.TenantDirectory;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.kernel.lifetime.RuleCompilationException;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.rule.RuleCommands.CreateLifetimeRule;
import dev.tally.kernel.rule.RuleCommands.DeleteLifetimeRule;
import dev.tally.kernel.rule.RuleCommands.UpdateLifetimeRule;
import dev.tally.kernel.rule.RuleEffects;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleCreated;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleDeleted;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleUpdated;
import dev.tally.kernel.rule.RuleIds;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A tenant's lifetime rule: a CEL condition and the lifetimes it sets. A rule is compiled and type-checked here,
 * when it is saved, so a rule that reaches the token service always compiles; a name is unique in its tenant
 * because it names the rule in every trace.
 */
@Aggregate
public class TenantLifetimeRule {
    @AggregateIdentifier
    private String ruleId;
    private String tenantId;
    private String name;
    private int priority;
    private String condition;
    private RuleEffects effects;

    protected TenantLifetimeRule() {
    }

    @CommandHandler
    public TenantLifetimeRule(CreateLifetimeRule command, TenantDirectory directory, LifetimeRuleCompiler compiler, Clock clock) {
        if (!directory.tenantActive(command.tenantId())) {
            throw new NotFound("tenant '" + command.tenantId() + "' does not exist");
        }
        String name = RuleIds.requireValidName(command.name());
        int priority = command.priority() == null ? 0 : command.priority();
        RuleEffects effects = requireEffects(command.effects());
        compile(compiler, command.ruleId(), name, priority, command.condition(), effects);
        if (directory.ruleNameTaken(command.tenantId(), name, command.ruleId())) {
            throw new Conflict("name", "a lifetime rule named '" + name + "' already exists in this tenant");
        }
        apply(new LifetimeRuleCreated(command.ruleId(), command.tenantId(), name, priority, command.condition(), effects,
                clock.instant()));
    }

    @CommandHandler
    void handle(UpdateLifetimeRule command, TenantDirectory directory, LifetimeRuleCompiler compiler) {
        if (!tenantId.equals(command.tenantId())) {
            throw new NotFound("no such lifetime rule in tenant '" + command.tenantId() + "'");
        }
        String newName = command.name() == null ? name : RuleIds.requireValidName(command.name());
        int newPriority = command.priority() == null ? priority : command.priority();
        String newCondition = command.condition() == null ? condition : command.condition();
        RuleEffects newEffects = command.effects() == null ? effects : requireEffects(command.effects());
        compile(compiler, ruleId, newName, newPriority, newCondition, newEffects);
        if (!newName.equals(name) && directory.ruleNameTaken(tenantId, newName, ruleId)) {
            throw new Conflict("name", "a lifetime rule named '" + newName + "' already exists in this tenant");
        }
        if (!newName.equals(name) || newPriority != priority || !newCondition.equals(condition) || !newEffects.equals(effects)) {
            apply(new LifetimeRuleUpdated(ruleId, tenantId, newName, newPriority, newCondition, newEffects));
        }
    }

    @CommandHandler
    void handle(DeleteLifetimeRule command) {
        if (!tenantId.equals(command.tenantId())) {
            throw new NotFound("no such lifetime rule in tenant '" + command.tenantId() + "'");
        }
        apply(new LifetimeRuleDeleted(ruleId, tenantId, name));
    }

    @EventSourcingHandler
    void on(LifetimeRuleCreated event) {
        this.ruleId = event.ruleId();
        this.tenantId = event.tenantId();
        this.name = event.name();
        this.priority = event.priority();
        this.condition = event.condition();
        this.effects = event.effects();
    }

    @EventSourcingHandler
    void on(LifetimeRuleUpdated event) {
        this.name = event.name();
        this.priority = event.priority();
        this.condition = event.condition();
        this.effects = event.effects();
    }

    @EventSourcingHandler
    void on(LifetimeRuleDeleted event) {
        markDeleted();
    }

    private static RuleEffects requireEffects(RuleEffects effects) {
        if (effects == null) {
            throw new InvalidInput("effects", "is required: what the rule sets when its condition matches");
        }
        return effects;
    }

    /** Compiles and type-checks the rule; a rejected condition is a 400 naming where it went wrong. */
    private static void compile(LifetimeRuleCompiler compiler, String id, String name, int priority, String condition,
                                RuleEffects effects) {
        if (condition == null || condition.isBlank()) {
            throw new InvalidInput("condition", "is required: a CEL expression that evaluates to true or false");
        }
        try {
            compiler.compile(id, name, priority, condition, effects.toLifetimeEffects());
        } catch (RuleCompilationException e) {
            Map<String, Object> position = new LinkedHashMap<>();
            position.put("line", e.line());
            position.put("column", e.column());
            position.put("offset", e.offset());
            throw new InvalidInput("condition", e.getMessage(), position);
        }
    }
}
