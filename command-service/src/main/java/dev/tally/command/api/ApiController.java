package dev.tally.command.api;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.catalog.CatalogRows.ApiRow;
import dev.tally.kernel.api.ApiCommands.DeleteApi;
import dev.tally.kernel.api.ApiCommands.RegisterApi;
import dev.tally.kernel.api.ApiCommands.UpdateApi;
import dev.tally.kernel.api.ApiIds;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.problem.NotFound;
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

/** {@code /admin/tenants/{tenant}/apis}: the tenant's resource servers. Lifetimes are whole seconds. */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}/apis")
public class ApiController {
    private final CommandGateway commands;
    private final Catalog catalog;

    public ApiController(CommandGateway commands, Catalog catalog) {
        this.commands = commands;
        this.catalog = catalog;
    }

    /**
     * @param tokenDialect {@code rfc9068_profile} (the default: {@code typ: at+jwt}) or {@code access_token} ({@code typ: JWT})
     * @param signingAlg   ES256 or RS256 for this API's access tokens; absent: the tenant's {@code signing_alg}
     */
    public record CreateApiRequest(String identifier, String name, Long tokenLifetime, Long tokenLifetimeForWeb,
                                   List<String> scopes, Boolean allowOfflineAccess, String tokenDialect, String signingAlg) {
    }

    /** Absent fields keep their value; {@code "signing_alg": ""} follows the tenant's again. */
    public record UpdateApiRequest(String name, Long tokenLifetime, Long tokenLifetimeForWeb, List<String> scopes,
                                   Boolean allowOfflineAccess, String tokenDialect, String signingAlg) {
    }

    private static TokenDialect dialect(String wireName) {
        return wireName == null ? null : TokenDialect.fromWire(wireName);
    }

    @PostMapping
    public ResponseEntity<ApiRow> create(@PathVariable String tenant, @RequestBody CreateApiRequest request) {
        String apiId = ApiIds.newId();
        commands.sendAndWait(new RegisterApi(apiId, tenant, request.identifier(), request.name(), request.tokenLifetime(),
                request.tokenLifetimeForWeb(), request.scopes(), request.allowOfflineAccess(), dialect(request.tokenDialect()),
                request.signingAlg() == null ? null : SigningAlgorithm.parse(request.signingAlg())));
        return ResponseEntity.created(URI.create("/admin/tenants/" + tenant + "/apis/" + apiId)).body(get(tenant, apiId));
    }

    @GetMapping
    public List<ApiRow> list(@PathVariable String tenant) {
        catalog.requireActiveTenant(tenant);
        return catalog.apis(tenant);
    }

    @GetMapping("/{apiId}")
    public ApiRow get(@PathVariable String tenant, @PathVariable String apiId) {
        catalog.requireActiveTenant(tenant);
        return catalog.api(tenant, apiId).orElseThrow(() -> new NotFound("no API '" + apiId + "' in tenant '" + tenant + "'"));
    }

    @PatchMapping("/{apiId}")
    public ApiRow update(@PathVariable String tenant, @PathVariable String apiId, @RequestBody UpdateApiRequest request) {
        get(tenant, apiId);
        commands.sendAndWait(new UpdateApi(apiId, tenant, request.name(), request.tokenLifetime(),
                request.tokenLifetimeForWeb(), request.scopes(), request.allowOfflineAccess(), dialect(request.tokenDialect()),
                request.signingAlg()));
        return get(tenant, apiId);
    }

    @DeleteMapping("/{apiId}")
    public ResponseEntity<Void> delete(@PathVariable String tenant, @PathVariable String apiId) {
        get(tenant, apiId);
        commands.sendAndWait(new DeleteApi(apiId, tenant));
        return ResponseEntity.noContent().build();
    }

}
