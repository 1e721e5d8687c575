package dev.tally.kernel.lifetime;

import java.time.ZoneId;
import java.util.Objects;

/**
 * A tenant's lifetime settings, all in seconds. The maxima are the tenant's own choice: the engine
 * adds no hidden limit on top of them (only {@link LifetimeDecision#MAX_LIFETIME_SECONDS}, which
 * keeps expiry instants representable).
 *
 * <p>Rejected as nonsense: non-positive values, {@code max_token_lifetime_for_web} above
 * {@code max_token_lifetime}, and {@code session_idle_timeout} above {@code session_absolute_timeout}.
 * Defaults above a maximum are allowed: they are clamped at decision time and the trace shows it.
 *
 * @param maxTokenLifetime       upper bound for every token
 * @param maxTokenLifetimeForWeb upper bound for access tokens issued to browser flows
 * @param defaultTokenLifetime   access token lifetime when the audience is only the tenant's userinfo endpoint
 * @param timeZone               zone in which wall-clock rule effects ({@code daily_at}) are interpreted
 * @param sessionIdleTimeout     login session idle timeout
 * @param sessionAbsoluteTimeout login session absolute timeout
 * @param refreshTokenLifetime   refresh token lifetime unless the client overrides it
 */
public record TenantLifetimeSettings(
        long maxTokenLifetime,
        long maxTokenLifetimeForWeb,
        long defaultTokenLifetime,
        ZoneId timeZone,
        long sessionIdleTimeout,
        long sessionAbsoluteTimeout,
        long refreshTokenLifetime) {

    public static final long DEFAULT_MAX_TOKEN_LIFETIME = 2_592_000L;
    public static final long DEFAULT_MAX_TOKEN_LIFETIME_FOR_WEB = 86_400L;
    public static final long DEFAULT_DEFAULT_TOKEN_LIFETIME = 86_400L;
    public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("UTC");
    public static final long DEFAULT_SESSION_IDLE_TIMEOUT = 259_200L;
    public static final long DEFAULT_SESSION_ABSOLUTE_TIMEOUT = 2_592_000L;
    public static final long DEFAULT_REFRESH_TOKEN_LIFETIME = 2_592_000L;

    public TenantLifetimeSettings {
        Seconds.requirePositive("max_token_lifetime", maxTokenLifetime);
        Seconds.requirePositive("max_token_lifetime_for_web", maxTokenLifetimeForWeb);
        Seconds.requirePositive("default_token_lifetime", defaultTokenLifetime);
        Objects.requireNonNull(timeZone, "time_zone must not be null");
        Seconds.requirePositive("session_idle_timeout", sessionIdleTimeout);
        Seconds.requirePositive("session_absolute_timeout", sessionAbsoluteTimeout);
        Seconds.requirePositive("refresh_token_lifetime", refreshTokenLifetime);
        Seconds.requireNotAbove("max_token_lifetime_for_web", maxTokenLifetimeForWeb,
                "max_token_lifetime", maxTokenLifetime);
        Seconds.requireNotAbove("session_idle_timeout", sessionIdleTimeout,
                "session_absolute_timeout", sessionAbsoluteTimeout);
    }

    public static TenantLifetimeSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .maxTokenLifetime(maxTokenLifetime)
                .maxTokenLifetimeForWeb(maxTokenLifetimeForWeb)
                .defaultTokenLifetime(defaultTokenLifetime)
                .timeZone(timeZone)
                .sessionIdleTimeout(sessionIdleTimeout)
                .sessionAbsoluteTimeout(sessionAbsoluteTimeout)
                .refreshTokenLifetime(refreshTokenLifetime);
    }

    /** Starts from the named defaults; {@link #build()} validates. */
    public static final class Builder {
        private long maxTokenLifetime = DEFAULT_MAX_TOKEN_LIFETIME;
        private long maxTokenLifetimeForWeb = DEFAULT_MAX_TOKEN_LIFETIME_FOR_WEB;
        private long defaultTokenLifetime = DEFAULT_DEFAULT_TOKEN_LIFETIME;
        private ZoneId timeZone = DEFAULT_TIME_ZONE;
        private long sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
        private long sessionAbsoluteTimeout = DEFAULT_SESSION_ABSOLUTE_TIMEOUT;
        private long refreshTokenLifetime = DEFAULT_REFRESH_TOKEN_LIFETIME;

        private Builder() {
        }

        public Builder maxTokenLifetime(long seconds) {
            this.maxTokenLifetime = seconds;
            return this;
        }

        public Builder maxTokenLifetimeForWeb(long seconds) {
            this.maxTokenLifetimeForWeb = seconds;
            return this;
        }

        public Builder defaultTokenLifetime(long seconds) {
            this.defaultTokenLifetime = seconds;
            return this;
        }

        public Builder timeZone(ZoneId timeZone) {
            this.timeZone = timeZone;
            return this;
        }

        public Builder sessionIdleTimeout(long seconds) {
            this.sessionIdleTimeout = seconds;
            return this;
        }

        public Builder sessionAbsoluteTimeout(long seconds) {
            this.sessionAbsoluteTimeout = seconds;
            return this;
        }

        public Builder refreshTokenLifetime(long seconds) {
            this.refreshTokenLifetime = seconds;
            return this;
        }

        public TenantLifetimeSettings build() {
            return new TenantLifetimeSettings(maxTokenLifetime, maxTokenLifetimeForWeb, defaultTokenLifetime,
                    timeZone, sessionIdleTimeout, sessionAbsoluteTimeout, refreshTokenLifetime);
        }
    }
}
