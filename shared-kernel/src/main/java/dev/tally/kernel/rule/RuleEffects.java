package dev.tally.kernel.rule;

import dev.tally.kernel.lifetime.LifetimeEffect;
import dev.tally.kernel.problem.InvalidInput;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a lifetime rule does when it matches, as the management API and the events carry it: lifetimes in whole
 * seconds per token type, or {@code expires_at} with a wall-clock schedule for the access token.
 */
public record RuleEffects(Long accessTokenLifetime, Long idTokenLifetime, Long refreshTokenLifetime, ExpiresAt expiresAt) {

    /** {@code {"daily_at":"00:00"}}: the access token expires at the next such local time in the tenant's zone. */
    public record ExpiresAt(String dailyAt) {
    }

    /** The engine's effects; rejects an empty set, two effects for the access token, and malformed times. */
    public List<LifetimeEffect> toLifetimeEffects() {
        List<LifetimeEffect> effects = new ArrayList<>(3);
        if (accessTokenLifetime != null) {
            effects.add(LifetimeEffect.accessTokenLifetime(accessTokenLifetime));
        }
        if (expiresAt != null) {
            if (accessTokenLifetime != null) {
                throw new InvalidInput("effects.expires_at", "give either access_token_lifetime or expires_at, not both");
            }
            effects.add(LifetimeEffect.expiresAtDailyAt(parseDailyAt(expiresAt.dailyAt())));
        }
        if (idTokenLifetime != null) {
            effects.add(LifetimeEffect.idTokenLifetime(idTokenLifetime));
        }
        if (refreshTokenLifetime != null) {
            effects.add(LifetimeEffect.refreshTokenLifetime(refreshTokenLifetime));
        }
        if (effects.isEmpty()) {
            throw new InvalidInput("effects", "name at least one of access_token_lifetime, id_token_lifetime, "
                    + "refresh_token_lifetime, expires_at");
        }
        return effects;
    }

    private static LocalTime parseDailyAt(String dailyAt) {
        if (dailyAt == null) {
            throw new InvalidInput("effects.expires_at.daily_at", "is required, as HH:MM or HH:MM:SS in the tenant's time zone");
        }
        try {
            return LocalTime.parse(dailyAt);
        } catch (DateTimeParseException e) {
            throw new InvalidInput("effects.expires_at.daily_at", "'" + dailyAt + "' is not a time of day (HH:MM or HH:MM:SS)");
        }
    }
}
