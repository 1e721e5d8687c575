package dev.tally.kernel.lifetime;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Lifetime settings of one API (resource server), identified by its audience.
 *
 * @param identifier          the API's audience identifier
 * @param tokenLifetime       access token lifetime in seconds
 * @param tokenLifetimeForWeb access token lifetime for browser flows; when empty, browser flows use
 *                            {@code tokenLifetime}. Must not exceed {@code tokenLifetime}.
 */
public record ApiLifetimeSettings(String identifier, long tokenLifetime, OptionalLong tokenLifetimeForWeb) {

    public ApiLifetimeSettings {
        Seconds.requireText("identifier", identifier);
        Seconds.requirePositive("token_lifetime", tokenLifetime);
        Objects.requireNonNull(tokenLifetimeForWeb, "token_lifetime_for_web must not be null (use OptionalLong.empty())");
        if (tokenLifetimeForWeb.isPresent()) {
            Seconds.requirePositive("token_lifetime_for_web", tokenLifetimeForWeb.getAsLong());
            Seconds.requireNotAbove("token_lifetime_for_web", tokenLifetimeForWeb.getAsLong(),
                    "token_lifetime", tokenLifetime);
        }
    }

    /** An API without a separate browser lifetime. */
    public ApiLifetimeSettings(String identifier, long tokenLifetime) {
        this(identifier, tokenLifetime, OptionalLong.empty());
    }

    public ApiLifetimeSettings(String identifier, long tokenLifetime, long tokenLifetimeForWeb) {
        this(identifier, tokenLifetime, OptionalLong.of(tokenLifetimeForWeb));
    }
}
