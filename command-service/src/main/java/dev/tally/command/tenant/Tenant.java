package dev.tally.command.tenant;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.tally.command.catalog.TenantDirectory;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.DisplayNames;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.lifetime.RepresentableLifetimes;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.tenant.TenantCommands.ChangePermissionChangePolicy;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantRefreshSettings;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantSettings;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.kernel.tenant.TenantCommands.DeleteTenant;
import dev.tally.kernel.tenant.TenantCommands.RenameTenant;
import dev.tally.kernel.tenant.TenantCommands.ResealSigningKeys;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantPermissionChangePolicyChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRefreshSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRenamed;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.kernel.user.PermissionChangePolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/** A tenant: its own issuer, signing keys and settings. */
@Aggregate
public class Tenant {
    @AggregateIdentifier
    private String aggregateId;
    private String tenantId;
    private String name;
    private TenantLifetimeSettings lifetimeSettings;
    private TenantRefreshSettings refreshSettings = TenantRefreshSettings.DEFAULTS;
    private PermissionChangePolicy permissionChangePolicy = PermissionChangePolicy.DEFAULT;
    /** Each signing key's current sealed form by key id, in the order the keys were added. */
    private final Map<String, String> sealedKeys = new LinkedHashMap<>();

    protected Tenant() {
    }

    @CommandHandler
    public Tenant(CreateTenant command, TenantDirectory directory, SigningKeyFactory keys, Clock clock) {
        TenantIds.requireValid(command.tenantId());
        String name = DisplayNames.require(command.name());
        if (directory.tenantIdTaken(command.tenantId())) {
            throw new Conflict("id", "tenant '" + command.tenantId() + "' already exists (tenant ids are never reused)");
        }
        SigningAlgorithm alg = command.signingAlg() == null ? SigningAlgorithm.ES256 : command.signingAlg();
        TenantLifetimeSettings settings = command.settings().applyTo(TenantLifetimeSettings.defaults());
        Instant now = clock.instant();
        apply(new TenantCreated(command.tenantId(), name, alg, now));
        // Recorded whole, defaults included: a later change of Tally's defaults never moves an existing tenant.
        apply(TenantLifetimeSettingsChanged.of(command.tenantId(), settings));
        // The key exists from the tenant's first moment: its issuer can sign as soon as it can be named.
        apply(keys.newKey(command.tenantId(), alg, now));
    }

    @CommandHandler
    void handle(RenameTenant command) {
        String newName = DisplayNames.require(command.name());
        if (!newName.equals(name)) {
            apply(new TenantRenamed(tenantId, newName));
        }
    }

    @CommandHandler
    void handle(ChangeTenantSettings command) {
        TenantLifetimeSettings changed = command.settings().applyTo(lifetimeSettings);
        if (!changed.equals(lifetimeSettings)) {
            apply(TenantLifetimeSettingsChanged.of(tenantId, changed));
        }
    }

    @CommandHandler
    void handle(ChangeTenantRefreshSettings command) {
        if (!RepresentableLifetimes.require(command.settings()).equals(refreshSettings)) {
            apply(new TenantRefreshSettingsChanged(tenantId, command.settings()));
        }
    }

    /** {@code on_permission_change}: recorded only when it changes. */
    @CommandHandler
    void handle(ChangePermissionChangePolicy command) {
        if (command.policy() == null) {
            throw new InvalidInput("on_permission_change", "is required");
        }
        if (command.policy() != permissionChangePolicy) {
            apply(new TenantPermissionChangePolicyChanged(tenantId, command.policy()));
        }
    }

    /** Answers the ids of the keys it re-sealed; none when every key is under the primary already. */
    @CommandHandler
    List<String> handle(ResealSigningKeys command, SigningKeyResealing resealing, Clock clock) {
        List<SigningKeyResealed> resealed = resealing.resealAll(tenantId, sealedKeys, clock.instant());
        resealed.forEach(event -> apply(event));
        return resealed.stream().map(SigningKeyResealed::kid).toList();
    }

    @CommandHandler
    void handle(DeleteTenant command) {
        apply(new TenantDeleted(tenantId));
    }

    @EventSourcingHandler
    void on(TenantCreated event) {
        this.aggregateId = TenantIds.aggregateId(event.tenantId());
        this.tenantId = event.tenantId();
        this.name = event.name();
    }

    @EventSourcingHandler
    void on(TenantLifetimeSettingsChanged event) {
        this.lifetimeSettings = event.settings();
    }

    @EventSourcingHandler
    void on(TenantRefreshSettingsChanged event) {
        this.refreshSettings = event.settings();
    }

    @EventSourcingHandler
    void on(TenantPermissionChangePolicyChanged event) {
        this.permissionChangePolicy = event.policy();
    }

    @EventSourcingHandler
    void on(TenantRenamed event) {
        this.name = event.name();
    }

    @EventSourcingHandler
    void on(SigningKeyAdded event) {
        sealedKeys.put(event.kid(), event.sealedPrivateJwk());
    }

    @EventSourcingHandler
    void on(SigningKeyResealed event) {
        sealedKeys.put(event.kid(), event.sealedPrivateJwk());
    }

    @EventSourcingHandler
    void on(TenantDeleted event) {
        markDeleted();
    }

}
