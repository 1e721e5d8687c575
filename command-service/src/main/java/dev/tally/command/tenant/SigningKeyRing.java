package dev.tally.command.tenant;

import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyActivated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's signing keys and where each stands, folded from the tenant's key events. The {@link Tenant} aggregate
 * decides with it; the management API lists it, folded from the same events.
 *
 * <p>A key is {@code pending} (published, not yet signing), {@code active} (signs its algorithm's tokens),
 * {@code retiring} (replaced, published until its tokens have expired), {@code retired} or {@code revoked}. At most
 * one key per algorithm is active and at most one pending.
 */
public final class SigningKeyRing {
    public enum Status {
        PENDING, ACTIVE, RETIRING, RETIRED, REVOKED;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    /** One key as the management API shows it; never its private half. */
    public record Key(String kid, SigningAlgorithm alg, Status status, Instant createdAt, Instant activatesAt,
                      Instant activatedAt, Instant retiresAt, Instant retiredAt, Instant revokedAt,
                      String revocationReason, String cause) {
        Key with(Status newStatus) {
            return new Key(kid, alg, newStatus, createdAt, activatesAt, activatedAt, retiresAt, retiredAt, revokedAt,
                    revocationReason, cause);
        }
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();

    /** Applies a key event; other events are ignored. */
    public void apply(Object event) {
        switch (event) {
            case SigningKeyAdded e -> {
                // before rotation existed: a key signs at once and replaces nothing (a tenant had one key)
                keys.put(e.kid(), new Key(e.kid(), e.alg(), Status.ACTIVE, e.createdAt(), null, e.createdAt(), null, null,
                        null, null, "tenant_created"));
            }
            case SigningKeyCreated e -> keys.put(e.kid(), new Key(e.kid(), e.alg(),
                    e.activatesAt() == null ? Status.ACTIVE : Status.PENDING, e.createdAt(), e.activatesAt(),
                    e.activatesAt() == null ? e.createdAt() : null, null, null, null, null, e.cause()));
            case SigningKeyActivated e -> {
                keys.computeIfPresent(e.kid(), (kid, k) -> new Key(kid, k.alg(), Status.ACTIVE, k.createdAt(),
                        k.activatesAt(), e.activatedAt(), null, null, null, null, k.cause()));
                if (e.previousKid() != null) {
                    keys.computeIfPresent(e.previousKid(), (kid, k) -> new Key(kid, k.alg(), Status.RETIRING,
                            k.createdAt(), k.activatesAt(), k.activatedAt(), e.previousRetiresAt(), null, null, null,
                            k.cause()));
                }
            }
            case SigningKeyRetired e -> keys.computeIfPresent(e.kid(), (kid, k) -> new Key(kid, k.alg(), Status.RETIRED,
                    k.createdAt(), k.activatesAt(), k.activatedAt(), k.retiresAt(), e.retiredAt(), null, null, k.cause()));
            case SigningKeyRevoked e -> keys.computeIfPresent(e.kid(), (kid, k) -> new Key(kid, k.alg(), Status.REVOKED,
                    k.createdAt(), k.activatesAt(), k.activatedAt(), k.retiresAt(), k.retiredAt(), e.revokedAt(),
                    e.reason(), k.cause()));
            default -> { }
        }
    }

    public Optional<Key> key(String kid) {
        return Optional.ofNullable(keys.get(kid));
    }

    public Optional<Key> active(SigningAlgorithm alg) {
        return find(alg, Status.ACTIVE);
    }

    public Optional<Key> pending(SigningAlgorithm alg) {
        return find(alg, Status.PENDING);
    }

    /** Replaced keys still published, oldest first. */
    public List<Key> retiring() {
        return keys.values().stream().filter(k -> k.status() == Status.RETIRING).toList();
    }

    /** Every key ever, oldest first. */
    public List<Key> all() {
        return new ArrayList<>(keys.values());
    }

    private Optional<Key> find(SigningAlgorithm alg, Status status) {
        return keys.values().stream().filter(k -> k.alg() == alg && k.status() == status).findFirst();
    }
}
