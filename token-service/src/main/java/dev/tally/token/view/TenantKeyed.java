package dev.tally.token.view;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entries of a view, each under its tenant first: a lookup names the tenant before the id, so an id of another
 * tenant is simply not found (there is no "found, then checked"), and a tenant's entries go with it at once.
 */
final class TenantKeyed<V> {
    private final Map<String, Map<String, V>> byTenant = new ConcurrentHashMap<>();

    Optional<V> get(String tenantId, String key) {
        if (tenantId == null || key == null) {
            return Optional.empty();
        }
        Map<String, V> entries = byTenant.get(tenantId);
        return entries == null ? Optional.empty() : Optional.ofNullable(entries.get(key));
    }

    /** The tenant's entries, as they are now (none for an unknown tenant). */
    Collection<V> values(String tenantId) {
        Map<String, V> entries = tenantId == null ? null : byTenant.get(tenantId);
        return entries == null ? List.of() : entries.values();
    }

    void put(String tenantId, String key, V value) {
        byTenant.computeIfAbsent(tenantId, t -> new ConcurrentHashMap<>()).put(key, value);
    }

    /** Replaces an entry that is there; nothing if it is not. */
    void update(String tenantId, String key, java.util.function.UnaryOperator<V> change) {
        Map<String, V> entries = byTenant.get(tenantId);
        if (entries != null) {
            entries.computeIfPresent(key, (k, v) -> change.apply(v));
        }
    }

    Optional<V> remove(String tenantId, String key) {
        Map<String, V> entries = byTenant.get(tenantId);
        return entries == null ? Optional.empty() : Optional.ofNullable(entries.remove(key));
    }

    /** Removes the entry only while it still maps to {@code value}. */
    void remove(String tenantId, String key, V value) {
        Map<String, V> entries = byTenant.get(tenantId);
        if (entries != null) {
            entries.remove(key, value);
        }
    }

    void dropTenant(String tenantId) {
        byTenant.remove(tenantId);
    }
}
