package dev.tally.platform.metrics;

import java.util.List;
import java.util.Set;

/**
 * The value of the {@code tenant} tag, bounded whatever the traffic: off, a tag for the listed tenants only (the rest are
 * {@value #OTHER}), or with {@code *} a tag for every tenant. Callers pass only tenants that exist, so a request for a
 * made-up tenant cannot add a series.
 */
public final class TenantTags {
    public static final String TAG = "tenant";
    /** Every tenant that is not listed, counted together. */
    public static final String OTHER = "other";
    private static final String EVERY = "*";

    private final boolean enabled;
    private final boolean every;
    private final Set<String> listed;

    private TenantTags(List<String> tenants) {
        this.every = tenants.contains(EVERY);
        this.listed = Set.copyOf(tenants);
        this.enabled = !tenants.isEmpty();
    }

    public static TenantTags of(MetricsProperties properties) {
        return new TenantTags(properties.tenantTags());
    }

    /** No tenant tag anywhere. */
    public static TenantTags off() {
        return new TenantTags(List.of());
    }

    /** Whether meters carry the {@code tenant} tag at all (Prometheus wants one set of tag names per metric). */
    public boolean enabled() {
        return enabled;
    }

    /** The tag's value for a tenant that exists; {@code null} when tenant tags are off. */
    public String of(String tenantId) {
        if (!enabled) {
            return null;
        }
        return every || listed.contains(tenantId) ? tenantId : OTHER;
    }
}
