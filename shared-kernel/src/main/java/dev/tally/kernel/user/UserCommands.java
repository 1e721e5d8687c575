package dev.tally.kernel.user;

import java.util.List;
import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Commands of the user aggregate. Passwords travel only as their Argon2id hash: the management API hashes
 * before it sends a command, so no command, event or log ever holds a password.
 */
public final class UserCommands {
    private UserCommands() {
    }

    public record RegisterUser(String userId, String tenantId, String username, String passwordHash,
                               Map<String, String> userMetadata, List<String> roles, List<String> permissions) {
    }

    /** Profile fields; {@code null} keeps a value. */
    public record UpdateUser(@TargetAggregateIdentifier String userId, String tenantId, String username,
                             Map<String, String> userMetadata) {
    }

    /**
     * The user's roles and permissions, whole; {@code null} keeps that list.
     *
     * @param onPermissionChange the tenant's policy now (the management API reads it); {@code null} for the default
     */
    public record ChangeUserPermissions(@TargetAggregateIdentifier String userId, String tenantId, List<String> roles,
                                        List<String> permissions, PermissionChangePolicy onPermissionChange) {
        public ChangeUserPermissions(String userId, String tenantId, List<String> roles, List<String> permissions) {
            this(userId, tenantId, roles, permissions, null);
        }
    }

    public record ChangeUserPassword(@TargetAggregateIdentifier String userId, String tenantId, String passwordHash) {
    }

    public record DeleteUser(@TargetAggregateIdentifier String userId, String tenantId) {
    }
}
