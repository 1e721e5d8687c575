package dev.tally.kernel.refresh;

import dev.tally.kernel.problem.InvalidInput;

/**
 * A client's {@code refresh_token} settings; a {@code null} field takes the tenant's default. Seconds throughout.
 *
 * @param tokenLifetime absolute lifetime of a family (through the lifetime engine, bounded by the tenant)
 * @param idleTokenLifetime seconds since the last use after which the family expires; 0 for none
 * @param leeway seconds during which the immediately previous token still succeeds (concurrent refreshes)
 */
public record RefreshTokenSettings(RotationMode rotation, Long tokenLifetime, Long idleTokenLifetime, Long leeway) {
    public static final RefreshTokenSettings NONE = new RefreshTokenSettings(null, null, null, null);

    public RefreshTokenSettings {
        if (tokenLifetime != null && tokenLifetime <= 0) {
            throw new InvalidInput("refresh_token.token_lifetime", "must be a positive number of seconds");
        }
        if (idleTokenLifetime != null && idleTokenLifetime < 0) {
            throw new InvalidInput("refresh_token.idle_token_lifetime", "must be 0 (none) or a positive number of seconds");
        }
        if (leeway != null && (leeway < 0 || leeway > 300)) {
            throw new InvalidInput("refresh_token.leeway", "must be between 0 and 300 seconds");
        }
    }
}
