package dev.tally.platform.metrics;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters of one name by up to three tag values, each built once and then found with map lookups only: a request that
 * counts something builds no string and registers nothing. Callers pass values from bounded sets (a grant type Tally
 * offers, an error code, a {@link TenantTags} value), so the table stays small.
 *
 * @param <M> the meter type
 */
public final class MeterTable<M> {
    /** Builds (and registers) the meter for one combination of tag values; {@code null} parts stand for "no such tag". */
    @FunctionalInterface
    public interface Factory<M> {
        M create(String first, String second, String third);
    }

    private static final String NONE = "";

    private final Factory<M> factory;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<String, M>>> meters =
            new ConcurrentHashMap<>();

    public MeterTable(Factory<M> factory) {
        this.factory = factory;
    }

    public M get(String first, String second) {
        return get(first, second, null);
    }

    public M get(String first, String second, String third) {
        String a = first == null ? NONE : first;
        String b = second == null ? NONE : second;
        String c = third == null ? NONE : third;
        var bySecond = meters.get(a);
        if (bySecond != null) {
            var byThird = bySecond.get(b);
            if (byThird != null) {
                M meter = byThird.get(c);
                if (meter != null) {
                    return meter;
                }
            }
        }
        return meters.computeIfAbsent(a, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(b, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(c, k -> factory.create(first, second, third));
    }
}
