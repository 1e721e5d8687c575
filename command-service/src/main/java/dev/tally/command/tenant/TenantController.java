package dev.tally.command.tenant;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.catalog.CatalogRows.TenantRow;
import dev.tally.kernel.lifetime.RepresentableLifetimes;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantCommands.ChangeDefaultAudience;
import dev.tally.kernel.tenant.TenantCommands.ChangeIssuanceRecordRetention;
import dev.tally.kernel.tenant.TenantCommands.LiftLegalHold;
import dev.tally.kernel.tenant.TenantCommands.PlaceLegalHold;
import dev.tally.kernel.tenant.TenantCommands.ChangePermissionChangePolicy;
import dev.tally.kernel.tenant.TenantCommands.ChangeSigningKeyRotation;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantRefreshSettings;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantSettings;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.kernel.tenant.TenantCommands.DeleteTenant;
import dev.tally.kernel.tenant.TenantCommands.RenameTenant;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.kernel.tenant.TenantSettingsPatch;
import dev.tally.kernel.user.PermissionChangePolicy;
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
 * {@code /admin/tenants}: create, read, rename and delete tenants. {@code on_permission_change}
 * ({@code revoke_refresh_tokens}, the default, {@code revoke_all} or {@code none}) decides what a change of a user's
 * roles or permissions revokes. {@code signing_key_rotation_interval} (seconds, at least a day; 0 for none, the
 * default) pre-publishes new signing keys on a schedule; the keys themselves are under {@code signing-keys}.
 * roles or permissions revokes. {@code default_audience} (set with PATCH once the API exists; {@code ""} clears it) is
 * the API a token request that names neither {@code audience} nor {@code resource} is for.
 * {@code issuance_record_retention} (seconds, at least {@code tally.retention.minimum}; 0 for keep forever, the
 * default) lets the tenant's issuance records leave the event store once exported; {@code legal-hold} suspends that.
 */
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

    /** Lifetime and refresh settings are optional: absent ones take the defaults. Seconds throughout. */
    public record CreateTenantRequest(String id, String name, String signingAlg, Long maxTokenLifetime,
                                      Long maxTokenLifetimeForWeb, Long defaultTokenLifetime, String timeZone,
                                      Long sessionIdleTimeout, Long sessionAbsoluteTimeout, Long refreshTokenLifetime,
                                      String refreshTokenRotation, Long refreshTokenIdleLifetime, Long refreshTokenLeeway,
                                      String onRefreshTokenReuse, String onPermissionChange,
                                      Long signingKeyRotationInterval, Long issuanceRecordRetention) {
        TenantSettingsPatch settings() {
            return new TenantSettingsPatch(maxTokenLifetime, maxTokenLifetimeForWeb, defaultTokenLifetime, timeZone,
                    sessionIdleTimeout, sessionAbsoluteTimeout, refreshTokenLifetime);
        }

        TenantRefreshSettings refresh(TenantRefreshSettings current) {
            return refreshSettings(current, refreshTokenRotation, refreshTokenIdleLifetime, refreshTokenLeeway, onRefreshTokenReuse);
        }
    }

    /** Absent fields keep their value; {@code default_audience: ""} clears the default. */
    public record UpdateTenantRequest(String name, Long maxTokenLifetime, Long maxTokenLifetimeForWeb,
                                      Long defaultTokenLifetime, String timeZone, Long sessionIdleTimeout,
                                      Long sessionAbsoluteTimeout, Long refreshTokenLifetime, String refreshTokenRotation,
                                      Long refreshTokenIdleLifetime, Long refreshTokenLeeway, String onRefreshTokenReuse,
                                      String onPermissionChange, Long signingKeyRotationInterval, String defaultAudience,
                                      Long issuanceRecordRetention) {
        TenantSettingsPatch settings() {
            return new TenantSettingsPatch(maxTokenLifetime, maxTokenLifetimeForWeb, defaultTokenLifetime, timeZone,
                    sessionIdleTimeout, sessionAbsoluteTimeout, refreshTokenLifetime);
        }

        TenantRefreshSettings refresh(TenantRefreshSettings current) {
            return refreshSettings(current, refreshTokenRotation, refreshTokenIdleLifetime, refreshTokenLeeway, onRefreshTokenReuse);
        }
    }

    static TenantRefreshSettings refreshSettings(TenantRefreshSettings current, String rotation, Long idle, Long leeway,
                                                 String onReuse) {
        boolean revoke = current.revokeSessionOnReuse();
        if (onReuse != null) {
            if (!onReuse.equals("revoke_session") && !onReuse.equals("keep_session")) {
                throw new InvalidInput("on_refresh_token_reuse", "must be revoke_session or keep_session");
            }
            revoke = onReuse.equals("revoke_session");
        }
        // checked here too, before the tenant is created, so a refused setting leaves no tenant behind
        return RepresentableLifetimes.require(new TenantRefreshSettings(rotation == null ? current.rotation()
                : RotationMode.parse(rotation), idle == null ? current.idleTokenLifetime() : idle,
                leeway == null ? current.leeway() : leeway, revoke));
    }

    private static TenantRefreshSettings current(TenantRow row) {
        return new TenantRefreshSettings(RotationMode.parse(row.refreshTokenRotation()), row.refreshTokenIdleLifetime(),
                row.refreshTokenLeeway(), "revoke_session".equals(row.onRefreshTokenReuse()));
    }

    @PostMapping
    public ResponseEntity<TenantRow> create(@RequestBody CreateTenantRequest request) {
        String id = TenantIds.requireValid(request.id());
        SigningAlgorithm alg = request.signingAlg() == null ? SigningAlgorithm.ES256 : SigningAlgorithm.parse(request.signingAlg());
        TenantRefreshSettings refresh = request.refresh(TenantRefreshSettings.DEFAULTS);
        PermissionChangePolicy onPermissionChange = request.onPermissionChange() == null ? PermissionChangePolicy.DEFAULT
                : PermissionChangePolicy.fromWire(request.onPermissionChange());
        commands.sendAndWait(new CreateTenant(id, request.name(), alg, request.settings()));
        if (!refresh.equals(TenantRefreshSettings.DEFAULTS)) {
            commands.sendAndWait(new ChangeTenantRefreshSettings(id, refresh));
        }
        if (onPermissionChange != PermissionChangePolicy.DEFAULT) {
            commands.sendAndWait(new ChangePermissionChangePolicy(id, onPermissionChange));
        }
        if (request.signingKeyRotationInterval() != null) {
            commands.sendAndWait(new ChangeSigningKeyRotation(id, request.signingKeyRotationInterval()));
        }
        if (request.issuanceRecordRetention() != null) {
            commands.sendAndWait(new ChangeIssuanceRecordRetention(id, request.issuanceRecordRetention()));
        }
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
        TenantRow row = get(tenant);
        TenantRefreshSettings before = current(row);
        TenantRefreshSettings refresh = request.refresh(before);
        PermissionChangePolicy onPermissionChange = request.onPermissionChange() == null ? null
                : PermissionChangePolicy.fromWire(request.onPermissionChange());
        if (request.name() != null) {
            commands.sendAndWait(new RenameTenant(tenant, request.name()));
        }
        if (!request.settings().isEmpty()) {
            commands.sendAndWait(new ChangeTenantSettings(tenant, request.settings()));
        }
        if (!refresh.equals(before)) {
            commands.sendAndWait(new ChangeTenantRefreshSettings(tenant, refresh));
        }
        if (onPermissionChange != null && !onPermissionChange.wireName().equals(row.onPermissionChange())) {
            commands.sendAndWait(new ChangePermissionChangePolicy(tenant, onPermissionChange));
        }
        if (request.signingKeyRotationInterval() != null) {
            commands.sendAndWait(new ChangeSigningKeyRotation(tenant, request.signingKeyRotationInterval()));
        }
        if (request.defaultAudience() != null) {
            commands.sendAndWait(new ChangeDefaultAudience(tenant,
                    request.defaultAudience().isEmpty() ? null : request.defaultAudience()));
        }
        if (request.issuanceRecordRetention() != null) {
            commands.sendAndWait(new ChangeIssuanceRecordRetention(tenant, request.issuanceRecordRetention()));
        }
        return get(tenant);
    }

    public record LegalHoldRequest(String reason) {
    }

    /** Places a legal hold: nothing of the tenant is pruned until it is lifted. 409 if one is in place. */
    @PostMapping("/{tenant}/legal-hold")
    public TenantRow placeLegalHold(@PathVariable String tenant, @RequestBody LegalHoldRequest request) {
        get(tenant);
        commands.sendAndWait(new PlaceLegalHold(tenant, request.reason()));
        return get(tenant);
    }

    /** Lifts the legal hold; 404 if there is none. */
    @DeleteMapping("/{tenant}/legal-hold")
    public TenantRow liftLegalHold(@PathVariable String tenant) {
        get(tenant);
        commands.sendAndWait(new LiftLegalHold(tenant));
        return get(tenant);
    }

    @DeleteMapping("/{tenant}")
    public ResponseEntity<Void> delete(@PathVariable String tenant) {
        get(tenant);
        commands.sendAndWait(new DeleteTenant(tenant));
        return ResponseEntity.noContent().build();
    }
}
