package dev.tally.command.user;

import dev.tally.command.catalog.Json;
import dev.tally.kernel.user.UserIds;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Reads of {@code user_catalog}, every one filtered by tenant here and nowhere else. Written by
 * {@link UserCatalogProjection} in the transaction that appends the events, so it answers the aggregate's
 * uniqueness question and the management API's reads without lag.
 */
@Component
public class UserCatalog implements UserDirectory {
    private static final RowMapper<UserRow> USER = (rs, i) -> new UserRow(rs.getString("user_id"), rs.getString("username"),
            Collections.unmodifiableMap(new TreeMap<>(Json.stringMap(rs.getString("user_metadata")))),
            Json.stringList(rs.getString("roles")), Json.stringList(rs.getString("permissions")),
            rs.getObject("created_at", OffsetDateTime.class).toInstant());

    private final JdbcTemplate jdbc;

    public UserCatalog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A user as the management API shows it; there is no password or hash to show. */
    public record UserRow(String userId, String username, Map<String, String> userMetadata, List<String> roles,
                          List<String> permissions, Instant createdAt) {
    }

    @Override
    public boolean usernameTaken(String tenantId, String canonicalUsername, String exceptUserId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM user_catalog WHERE tenant_id = ? AND username_key = ? AND user_id <> ?",
                Integer.class, tenantId, canonicalUsername, exceptUserId);
        return n != null && n > 0;
    }

    public Optional<UserRow> user(String tenantId, String userId) {
        return jdbc.query("SELECT * FROM user_catalog WHERE tenant_id = ? AND user_id = ?", USER, tenantId, userId)
                .stream().findFirst();
    }

    /** Compared as the uniqueness rule compares: without regard to case. */
    public Optional<UserRow> userByUsername(String tenantId, String username) {
        return jdbc.query("SELECT * FROM user_catalog WHERE tenant_id = ? AND username_key = ?", USER, tenantId,
                UserIds.canonical(username)).stream().findFirst();
    }

    public List<UserRow> users(String tenantId) {
        return jdbc.query("SELECT * FROM user_catalog WHERE tenant_id = ? ORDER BY created_at, user_id", USER, tenantId);
    }
}
