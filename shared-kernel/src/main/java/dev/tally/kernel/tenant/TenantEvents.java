package dev.tally.kernel.tenant;

import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import java.time.Instant;
import java.time.ZoneId;
import org.axonframework.serialization.Revision;

/** Events of the tenant aggregate. Stable forever: change them only with a new revision and an upcaster. */
public final class TenantEvents {
    private TenantEvents() {
    }

    /** Marker for every event of a tenant, so projections can route them by tenant. */
    public sealed interface TenantEvent permits TenantCreated, TenantRenamed, TenantDeleted, SigningKeyAdded,
            TenantLifetimeSettingsChanged, TenantRefreshSettingsChanged, TenantPermissionChangePolicyChanged,
            SigningKeyResealed {
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
     * A signing key's private half sealed again, under the master key ring's primary (after a master-key rotation). The
     * key itself is unchanged; from now on this is its sealed form. Associated data as {@link SigningKeyAdded}'s.
     *
     * @param sealedPrivateJwk the private JWK JSON, sealed under the primary master key
     */
    @Revision("1")
    public record SigningKeyResealed(String tenantId, String kid, String sealedPrivateJwk, Instant at)
            implements TenantEvent {
    }
}
