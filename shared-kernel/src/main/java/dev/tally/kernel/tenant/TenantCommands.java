package dev.tally.kernel.tenant;

import dev.tally.kernel.tenant.TenantEvents.ExportedPart;
import java.time.Instant;
import java.util.List;
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

    /** The tenant setting {@code default_audience}: an API identifier of the tenant, or {@code null} to clear it. */
    public record ChangeDefaultAudience(String tenantId, String defaultAudience) {
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
     * Pre-publishes a new key for {@code alg}, or for every algorithm of the tenant when {@code alg} is null; it signs
     * once its pre-publication is over.
     */
    public record RotateSigningKeys(String tenantId, SigningAlgorithm alg) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    /** Emergency revocation of one key. */
    public record RevokeSigningKey(String tenantId, String kid, String reason) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    /**
     * Takes every key step that is due by the clock: a key for each algorithm, activations at the end of
     * pre-publication, retirements, a scheduled rotation. Idempotent; sent by the sweeper.
     */
    public record AdvanceSigningKeys(String tenantId) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    /** {@code signing_key_rotation_interval} in seconds; {@code null} or 0 turns the schedule off. */
    public record ChangeSigningKeyRotation(String tenantId, Long interval) {
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

    /** {@code issuance_record_retention} in seconds; {@code null} or 0: keep forever. */
    public record ChangeIssuanceRecordRetention(String tenantId, Long retention) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    public record PlaceLegalHold(String tenantId, String reason) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    public record LiftLegalHold(String tenantId) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }

    /**
     * Sent by the pruner in the transaction that deletes the records, so the deletion commits only if the tenant,
     * at that moment, is not under a legal hold and still has a retention that covers {@code upTo}.
     */
    public record RecordIssuanceRecordsPruned(String tenantId, Instant upTo, long throughPosition, long count,
                                              List<ExportedPart> files) {
        @TargetAggregateIdentifier
        public String aggregateId() {
            return TenantIds.aggregateId(tenantId);
        }
    }
}
