package dev.tally.command.rule;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.catalog.CatalogRows.RuleRow;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.rule.RuleCommands.CreateLifetimeRule;
import dev.tally.kernel.rule.RuleCommands.DeleteLifetimeRule;
import dev.tally.kernel.rule.RuleCommands.UpdateLifetimeRule;
import dev.tally.kernel.rule.RuleEffects;
import dev.tally.kernel.rule.RuleIds;
import dev.tally.platform.problem.ManagementApi;
import java.net.URI;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/tenants/{tenant}/lifetime-rules}: rules that set token lifetimes per client, user or request,
 * before the token is issued. The condition is CEL; it is compiled when saved, and a rule that does not compile
 * is a 400 naming the line and column of the first error.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}/lifetime-rules")
public class LifetimeRuleController {
    private final CommandGateway commands;
    private final Catalog catalog;

    public LifetimeRuleController(CommandGateway commands, Catalog catalog) {
        this.commands = commands;
        this.catalog = catalog;
    }

    public record RuleRequest(String name, Integer priority, String condition, RuleEffects effects) {
    }

    @PostMapping
    public ResponseEntity<RuleRow> create(@PathVariable String tenant, @RequestBody RuleRequest request) {
        String ruleId = RuleIds.newId();
        commands.sendAndWait(new CreateLifetimeRule(ruleId, tenant, request.name(), request.priority(), request.condition(),
                request.effects()));
        return ResponseEntity.created(URI.create("/admin/tenants/" + tenant + "/lifetime-rules/" + ruleId))
                .body(get(tenant, ruleId));
    }

    /** In evaluation order: by priority (lowest first), then by name. */
    @GetMapping
    public List<RuleRow> list(@PathVariable String tenant) {
        catalog.requireActiveTenant(tenant);
        return catalog.rules(tenant);
    }

    @GetMapping("/{ruleId}")
    public RuleRow get(@PathVariable String tenant, @PathVariable String ruleId) {
        catalog.requireActiveTenant(tenant);
        return catalog.rule(tenant, ruleId)
                .orElseThrow(() -> new NotFound("no lifetime rule '" + ruleId + "' in tenant '" + tenant + "'"));
    }

    /** Absent fields keep their value; {@code effects}, when present, replaces the rule's effects whole. */
    @PatchMapping("/{ruleId}")
    public RuleRow update(@PathVariable String tenant, @PathVariable String ruleId, @RequestBody RuleRequest request) {
        get(tenant, ruleId);
        commands.sendAndWait(new UpdateLifetimeRule(ruleId, tenant, request.name(), request.priority(), request.condition(),
                request.effects()));
        return get(tenant, ruleId);
    }

    @DeleteMapping("/{ruleId}")
    public ResponseEntity<Void> delete(@PathVariable String tenant, @PathVariable String ruleId) {
        get(tenant, ruleId);
        commands.sendAndWait(new DeleteLifetimeRule(ruleId, tenant));
        return ResponseEntity.noContent().build();
    }

}
