package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientSessionLimits;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the engine needs to know about the OAuth client.
 *
 * <p>{@code refreshTokenLifetime} replaces the tenant's refresh token lifetime (still bounded by
 * {@code max_token_lifetime}). The session overrides are upper bounds: a client may shorten the
 * tenant's session timeouts, never lengthen them, so a larger value simply has no effect.
 *
 * @param clientId               OAuth client id
 * @param appType                application type; {@link AppType#SPA} is always a browser flow
 * @param metadata               free-form client metadata, visible to rules as {@code client.metadata}
 * @param createdAt              when the client was registered
 * @param idTokenLifetime        ID token lifetime in seconds
 * @param refreshTokenLifetime   optional refresh token lifetime override
 * @param sessionIdleTimeout     optional shorter session idle timeout
 * @param sessionAbsoluteTimeout optional shorter session absolute timeout
 */
public record ClientProfile(
        String clientId,
        AppType appType,
        Map<String, String> metadata,
        Instant createdAt,
        long idTokenLifetime,
        OptionalLong refreshTokenLifetime,
        OptionalLong sessionIdleTimeout,
        OptionalLong sessionAbsoluteTimeout) {

    public static final long DEFAULT_ID_TOKEN_LIFETIME = 36_000L;

    public ClientProfile {
        Seconds.requireText("client_id", clientId);
        Objects.requireNonNull(appType, "app_type must not be null");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "client_metadata must not be null"));
        Objects.requireNonNull(createdAt, "created_at must not be null");
        Seconds.requirePositive("id_token_lifetime", idTokenLifetime);
        requirePositiveIfPresent("refresh_token_lifetime", refreshTokenLifetime);
        requirePositiveIfPresent("session_idle_timeout", sessionIdleTimeout);
        requirePositiveIfPresent("session_absolute_timeout", sessionAbsoluteTimeout);
        if (sessionIdleTimeout.isPresent() && sessionAbsoluteTimeout.isPresent()) {
            Seconds.requireNotAbove("session_idle_timeout", sessionIdleTimeout.getAsLong(),
                    "session_absolute_timeout", sessionAbsoluteTimeout.getAsLong());
        }
    }

    private static void requirePositiveIfPresent(String field, OptionalLong seconds) {
        Objects.requireNonNull(seconds, field + " must not be null (use OptionalLong.empty())");
        if (seconds.isPresent()) {
            Seconds.requirePositive(field, seconds.getAsLong());
        }
    }

    /**
     * The profile of a client with these settings, as the token service builds it from the client's events; the
     * client aggregate builds it too before it records them, so that it records nothing the token service refuses.
     *
     * @param refreshTokenLifetime the client's {@code refresh_token.token_lifetime}, or {@code null}
     */
    public static ClientProfile of(String clientId, AppType appType, Map<String, String> metadata, Instant createdAt,
                                   long idTokenLifetime, ClientSessionLimits limits, Long refreshTokenLifetime) {
        Builder b = builder(clientId, appType).metadata(metadata).createdAt(createdAt).idTokenLifetime(idTokenLifetime);
        if (refreshTokenLifetime != null) {
            b.refreshTokenLifetime(refreshTokenLifetime);
        }
        if (limits.sessionIdleTimeout() != null) {
            b.sessionIdleTimeout(limits.sessionIdleTimeout());
        }
        if (limits.sessionAbsoluteTimeout() != null) {
            b.sessionAbsoluteTimeout(limits.sessionAbsoluteTimeout());
        }
        return b.build();
    }

    public static Builder builder(String clientId, AppType appType) {
        return new Builder(clientId, appType);
    }

    /** Defaults: empty metadata, created at the epoch, {@link #DEFAULT_ID_TOKEN_LIFETIME}, no overrides. */
    public static final class Builder {
        private final String clientId;
        private final AppType appType;
        private Map<String, String> metadata = Map.of();
        private Instant createdAt = Instant.EPOCH;
        private long idTokenLifetime = DEFAULT_ID_TOKEN_LIFETIME;
        private OptionalLong refreshTokenLifetime = OptionalLong.empty();
        private OptionalLong sessionIdleTimeout = OptionalLong.empty();
        private OptionalLong sessionAbsoluteTimeout = OptionalLong.empty();

        private Builder(String clientId, AppType appType) {
            this.clientId = clientId;
            this.appType = appType;
        }

        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        public Builder idTokenLifetime(long seconds) {
            this.idTokenLifetime = seconds;
            return this;
        }

        public Builder refreshTokenLifetime(long seconds) {
            this.refreshTokenLifetime = OptionalLong.of(seconds);
            return this;
        }

        public Builder sessionIdleTimeout(long seconds) {
            this.sessionIdleTimeout = OptionalLong.of(seconds);
            return this;
        }

        public Builder sessionAbsoluteTimeout(long seconds) {
            this.sessionAbsoluteTimeout = OptionalLong.of(seconds);
            return this;
        }

        public ClientProfile build() {
            return new ClientProfile(clientId, appType, metadata, createdAt, idTokenLifetime, refreshTokenLifetime,
                    sessionIdleTimeout, sessionAbsoluteTimeout);
        }
    }
}
