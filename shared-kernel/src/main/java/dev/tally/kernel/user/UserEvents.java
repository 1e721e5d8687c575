package dev.tally.kernel.user;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.serialization.Revision;

/** Events of users. {@code passwordHash} is an Argon2id PHC string, never a password. */
public final class UserEvents {
    private UserEvents() {
    }

    public sealed interface UserEvent permits UserRegistered, UserUpdated, UserPermissionsChanged, UserPasswordChanged,
            UserDeleted {
        String userId();

        String tenantId();
    }

    @Revision("1")
    public record UserRegistered(String userId, String tenantId, String username, String passwordHash,
                                 Map<String, String> userMetadata, List<String> roles, List<String> permissions,
                                 Instant createdAt) implements UserEvent {
    }

    /** The profile after the change, whole. */
    @Revision("1")
    public record UserUpdated(String userId, String tenantId, String username, Map<String, String> userMetadata)
            implements UserEvent {
    }

    /** Roles and permissions after the change, and before it, so what follows (revocation) can say what changed. */
    @Revision("1")
    public record UserPermissionsChanged(String userId, String tenantId, List<String> roles, List<String> permissions,
                                         List<String> previousRoles, List<String> previousPermissions, Instant changedAt)
            implements UserEvent {
    }

    @Revision("1")
    public record UserPasswordChanged(String userId, String tenantId, String passwordHash, Instant changedAt)
            implements UserEvent {
    }

    @Revision("1")
    public record UserDeleted(String userId, String tenantId, String username) implements UserEvent {
    }
}
