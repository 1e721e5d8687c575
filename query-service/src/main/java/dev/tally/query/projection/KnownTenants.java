package dev.tally.query.projection;

import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.tenant.TenantIds;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

/**
 * Whether a tenant exists (or existed: a deleted tenant's history stays readable), asked of the event store itself,
 * so the answer never waits for a projection and is not affected by a replay. A tenant found once is remembered:
 * tenant ids are never reused, so "it existed" cannot become false.
 */
@Component
public class KnownTenants {
    private static final int REMEMBERED = 100_000;

    private final EventStore eventStore;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public KnownTenants(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    /** {@link NotFound} (404) unless the tenant was ever created. */
    public void require(String tenantId) {
        if (!exists(tenantId)) {
            throw new NotFound("tenant '" + tenantId + "' does not exist");
        }
    }

    public boolean exists(String tenantId) {
        if (tenantId == null) {
            return false;
        }
        if (known.contains(tenantId)) {
            return true;
        }
        try {
            TenantIds.requireValid(tenantId);
        } catch (InvalidInput e) {
            return false;
        }
        boolean exists = eventStore.readEvents(TenantIds.aggregateId(tenantId), 0).hasNext();
        if (exists && known.size() < REMEMBERED) {
            known.add(tenantId);
        }
        return exists;
    }
}
