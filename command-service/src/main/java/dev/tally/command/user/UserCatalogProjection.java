package dev.tally.command.user;

import dev.tally.command.catalog.CatalogProcessing;
import dev.tally.command.catalog.Json;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.kernel.user.UserEvents.UserUpdated;
import dev.tally.kernel.user.UserIds;
import java.time.ZoneOffset;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code user_catalog} in step with the user events, in the catalog's processing group: inside the
 * transaction that appends the events, with errors propagating. Two concurrent registrations (or renames) to one
 * username both pass the aggregate's check; the unique key on the canonical username stops the second here, and
 * its {@link Conflict} rolls its events back.
 */
@Component
@ProcessingGroup(CatalogProcessing.GROUP)
public class UserCatalogProjection {
    private final JdbcTemplate jdbc;

    public UserCatalogProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(UserRegistered e) {
        try {
            jdbc.update("INSERT INTO user_catalog (tenant_id, user_id, username, username_key, user_metadata, roles, permissions, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    e.tenantId(), e.userId(), e.username(), UserIds.canonical(e.username()), Json.write(e.userMetadata()),
                    Json.write(e.roles()), Json.write(e.permissions()), e.createdAt().atOffset(ZoneOffset.UTC));
        } catch (DuplicateKeyException raced) {
            throw taken(e.username());
        }
    }

    @EventHandler
    void on(UserUpdated e) {
        try {
            jdbc.update("UPDATE user_catalog SET username = ?, username_key = ?, user_metadata = ? WHERE tenant_id = ? AND user_id = ?",
                    e.username(), UserIds.canonical(e.username()), Json.write(e.userMetadata()), e.tenantId(), e.userId());
        } catch (DuplicateKeyException raced) {
            throw taken(e.username());
        }
    }

    @EventHandler
    void on(UserPermissionsChanged e) {
        jdbc.update("UPDATE user_catalog SET roles = ?, permissions = ? WHERE tenant_id = ? AND user_id = ?",
                Json.write(e.roles()), Json.write(e.permissions()), e.tenantId(), e.userId());
    }

    @EventHandler
    void on(UserDeleted e) {
        // Frees the username for a new user.
        jdbc.update("DELETE FROM user_catalog WHERE tenant_id = ? AND user_id = ?", e.tenantId(), e.userId());
    }

    private static Conflict taken(String username) {
        return new Conflict("username", "a user named '" + username + "' already exists in this tenant");
    }
}
