package dev.tally.command.user;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.tally.command.catalog.TenantDirectory;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.problem.StringMetadata;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.user.PermissionChangePolicy;
import dev.tally.kernel.user.UserCommands.ChangeUserPassword;
import dev.tally.kernel.user.UserCommands.ChangeUserPermissions;
import dev.tally.kernel.user.UserCommands.DeleteUser;
import dev.tally.kernel.user.UserCommands.RegisterUser;
import dev.tally.kernel.user.UserCommands.UpdateUser;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserPasswordChanged;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import dev.tally.kernel.user.UserEvents.UserUpdated;
import dev.tally.kernel.user.UserIds;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A user of a tenant: a username unique in the tenant regardless of case, free-form metadata, and the roles and
 * permissions their tokens will carry. The password exists here only as its Argon2id hash, and only in the events:
 * the aggregate never needs it to decide anything.
 */
@Aggregate
public class User {
    static final int MAX_ENTRIES = 100;
    static final int MAX_ENTRY_LENGTH = 200;
    private static final String ARGON2ID = "$argon2id$";

    @AggregateIdentifier
    private String userId;
    private String tenantId;
    private String username;
    private Map<String, String> userMetadata;
    private List<String> roles;
    private List<String> permissions;

    protected User() {
    }

    @CommandHandler
    public User(RegisterUser command, TenantDirectory tenants, UserDirectory users, Clock clock) {
        if (!tenants.tenantActive(command.tenantId())) {
            throw new NotFound("tenant '" + command.tenantId() + "' does not exist");
        }
        requirePasswordHash(command.passwordHash());
        String username = UserIds.requireValidUsername(command.username());
        Map<String, String> metadata = requireMetadata(command.userMetadata());
        List<String> roles = requireEntries("roles", command.roles());
        List<String> permissions = requireEntries("permissions", command.permissions());
        requireUsernameFree(users, command.tenantId(), username, command.userId());
        apply(new UserRegistered(command.userId(), command.tenantId(), username, command.passwordHash(), metadata, roles,
                permissions, clock.instant()));
    }

    @CommandHandler
    void handle(UpdateUser command, UserDirectory users) {
        requireSameTenant(command.tenantId());
        String newUsername = command.username() == null ? username : UserIds.requireValidUsername(command.username());
        Map<String, String> newMetadata = command.userMetadata() == null ? userMetadata : requireMetadata(command.userMetadata());
        boolean renamed = !newUsername.equals(username);
        if (renamed) {
            requireUsernameFree(users, tenantId, newUsername, userId);
        }
        if (renamed || !newMetadata.equals(userMetadata)) {
            apply(new UserUpdated(userId, tenantId, newUsername, newMetadata));
        }
    }

    /**
     * Records the lists before and after, so what follows (revocation) can tell what was taken away. Roles and
     * permissions are sets to whoever reads a token: a change of order only is no change and records nothing.
     *
     * <p>The change gets an id ({@code pc_...}) and records the tenant's {@code on_permission_change} policy, which
     * the command carries (the management API reads it from the catalog). The revocations the policy calls for
     * refer to that id. With {@code revoke_all} the user's "not before" is recorded here too, in the same command:
     * every token issued to the user before the change is refused from then on, whatever grant it came from.
     * Revoking the user's refresh-token families and sessions is left to {@code PermissionChangeRevocations}, which
     * runs in the same unit of work.
     */
    @CommandHandler
    void handle(ChangeUserPermissions command, Clock clock) {
        requireSameTenant(command.tenantId());
        List<String> newRoles = command.roles() == null ? roles : requireEntries("roles", command.roles());
        List<String> newPermissions = command.permissions() == null ? permissions
                : requireEntries("permissions", command.permissions());
        if (sameEntries(newRoles, roles) && sameEntries(newPermissions, permissions)) {
            return;
        }
        PermissionChangePolicy policy = command.onPermissionChange() == null ? PermissionChangePolicy.DEFAULT
                : command.onPermissionChange();
        String changeId = newChangeId();
        Instant now = clock.instant();
        apply(new UserPermissionsChanged(userId, tenantId, newRoles, newPermissions, roles, permissions, now, changeId,
                policy));
        if (policy == PermissionChangePolicy.REVOKE_ALL) {
            apply(new UserTokensRevoked(userId, tenantId, now, RevocationCause.permissionChange(changeId)));
        }
    }

    /** Names one permission change; the revocations it causes refer to it. */
    static String newChangeId() {
        return "pc_" + RandomTokens.alphanumeric(24);
    }

    /** Always recorded: a new hash has a new salt, and an administrator who resets a password means it. */
    @CommandHandler
    void handle(ChangeUserPassword command, Clock clock) {
        requireSameTenant(command.tenantId());
        requirePasswordHash(command.passwordHash());
        apply(new UserPasswordChanged(userId, tenantId, command.passwordHash(), clock.instant()));
    }

    @CommandHandler
    void handle(DeleteUser command) {
        requireSameTenant(command.tenantId());
        apply(new UserDeleted(userId, tenantId, username));
    }

    @EventSourcingHandler
    void on(UserRegistered event) {
        this.userId = event.userId();
        this.tenantId = event.tenantId();
        this.username = event.username();
        this.userMetadata = event.userMetadata();
        this.roles = event.roles();
        this.permissions = event.permissions();
    }

    @EventSourcingHandler
    void on(UserUpdated event) {
        this.username = event.username();
        this.userMetadata = event.userMetadata();
    }

    @EventSourcingHandler
    void on(UserPermissionsChanged event) {
        this.roles = event.roles();
        this.permissions = event.permissions();
    }

    @EventSourcingHandler
    void on(UserDeleted event) {
        markDeleted();
    }

    /** A user of another tenant is, to this tenant, a user that does not exist. */
    private void requireSameTenant(String commandTenant) {
        if (!tenantId.equals(commandTenant)) {
            throw new NotFound("no such user in tenant '" + commandTenant + "'");
        }
    }

    private static void requireUsernameFree(UserDirectory users, String tenantId, String username, String exceptUserId) {
        if (users.usernameTaken(tenantId, UserIds.canonical(username), exceptUserId)) {
            throw new Conflict("username", "a user named '" + username + "' already exists in this tenant");
        }
    }

    /**
     * The management API hashes every password before it sends a command; anything else here is a bug in the
     * caller, not bad input, and the hash itself is never repeated in the message.
     */
    private static void requirePasswordHash(String passwordHash) {
        if (passwordHash == null || !passwordHash.startsWith(ARGON2ID)) {
            throw new IllegalArgumentException("a user's password must arrive as an Argon2id PHC string ($argon2id$...)");
        }
    }

    static Map<String, String> requireMetadata(Map<String, String> metadata) {
        return StringMetadata.requireValid("user_metadata", metadata);
    }

    /**
     * Roles or permissions: at most {@value #MAX_ENTRIES} distinct entries of 1-{@value #MAX_ENTRY_LENGTH}
     * characters, without spaces or control characters (they travel space-separated in tokens). Duplicates are
     * dropped, the first occurrence's order kept.
     */
    static List<String> requireEntries(String field, List<String> entries) {
        if (entries == null) {
            return List.of();
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String entry : entries) {
            if (entry == null || entry.isEmpty() || entry.length() > MAX_ENTRY_LENGTH) {
                throw new InvalidInput(field, "entries must be 1-" + MAX_ENTRY_LENGTH + " characters");
            }
            if (entry.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c))) {
                throw new InvalidInput(field, "'" + entry + "' must not contain spaces or control characters");
            }
            if (distinct.add(entry) && distinct.size() > MAX_ENTRIES) {
                throw new InvalidInput(field, "may hold at most " + MAX_ENTRIES + " entries");
            }
        }
        return List.copyOf(distinct);
    }

    private static boolean sameEntries(List<String> a, List<String> b) {
        return new HashSet<>(a).equals(new HashSet<>(b));
    }
}
