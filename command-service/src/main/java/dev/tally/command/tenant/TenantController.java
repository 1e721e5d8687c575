package dev.tally.command.tenant;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.catalog.CatalogRows.TenantRow;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantSettings;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.kernel.tenant.TenantCommands.DeleteTenant;
import dev.tally.kernel.tenant.TenantCommands.RenameTenant;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.kernel.tenant.TenantSettingsPatch;
import dev.tally.support.problem.ManagementApi;
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

/** {@code /admin/tenants}: create, read, rename and delete tenants. */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants")
public class TenantController {
    private final CommandGateway commands;
    private final Catalog catalog;

    public TenantController(CommandGateway commands, Catalog catalog) {
        this.commands = commands;
        this.catalog = catalog;
    }

    /** Lifetime settings are optional: absent ones take the defaults. Seconds throughout. */
    public record CreateTenantRequest(String id, String name, String signingAlg, Long maxTokenLifetime,
                                      Long maxTokenLifetimeForWeb, Long defaultTokenLifetime, String timeZone,
                                      Long sessionIdleTimeout, Long sessionAbsoluteTimeout, Long refreshTokenLifetime) {
        TenantSettingsPatch settings() {
            return new TenantSettingsPatch(maxTokenLifetime, maxTokenLifetimeForWeb, defaultTokenLifetime, timeZone,
                    sessionIdleTimeout, sessionAbsoluteTimeout, refreshTokenLifetime);
        }
    }

    /** Absent fields keep their value. */
    public record UpdateTenantRequest(String name, Long maxTokenLifetime, Long maxTokenLifetimeForWeb,
                                      Long defaultTokenLifetime, String timeZone, Long sessionIdleTimeout,
                                      Long sessionAbsoluteTimeout, Long refreshTokenLifetime) {
        TenantSettingsPatch settings() {
            return new TenantSettingsPatch(maxTokenLifetime, maxTokenLifetimeForWeb, defaultTokenLifetime, timeZone,
                    sessionIdleTimeout, sessionAbsoluteTimeout, refreshTokenLifetime);
        }
    }

    @PostMapping
    public ResponseEntity<TenantRow> create(@RequestBody CreateTenantRequest request) {
        String id = TenantIds.requireValid(request.id());
        SigningAlgorithm alg = request.signingAlg() == null ? SigningAlgorithm.ES256 : SigningAlgorithm.parse(request.signingAlg());
        commands.sendAndWait(new CreateTenant(id, request.name(), alg, request.settings()));
        return ResponseEntity.created(URI.create("/admin/tenants/" + id)).body(get(id));
    }

    @GetMapping
    public List<TenantRow> list() {
        return catalog.tenants();
    }

    @GetMapping("/{tenant}")
    public TenantRow get(@PathVariable String tenant) {
        return catalog.tenant(tenant).orElseThrow(() -> new NotFound("tenant '" + tenant + "' does not exist"));
    }

    @PatchMapping("/{tenant}")
    public TenantRow update(@PathVariable String tenant, @RequestBody UpdateTenantRequest request) {
        get(tenant);
        if (request.name() != null) {
            commands.sendAndWait(new RenameTenant(tenant, request.name()));
        }
        if (!request.settings().isEmpty()) {
            commands.sendAndWait(new ChangeTenantSettings(tenant, request.settings()));
        }
        return get(tenant);
    }

    @DeleteMapping("/{tenant}")
    public ResponseEntity<Void> delete(@PathVariable String tenant) {
        get(tenant);
        commands.sendAndWait(new DeleteTenant(tenant));
        return ResponseEntity.noContent().build();
    }
}
