package dev.tally.kernel.refresh;

import dev.tally.kernel.problem.InvalidInput;

/**
 * A tenant's refresh-token defaults (the absolute lifetime is the lifetime setting {@code refresh_token_lifetime}),
 * and what a detected reuse does to the user's login session.
 *
 * <p>The default leeway is {@value #DEFAULT_LEEWAY} seconds: within it the previous token, presented again by another
 * tab or by a retry whose answer was lost, gets the same successor instead of ending the family. With 0 every second
 * presentation of a token is reuse, retries included.
 */
public record TenantRefreshSettings(RotationMode rotation, long idleTokenLifetime, long leeway,
                                    boolean revokeSessionOnReuse) {
    public static final long DEFAULT_LEEWAY = 30;
    public static final TenantRefreshSettings DEFAULTS = new TenantRefreshSettings(RotationMode.ROTATE, 1_296_000L,
            DEFAULT_LEEWAY, true);

    public TenantRefreshSettings {
        if (rotation == null) {
            throw new InvalidInput("refresh_token_rotation", "is required");
        }
        if (idleTokenLifetime < 0) {
            throw new InvalidInput("refresh_token_idle_lifetime", "must be 0 (none) or a positive number of seconds");
        }
        if (leeway < 0 || leeway > 300) {
            throw new InvalidInput("refresh_token_leeway", "must be between 0 and 300 seconds");
        }
    }

    /** What a client's settings and these defaults give together. */
    public RotationMode rotationFor(RefreshTokenSettings client) {
        return client.rotation() != null ? client.rotation() : rotation;
    }

    public long idleFor(RefreshTokenSettings client) {
        return client.idleTokenLifetime() != null ? client.idleTokenLifetime() : idleTokenLifetime;
    }

    public long leewayFor(RefreshTokenSettings client) {
        return client.leeway() != null ? client.leeway() : leeway;
    }
}
