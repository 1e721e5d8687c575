package dev.tally.command.user;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.user.UserCatalog.UserRow;
import dev.tally.kernel.crypto.PasswordHasher;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.user.PermissionChangePolicy;
import dev.tally.kernel.user.UserCommands.ChangeUserPassword;
import dev.tally.kernel.user.UserCommands.ChangeUserPermissions;
import dev.tally.kernel.user.UserCommands.DeleteUser;
import dev.tally.kernel.user.UserCommands.RegisterUser;
import dev.tally.kernel.user.UserCommands.UpdateUser;
import dev.tally.kernel.user.UserIds;
import dev.tally.platform.axon.ConcurrentAppend;
import dev.tally.platform.problem.ManagementApi;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/tenants/{tenant}/users}: the tenant's users. A change of roles or permissions carries the tenant's
 * {@code on_permission_change}, read from the catalog, and the revocations it calls for are committed with it. A password is hashed (Argon2id) here, before any
 * command is sent, so no command, event, response or log holds it; requests carry it as a {@link Password}, which
 * prints redacted.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}/users")
public class UserController {
    private final CommandGateway commands;
    private final Catalog catalog;
    private final UserCatalog users;
    private final PasswordHasher hasher;

    public UserController(CommandGateway commands, Catalog catalog, UserCatalog users, PasswordHasher hasher) {
        this.commands = commands;
        this.catalog = catalog;
        this.users = users;
        this.hasher = hasher;
    }

    public record CreateUserRequest(String username, Password password, Map<String, String> userMetadata,
                                    List<String> roles, List<String> permissions) {
    }

    /** Absent fields keep their value; {@code roles} and {@code permissions} replace their lists whole. */
    public record UpdateUserRequest(String username, Password password, Map<String, String> userMetadata,
                                    List<String> roles, List<String> permissions) {
    }

    public record UserResponse(String userId, String username, Map<String, String> userMetadata, List<String> roles,
                               List<String> permissions, Instant createdAt) {
        static UserResponse of(UserRow row) {
            return new UserResponse(row.userId(), row.username(), row.userMetadata(), row.roles(), row.permissions(),
                    row.createdAt());
        }
    }

    @PostMapping
    public ResponseEntity<UserResponse> create(@PathVariable String tenant, @RequestBody CreateUserRequest request) {
        catalog.requireActiveTenant(tenant);
        if (request.password() == null) {
            throw new InvalidInput("password", "is required");
        }
        String userId = UserIds.newId();
        commands.sendAndWait(new RegisterUser(userId, tenant, request.username(), request.password().hashWith(hasher),
                request.userMetadata(), request.roles(), request.permissions()));
        return ResponseEntity.created(URI.create("/admin/tenants/" + tenant + "/users/" + userId)).body(get(tenant, userId));
    }

    /** All users of the tenant, oldest first; {@code ?username=} finds the one with that username, in any case. */
    @GetMapping
    public List<UserResponse> list(@PathVariable String tenant, @RequestParam(required = false) String username) {
        catalog.requireActiveTenant(tenant);
        List<UserRow> rows = username == null ? users.users(tenant) : users.userByUsername(tenant, username).stream().toList();
        return rows.stream().map(UserResponse::of).toList();
    }

    @GetMapping("/{userId}")
    public UserResponse get(@PathVariable String tenant, @PathVariable String userId) {
        return UserResponse.of(row(tenant, userId));
    }

    /**
     * Sends only the commands the present fields need. Every field is checked before the first command, so bad
     * input changes nothing; a username already taken fails the first command, before anything else changed.
     */
    @PatchMapping("/{userId}")
    public UserResponse update(@PathVariable String tenant, @PathVariable String userId,
                               @RequestBody UpdateUserRequest request) {
        row(tenant, userId);
        if (request.username() != null) {
            UserIds.requireValidUsername(request.username());
        }
        if (request.userMetadata() != null) {
            User.requireMetadata(request.userMetadata());
        }
        if (request.roles() != null) {
            User.requireEntries("roles", request.roles());
        }
        if (request.permissions() != null) {
            User.requireEntries("permissions", request.permissions());
        }
        String passwordHash = request.password() == null ? null : request.password().hashWith(hasher);
        if (request.username() != null || request.userMetadata() != null) {
            commands.sendAndWait(new UpdateUser(userId, tenant, request.username(), request.userMetadata()));
        }
        if (request.roles() != null || request.permissions() != null) {
            PermissionChangePolicy policy = catalog.permissionChangePolicy(tenant);
            sendRetryingLostRaces(new ChangeUserPermissions(userId, tenant, request.roles(), request.permissions(), policy));
        }
        if (passwordHash != null) {
            commands.sendAndWait(new ChangeUserPassword(userId, tenant, passwordHash));
        }
        return get(tenant, userId);
    }

    @DeleteMapping("/{userId}")
    public ResponseEntity<Void> delete(@PathVariable String tenant, @PathVariable String userId) {
        row(tenant, userId);
        sendRetryingLostRaces(new DeleteUser(userId, tenant));
        return ResponseEntity.noContent().build();
    }

    /**
     * A permission change and a deletion revoke the user's sessions and refresh-token families in the same unit of
     * work ({@code PermissionChangeRevocations}), so a session or family used on another node at that moment makes
     * the whole change lose the append race, and nothing of it is recorded. Sent again, it decides on the state the
     * winner left (the command replaces the lists whole, so a second attempt means the same).
     */
    private void sendRetryingLostRaces(Object command) {
        ConcurrentAppend.retried(() -> commands.sendAndWait(command));
    }

    private UserRow row(String tenant, String userId) {
        catalog.requireActiveTenant(tenant);
        return users.user(tenant, userId)
                .orElseThrow(() -> new NotFound("no user '" + userId + "' in tenant '" + tenant + "'"));
    }
}
