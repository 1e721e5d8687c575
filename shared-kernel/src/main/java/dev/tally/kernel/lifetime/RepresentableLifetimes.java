package dev.tally.kernel.lifetime;

import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.refresh.TenantRefreshSettings;

/**
 * The bound {@link LifetimeDecision#MAX_LIFETIME_SECONDS} for the settings that are not this package's records: the
 * refresh-token settings of a tenant and of a client, whose idle lifetime is added to an instant when a family starts
 * (2^63-1 seconds overflowed there, and the grant answered 500). The management API and the aggregates ask before they
 * record a setting; the records themselves do not, so that events recorded before the bound still load.
 */
public final class RepresentableLifetimes {
    private RepresentableLifetimes() {
    }

    /** {@code seconds}, when given, is at most {@link LifetimeDecision#MAX_LIFETIME_SECONDS}. */
    public static void require(String field, Long seconds) {
        if (seconds != null && seconds > LifetimeDecision.MAX_LIFETIME_SECONDS) {
            throw new InvalidInput(field, field + " must be at most " + LifetimeDecision.MAX_LIFETIME_SECONDS
                    + " seconds (representable expiry), was " + seconds);
        }
    }

    public static RefreshTokenSettings require(RefreshTokenSettings settings) {
        require("refresh_token.token_lifetime", settings.tokenLifetime());
        require("refresh_token.idle_token_lifetime", settings.idleTokenLifetime());
        return settings;
    }

    public static TenantRefreshSettings require(TenantRefreshSettings settings) {
        require("refresh_token_idle_lifetime", settings.idleTokenLifetime());
        return settings;
    }
}
