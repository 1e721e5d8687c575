package dev.tally.kernel.tenant;

import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.axonframework.serialization.Revision;

/** Events of the tenant aggregate. Stable forever: change them only with a new revision and an upcaster. */
public final class TenantEvents {
    private TenantEvents() {
    }

    /** Marker for every event of a tenant, so projections can route them by tenant. */
    public sealed interface TenantEvent permits TenantCreated, TenantRenamed, TenantDeleted, SigningKeyAdded,
            TenantLifetimeSettingsChanged, TenantRefreshSettingsChanged, TenantPermissionChangePolicyChanged,
            SigningKeyCreated, SigningKeyActivated, SigningKeyRetired, SigningKeyRevoked, SigningKeyRotationChanged,
            TenantDefaultAudienceChanged, SigningKeyResealed, IssuanceRecordRetentionChanged, LegalHoldPlaced,
            LegalHoldLifted, IssuanceRecordsPruned {
        String tenantId();
    }

    @Revision("1")
    public record TenantCreated(String tenantId, String name, SigningAlgorithm signingAlg, Instant createdAt)
            implements TenantEvent {
    }

    @Revision("1")
    public record TenantRenamed(String tenantId, String name) implements TenantEvent {
    }

    /**
     * The tenant's lifetime settings, whole, in seconds. Recorded when the tenant is created (with the defaults
     * of that day, so a later change of defaults never changes an existing tenant) and on every change.
     */
    @Revision("1")
    public record TenantLifetimeSettingsChanged(String tenantId, long maxTokenLifetime, long maxTokenLifetimeForWeb,
                                                long defaultTokenLifetime, String timeZone, long sessionIdleTimeout,
                                                long sessionAbsoluteTimeout, long refreshTokenLifetime)
            implements TenantEvent {

        public static TenantLifetimeSettingsChanged of(String tenantId, TenantLifetimeSettings s) {
            return new TenantLifetimeSettingsChanged(tenantId, s.maxTokenLifetime(), s.maxTokenLifetimeForWeb(),
                    s.defaultTokenLifetime(), s.timeZone().getId(), s.sessionIdleTimeout(), s.sessionAbsoluteTimeout(),
                    s.refreshTokenLifetime());
        }

        public TenantLifetimeSettings settings() {
            return new TenantLifetimeSettings(maxTokenLifetime, maxTokenLifetimeForWeb, defaultTokenLifetime,
                    ZoneId.of(timeZone), sessionIdleTimeout, sessionAbsoluteTimeout, refreshTokenLifetime);
        }
    }

    /** The tenant's refresh-token defaults after the change, whole. Until the first, {@code TenantRefreshSettings.DEFAULTS}. */
    @Revision("1")
    public record TenantRefreshSettingsChanged(String tenantId, dev.tally.kernel.refresh.TenantRefreshSettings settings)
            implements TenantEvent {
    }

    @Revision("1")
    public record TenantDeleted(String tenantId) implements TenantEvent {
    }

    /** The tenant setting {@code on_permission_change}; until the first, {@code PermissionChangePolicy.DEFAULT}. */
    @Revision("1")
    public record TenantPermissionChangePolicyChanged(String tenantId,
                                                      dev.tally.kernel.user.PermissionChangePolicy policy)
            implements TenantEvent {
    }

    /**
     * The tenant setting {@code default_audience}: the identifier of the tenant's API that a token request naming
     * neither {@code audience} nor {@code resource} is for; {@code null} when cleared. Until the first, none.
     */
    @Revision("1")
    public record TenantDefaultAudienceChanged(String tenantId, String defaultAudience) implements TenantEvent {
    }

    /**
     * A signing key of the tenant. The private key is sealed with the deployment's master key
     * ({@link dev.tally.kernel.crypto.MasterKey}); the history holds it only in that form.
     *
     * @param publicJwk the public key as a JWK JSON object, as published in the tenant's JWKS
     * @param sealedPrivateJwk the private JWK JSON, sealed
     */
    @Revision("1")
    public record SigningKeyAdded(String tenantId, String kid, SigningAlgorithm alg, String publicJwk,
                                  String sealedPrivateJwk, Instant createdAt) implements TenantEvent {
        /** What the sealed private key is bound to: it opens only for this tenant and key id. */
        public static String associatedData(String tenantId, String kid) {
            return "signing-key:" + tenantId + "/" + kid;
        }
    }

    /**
     * A new signing key of the tenant, published in its JWKS from now on.
     *
     * @param activatesAt when it may start signing (the end of its pre-publication, so resource servers' cached JWKS
     *                    already hold it); {@code null} for a key that signs at once (a new tenant's, the first of an
     *                    algorithm, the replacement of a revoked key). A pre-published key signs only once
     *                    {@link SigningKeyActivated} is recorded.
     * @param cause {@code tenant_created}, {@code algorithm_added}, {@code rotation_requested}, {@code rotation_scheduled}
     *              or {@code replaces_revoked}
     */
    @Revision("1")
    public record SigningKeyCreated(String tenantId, String kid, SigningAlgorithm alg, String publicJwk,
                                    String sealedPrivateJwk, Instant createdAt, Instant activatesAt, String cause)
            implements TenantEvent {
    }

    /**
     * The key signs the tenant's tokens of its algorithm from now on. The key it replaces stops signing and stays
     * published until {@code previousRetiresAt}, when every token it signed has expired.
     *
     * @param previousKid the key that signed before, or {@code null}
     * @param previousRetiresAt when the previous key may leave the JWKS: now plus the longest lifetime a token it
     *                          signed can have
     */
    @Revision("1")
    public record SigningKeyActivated(String tenantId, String kid, SigningAlgorithm alg, Instant activatedAt,
                                      String previousKid, Instant previousRetiresAt) implements TenantEvent {
    }

    /** Every token the key signed has expired: it leaves the JWKS. */
    @Revision("1")
    public record SigningKeyRetired(String tenantId, String kid, Instant retiredAt) implements TenantEvent {
    }

    /**
     * Emergency revocation: the key leaves the JWKS at once and every token it signed is refused, though unexpired.
     *
     * @param reason what the administrator gave, or {@code compromised}
     */
    @Revision("1")
    public record SigningKeyRevoked(String tenantId, String kid, SigningAlgorithm alg, Instant revokedAt, String reason)
            implements TenantEvent {
    }

    /**
     * The tenant setting {@code signing_key_rotation_interval}: a new key is pre-published this many seconds after
     * the current one started signing; {@code null} for no schedule (the default).
     *
     * @param keysActiveSince when the tenant's current keys started signing, so the next rotation is due at
     *                        {@code keysActiveSince + interval}
     */
    @Revision("1")
    public record SigningKeyRotationChanged(String tenantId, Long interval, Instant keysActiveSince)
            implements TenantEvent {
    }

    /**
     * A signing key's private half sealed again, under the master key ring's primary (after a master-key rotation). The
     * key itself is unchanged; from now on this is its sealed form. Associated data as {@link SigningKeyAdded}'s.
     *
     * @param sealedPrivateJwk the private JWK JSON, sealed under the primary master key
     */
    @Revision("1")
    public record SigningKeyResealed(String tenantId, String kid, String sealedPrivateJwk, Instant at)
            implements TenantEvent {
    }

    /**
     * The tenant setting {@code issuance_record_retention}: its {@code AccessTokenIssued} and {@code IdTokenIssued}
     * records older than this many seconds are exported and leave the event store; {@code null}: kept forever (the
     * default).
     */
    @Revision("1")
    public record IssuanceRecordRetentionChanged(String tenantId, Long retention) implements TenantEvent {
    }

    /** A legal hold: nothing of the tenant is pruned until it is lifted, whatever its retention. */
    @Revision("1")
    public record LegalHoldPlaced(String tenantId, String reason, Instant at) implements TenantEvent {
    }

    @Revision("1")
    public record LegalHoldLifted(String tenantId, Instant at) implements TenantEvent {
    }

    /**
     * Issuance records of the tenant left the event store, after they were exported and made durable. The history
     * says what left (how many, up to when, the highest global index), and where it went, byte for byte.
     *
     * @param upTo            every record pruned was issued before this instant (now minus the retention)
     * @param throughPosition the highest global index among them
     * @param files           the parts of the export files written for them, one per UTC day
     */
    @Revision("1")
    public record IssuanceRecordsPruned(String tenantId, Instant upTo, long throughPosition, long count,
                                        List<ExportedPart> files, Instant at) implements TenantEvent {
        public IssuanceRecordsPruned {
            files = List.copyOf(files);
        }
    }

    /**
     * The bytes {@code [fromByte, toByte)} of the NDJSON file {@code file} (relative to the export directory) hold
     * {@code records} records, one per line; {@code sha256} (hex) is the digest of exactly those bytes.
     */
    public record ExportedPart(String file, long fromByte, long toByte, long records, String sha256) {
    }
}
