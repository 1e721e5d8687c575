package dev.tally.kernel.tenant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Commands of the tenant aggregate. */
public final class TenantCommands {
    private TenantCommands() {
    }

    /** @param settings lifetime settings that differ from the defaults; never null */
    public record CreateTenant(String tenantId, String name, SigningAlgorithm signingAlg, TenantSettingsPatch settings) {
    }

    public record ChangeTenantSettings(String tenantId, TenantSettingsPatch settings) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    public record RenameTenant(String tenantId, String name) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    /** The tenant's refresh-token defaults, whole. */
    public record ChangeTenantRefreshSettings(String tenantId, dev.tally.kernel.refresh.TenantRefreshSettings settings) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    /** The tenant setting {@code on_permission_change}. */
    public record ChangePermissionChangePolicy(String tenantId, dev.tally.kernel.user.PermissionChangePolicy policy) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    public record DeleteTenant(String tenantId) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    /**
     * Seal every signing key of the tenant that is not under the master key ring's primary again under it. Nothing
     * happens for keys already under the primary, so nodes may send it at once.
     */
    public record ResealSigningKeys(String tenantId) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }
}
