package dev.tally.kernel.tenant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Commands of the tenant aggregate. */
public final class TenantCommands {
    private TenantCommands() {
    }

    public record CreateTenant(String tenantId, String name, SigningAlgorithm signingAlg) {
    }

    public record RenameTenant(String tenantId, String name) {
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
}
