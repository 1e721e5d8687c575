package dev.tally.command.tenant;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.tally.command.catalog.TenantDirectory;
import dev.tally.command.retention.RetentionProperties;
import dev.tally.kernel.tenant.TenantCommands.ChangeIssuanceRecordRetention;
import dev.tally.kernel.tenant.TenantCommands.LiftLegalHold;
import dev.tally.kernel.tenant.TenantCommands.PlaceLegalHold;
import dev.tally.kernel.tenant.TenantCommands.RecordIssuanceRecordsPruned;
import dev.tally.kernel.tenant.TenantEvents.IssuanceRecordRetentionChanged;
import dev.tally.kernel.tenant.TenantEvents.IssuanceRecordsPruned;
import dev.tally.kernel.tenant.TenantEvents.LegalHoldLifted;
import dev.tally.kernel.tenant.TenantEvents.LegalHoldPlaced;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.DisplayNames;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.lifetime.RepresentableLifetimes;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.tenant.TenantCommands.AdvanceSigningKeys;
import dev.tally.kernel.tenant.TenantCommands.ChangeSigningKeyRotation;
import dev.tally.kernel.tenant.TenantCommands.RevokeSigningKey;
import dev.tally.kernel.tenant.TenantCommands.RotateSigningKeys;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyActivated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRotationChanged;
import dev.tally.command.tenant.SigningKeyRing.Key;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import dev.tally.kernel.tenant.TenantCommands.ChangeDefaultAudience;
import java.util.Map;
import dev.tally.kernel.tenant.TenantCommands.ChangePermissionChangePolicy;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantRefreshSettings;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantSettings;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.kernel.tenant.TenantCommands.DeleteTenant;
import dev.tally.kernel.tenant.TenantCommands.RenameTenant;
import dev.tally.kernel.tenant.TenantCommands.ResealSigningKeys;
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
    private final SigningKeyRing keys = new SigningKeyRing();
    /** The current sealed form of each key still published (not retired or revoked), by key id, oldest first. */
    private final Map<String, String> sealedKeys = new LinkedHashMap<>();
    /** {@code signing_key_rotation_interval} in seconds, or null. */
    private Long rotationInterval;
    /**
     * The longest {@code max_token_lifetime} the tenant has ever had: no token signed by any of its keys lives
     * longer, so a replaced key stays published this long. Kept as the maximum ever, not the current value, because a
     * lowered maximum does not shorten tokens already signed.
     */
    private long longestTokenLifetime;

    /** At most this often on a schedule: a day. */
    static final long MIN_ROTATION_INTERVAL = 86_400;
    private String defaultAudience;
    /** {@code issuance_record_retention} in seconds, or null: issuance records are kept forever. */
    private Long issuanceRecordRetention;
    /** Since when the tenant is under a legal hold, or null. */
    private Instant legalHoldSince;
    /** At most this: a century, so that now minus it is always an instant. */
    static final long MAX_RETENTION = 100L * 366 * 86_400;

    protected Tenant() {
    }

    @CommandHandler
    public Tenant(CreateTenant command, TenantDirectory directory, SigningKeyFactory keyFactory, Clock clock) {
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
        // The keys exist from the tenant's first moment: its issuer can sign as soon as it can be named. One per
        // algorithm: access tokens use the tenant's (or API's) choice, ID tokens the client's (RS256 by default).
        for (SigningAlgorithm a : SigningAlgorithm.values()) {
            apply(keyFactory.newKey(command.tenantId(), a, now, null, "tenant_created"));
        }
    }

    /** Pre-publishes a new key per algorithm asked; it signs once {@link AdvanceSigningKeys} finds it due. */
    @CommandHandler
    List<String> handle(RotateSigningKeys command, SigningKeyFactory factory, SigningKeyProperties policy, Clock clock) {
        Instant now = clock.instant();
        List<SigningAlgorithm> algs = command.alg() == null ? List.of(SigningAlgorithm.values()) : List.of(command.alg());
        for (SigningAlgorithm alg : algs) {
            keys.pending(alg).ifPresent(p -> {
                throw new Conflict("alg", "a new " + alg + " key (" + p.kid() + ") is already published and signs from "
                        + p.activatesAt() + "; revoke it first to start another rotation");
            });
        }
        List<String> created = new ArrayList<>();
        for (SigningAlgorithm alg : algs) {
            SigningKeyCreated key = factory.newKey(tenantId, alg, now, now.plus(policy.prePublication()), "rotation_requested");
            apply(key);
            created.add(key.kid());
        }
        return created;
    }

    /**
     * Emergency revocation. A revoked key that was signing is replaced at once, without pre-publication: its
     * tokens must stop working now, and a resource server meeting the new key's unknown {@code kid} refetches the
     * JWKS. A key already pre-published for that algorithm takes over rather than a new one.
     */
    @CommandHandler
    void handle(RevokeSigningKey command, SigningKeyFactory factory, Clock clock) {
        Key key = keys.key(command.kid()).orElseThrow(() ->
                new NotFound("tenant '" + tenantId + "' has no signing key '" + command.kid() + "'"));
        if (key.status() == SigningKeyRing.Status.REVOKED) {
            throw new Conflict("kid", "signing key '" + key.kid() + "' is already revoked");
        }
        Instant now = clock.instant();
        String reason = command.reason() == null || command.reason().isBlank() ? "compromised" : command.reason().strip();
        if (reason.length() > 200) {
            throw new InvalidInput("reason", "must be at most 200 characters");
        }
        apply(new SigningKeyRevoked(tenantId, key.kid(), key.alg(), now, reason));
        if (key.status() == SigningKeyRing.Status.ACTIVE) {
            var pending = keys.pending(key.alg());
            if (pending.isPresent()) {
                apply(new SigningKeyActivated(tenantId, pending.get().kid(), key.alg(), now, null, null));
            } else {
                apply(factory.newKey(tenantId, key.alg(), now, null, "replaces_revoked"));
            }
        }
    }

    /**
     * Every key step due by now, in an order that never leaves an algorithm without a signing key: a key for an
     * algorithm the tenant lacks (tenants created before there was one per algorithm), retirements, activations, and
     * a scheduled rotation.
     */
    @CommandHandler
    void handle(AdvanceSigningKeys command, SigningKeyFactory factory, SigningKeyProperties policy, Clock clock) {
        Instant now = clock.instant();
        for (SigningAlgorithm alg : SigningAlgorithm.values()) {
            if (keys.active(alg).isEmpty() && keys.pending(alg).isEmpty()) {
                apply(factory.newKey(tenantId, alg, now, null, "algorithm_added"));
            }
        }
        for (Key retiring : keys.retiring()) {
            if (!retiring.retiresAt().isAfter(now)) {
                apply(new SigningKeyRetired(tenantId, retiring.kid(), now));
            }
        }
        for (SigningAlgorithm alg : SigningAlgorithm.values()) {
            var pending = keys.pending(alg);
            if (pending.isPresent() && !pending.get().activatesAt().isAfter(now)) {
                String previous = keys.active(alg).map(Key::kid).orElse(null);
                apply(new SigningKeyActivated(tenantId, pending.get().kid(), alg, now, previous,
                        previous == null ? null : now.plusSeconds(longestTokenLifetime)));
            }
        }
        if (rotationInterval != null) {
            for (SigningAlgorithm alg : SigningAlgorithm.values()) {
                var active = keys.active(alg);
                if (keys.pending(alg).isEmpty() && active.isPresent()
                        && !active.get().activatedAt().plusSeconds(rotationInterval).isAfter(now)) {
                    apply(factory.newKey(tenantId, alg, now, now.plus(policy.prePublication()), "rotation_scheduled"));
                }
            }
        }
    }

    /** {@code signing_key_rotation_interval}: recorded only when it changes. */
    @CommandHandler
    void handle(ChangeSigningKeyRotation command) {
        Long interval = command.interval() == null || command.interval() == 0 ? null : command.interval();
        if (interval != null && (interval < MIN_ROTATION_INTERVAL || interval > dev.tally.kernel.lifetime.LifetimeDecision.MAX_LIFETIME_SECONDS)) {
            throw new InvalidInput("signing_key_rotation_interval", "must be 0 (no schedule) or between "
                    + MIN_ROTATION_INTERVAL + " and " + dev.tally.kernel.lifetime.LifetimeDecision.MAX_LIFETIME_SECONDS + " seconds");
        }
        if (java.util.Objects.equals(interval, rotationInterval)) {
            return;
        }
        Instant activeSince = keys.all().stream().filter(k -> k.status() == SigningKeyRing.Status.ACTIVE)
                .map(Key::activatedAt).min(Instant::compareTo).orElse(null);
        apply(new SigningKeyRotationChanged(tenantId, interval, activeSince));
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

    /** Answers the ids of the keys it re-sealed; none when every key is under the master key ring's primary already. */
    @CommandHandler
    List<String> handle(ResealSigningKeys command, SigningKeyResealing resealing, Clock clock) {
        List<SigningKeyResealed> resealed = resealing.resealAll(tenantId, sealedKeys, clock.instant());
        resealed.forEach(event -> apply(event));
        return resealed.stream().map(SigningKeyResealed::kid).toList();
    }

    /** {@code issuance_record_retention}: at least the platform minimum, or 0 (keep forever); recorded when it changes. */
    @CommandHandler
    void handle(ChangeIssuanceRecordRetention command, RetentionProperties policy) {
        Long retention = command.retention() == null || command.retention() == 0 ? null : command.retention();
        long minimum = policy.minimum().toSeconds();
        if (retention != null && (retention < minimum || retention > MAX_RETENTION)) {
            throw new InvalidInput("issuance_record_retention", "must be 0 (keep issuance records forever) or between "
                    + minimum + " seconds (the platform minimum, tally.retention.minimum) and " + MAX_RETENTION);
        }
        if (!java.util.Objects.equals(retention, issuanceRecordRetention)) {
            apply(new IssuanceRecordRetentionChanged(tenantId, retention));
        }
    }

    @CommandHandler
    void handle(PlaceLegalHold command, Clock clock) {
        String reason = command.reason() == null ? "" : command.reason().strip();
        if (reason.isEmpty() || reason.length() > 200) {
            throw new InvalidInput("reason", "is required, at most 200 characters");
        }
        if (legalHoldSince != null) {
            throw new Conflict("legal_hold", "tenant '" + tenantId + "' is under a legal hold since " + legalHoldSince);
        }
        apply(new LegalHoldPlaced(tenantId, reason, clock.instant()));
    }

    @CommandHandler
    void handle(LiftLegalHold command, Clock clock) {
        if (legalHoldSince == null) {
            throw new NotFound("tenant '" + tenantId + "' is not under a legal hold");
        }
        apply(new LegalHoldLifted(tenantId, clock.instant()));
    }

    /**
     * Sent in the transaction that deletes the records: refused (and the deletion with it) if, by now, the tenant is
     * under a legal hold, or its retention no longer reaches back to {@code upTo} (it was removed or lengthened).
     */
    @CommandHandler
    void handle(RecordIssuanceRecordsPruned command, Clock clock) {
        Instant now = clock.instant();
        if (legalHoldSince != null) {
            throw new Conflict("legal_hold", "tenant '" + tenantId + "' is under a legal hold since " + legalHoldSince
                    + "; nothing of it is pruned");
        }
        if (issuanceRecordRetention == null || command.upTo().isAfter(now.minusSeconds(issuanceRecordRetention))) {
            throw new Conflict("issuance_record_retention", "tenant '" + tenantId + "' keeps its issuance records after "
                    + command.upTo());
        }
        apply(new IssuanceRecordsPruned(tenantId, command.upTo(), command.throughPosition(), command.count(),
                command.files(), now));
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
        this.longestTokenLifetime = Math.max(longestTokenLifetime, event.maxTokenLifetime());
    }

    @EventSourcingHandler
    void on(SigningKeyAdded event) {
        keys.apply(event);
        sealedKeys.put(event.kid(), event.sealedPrivateJwk());
    }

    @EventSourcingHandler
    void on(SigningKeyCreated event) {
        keys.apply(event);
        sealedKeys.put(event.kid(), event.sealedPrivateJwk());
    }

    @EventSourcingHandler
    void on(SigningKeyActivated event) {
        keys.apply(event);
    }

    @EventSourcingHandler
    void on(SigningKeyRetired event) {
        keys.apply(event);
        sealedKeys.remove(event.kid());
    }

    @EventSourcingHandler
    void on(SigningKeyRevoked event) {
        keys.apply(event);
        sealedKeys.remove(event.kid());
    }

    @EventSourcingHandler
    void on(SigningKeyResealed event) {
        sealedKeys.computeIfPresent(event.kid(), (kid, before) -> event.sealedPrivateJwk());
    }

    @EventSourcingHandler
    void on(SigningKeyRotationChanged event) {
        this.rotationInterval = event.interval();
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
    void on(IssuanceRecordRetentionChanged event) {
        this.issuanceRecordRetention = event.retention();
    }

    @EventSourcingHandler
    void on(LegalHoldPlaced event) {
        this.legalHoldSince = event.at();
    }

    @EventSourcingHandler
    void on(LegalHoldLifted event) {
        this.legalHoldSince = null;
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
