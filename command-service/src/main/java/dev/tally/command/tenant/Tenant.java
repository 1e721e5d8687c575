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
import dev.tally.kernel.tenant.TenantCommands.ChangeDefaultAudience;
import dev.tally.kernel.tenant.TenantCommands.ChangePermissionChangePolicy;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantRefreshSettings;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantSettings;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.kernel.tenant.TenantCommands.DeleteTenant;
import dev.tally.kernel.tenant.TenantCommands.RenameTenant;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDefaultAudienceChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantPermissionChangePolicyChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRefreshSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRenamed;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.kernel.user.PermissionChangePolicy;
import java.time.Clock;
import java.time.Instant;
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
    private String defaultAudience;

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

    /**
     * {@code default_audience}: an identifier of one of the tenant's APIs, or {@code null} to clear it. That API cannot
     * be deleted while it is the default ({@code Api} refuses), so the default never names nothing.
     */
    @CommandHandler
    void handle(ChangeDefaultAudience command, TenantDirectory directory) {
        String audience = command.defaultAudience();
        if (audience != null && !directory.apiIdentifierTaken(tenantId, audience)) {
            throw new InvalidInput("default_audience", "'" + audience + "' is not the identifier of an API of this tenant");
        }
        if (!java.util.Objects.equals(audience, defaultAudience)) {
            apply(new TenantDefaultAudienceChanged(tenantId, audience));
        }
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
    void on(TenantDefaultAudienceChanged event) {
        this.defaultAudience = event.defaultAudience();
    }

    @EventSourcingHandler
    void on(TenantRenamed event) {
        this.name = event.name();
    }

    @EventSourcingHandler
    void on(TenantDeleted event) {
        markDeleted();
    }

}
