package dev.tally.kernel.tenant;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Events of the tenant aggregate. Stable forever: change them only with a new revision and an upcaster. */
public final class TenantEvents {
    private TenantEvents() {
    }

    /** Marker for every event of a tenant, so projections can route them by tenant. */
    public sealed interface TenantEvent permits TenantCreated, TenantRenamed, TenantDeleted, SigningKeyAdded {
        String tenantId();
    }

    @Revision("1")
    public record TenantCreated(String tenantId, String name, SigningAlgorithm signingAlg, Instant createdAt)
            implements TenantEvent {
    }

    @Revision("1")
    public record TenantRenamed(String tenantId, String name) implements TenantEvent {
    }

    @Revision("1")
    public record TenantDeleted(String tenantId) implements TenantEvent {
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
}
