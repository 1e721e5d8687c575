package dev.tally.kernel.tenant;

import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.problem.InvalidInput;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * Changes to a tenant's lifetime settings, in seconds; {@code null} keeps a value. The maxima are bounds the
 * tenant chooses, never hidden limits.
 */
public record TenantSettingsPatch(Long maxTokenLifetime, Long maxTokenLifetimeForWeb, Long defaultTokenLifetime,
                                  String timeZone, Long sessionIdleTimeout, Long sessionAbsoluteTimeout,
                                  Long refreshTokenLifetime) {

    public static final TenantSettingsPatch NONE = new TenantSettingsPatch(null, null, null, null, null, null, null);

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** The settings after this change; rejects nonsense (non-positive values, a web maximum above the maximum). */
    public TenantLifetimeSettings applyTo(TenantLifetimeSettings current) {
        TenantLifetimeSettings.Builder b = current.toBuilder();
        if (maxTokenLifetime != null) {
            b.maxTokenLifetime(maxTokenLifetime);
        }
        if (maxTokenLifetimeForWeb != null) {
            b.maxTokenLifetimeForWeb(maxTokenLifetimeForWeb);
        }
        if (defaultTokenLifetime != null) {
            b.defaultTokenLifetime(defaultTokenLifetime);
        }
        if (timeZone != null) {
            b.timeZone(zone(timeZone));
        }
        if (sessionIdleTimeout != null) {
            b.sessionIdleTimeout(sessionIdleTimeout);
        }
        if (sessionAbsoluteTimeout != null) {
            b.sessionAbsoluteTimeout(sessionAbsoluteTimeout);
        }
        if (refreshTokenLifetime != null) {
            b.refreshTokenLifetime(refreshTokenLifetime);
        }
        return b.build();
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new InvalidInput("time_zone", "'" + id + "' is not an IANA time zone id (like Europe/Berlin or UTC)");
        }
    }
}
