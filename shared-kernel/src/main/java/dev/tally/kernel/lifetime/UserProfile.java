package dev.tally.kernel.lifetime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The end user a token is issued for; absent for machine-to-machine tokens.
 *
 * @param userId    the user's id ({@code sub})
 * @param metadata  free-form user metadata, visible to rules as {@code user.metadata}
 * @param roles     role names, visible to rules as {@code user.roles}
 * @param createdAt when the user signed up
 */
public record UserProfile(String userId, Map<String, String> metadata, List<String> roles, Instant createdAt) {

    public UserProfile {
        Seconds.requireText("user_id", userId);
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "user_metadata must not be null"));
        roles = List.copyOf(Objects.requireNonNull(roles, "roles must not be null"));
        Objects.requireNonNull(createdAt, "created_at must not be null");
    }
}
