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
            UserDeleted, UserTokensRevoked {
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

    /**
     * Roles and permissions after the change, and before it, so what follows (revocation) can say what changed.
     *
     * @param changeId           names this change; the revocations it causes refer to it ({@code RevocationCause})
     * @param onPermissionChange the tenant's policy when the change was made, which decided what was revoked;
     *                           {@code null} in revision 1 events (nothing was revoked then)
     */
    @Revision("2")
    public record UserPermissionsChanged(String userId, String tenantId, List<String> roles, List<String> permissions,
                                         List<String> previousRoles, List<String> previousPermissions, Instant changedAt,
                                         String changeId, PermissionChangePolicy onPermissionChange)
            implements UserEvent {
        public UserPermissionsChanged(String userId, String tenantId, List<String> roles, List<String> permissions,
                                      List<String> previousRoles, List<String> previousPermissions, Instant changedAt) {
            this(userId, tenantId, roles, permissions, previousRoles, previousPermissions, changedAt, null, null);
        }
    }

    /**
     * Every token issued to the user before {@code notBefore} is refused from now on (the subject's "not before"):
     * recorded with a {@code revoke_all} permission change.
     */
    @Revision("1")
    public record UserTokensRevoked(String userId, String tenantId, Instant notBefore,
                                    dev.tally.kernel.revocation.RevocationCause cause) implements UserEvent {
    }

    @Revision("1")
    public record UserPasswordChanged(String userId, String tenantId, String passwordHash, Instant changedAt)
            implements UserEvent {
    }

    @Revision("1")
    public record UserDeleted(String userId, String tenantId, String username) implements UserEvent {
    }
}
