package dev.tally.command.refresh;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Reads of {@code refresh_family_catalog}, every one filtered by tenant here, except the sweeper's, which looks
 * across tenants for due families and hands each one back with its tenant.
 */
@Component
public class RefreshFamilyCatalog {
    private static final RowMapper<FamilyRow> FAMILY = (rs, i) -> new FamilyRow(rs.getString("family_id"),
            rs.getString("client_id"), rs.getString("user_id"), rs.getString("session_id"), rs.getString("rotation"),
            rs.getInt("generation"), instant(rs.getObject("started_at", OffsetDateTime.class)),
            instant(rs.getObject("last_used_at", OffsetDateTime.class)),
            instant(rs.getObject("expires_at", OffsetDateTime.class)),
            instant(rs.getObject("idle_expires_at", OffsetDateTime.class)),
            instant(rs.getObject("ended_at", OffsetDateTime.class)), rs.getString("end_reason"));

    private final JdbcTemplate jdbc;

    public RefreshFamilyCatalog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A family as the administrator sees it. {@code lastUsedAt} is null until its first use, {@code idleExpiresAt}
     * when it has no idle lifetime, {@code endedAt} and {@code endReason} until it has ended (an expired family
     * ended at its deadline).
     */
    public record FamilyRow(String familyId, String clientId, String userId, String sessionId, String rotation,
                            int generation, Instant startedAt, Instant lastUsedAt, Instant expiresAt,
                            Instant idleExpiresAt, Instant endedAt, String endReason) {
    }

    /** A family the sweeper should ask to expire. */
    public record DueFamily(String tenantId, String familyId) {
    }

    public Optional<FamilyRow> family(String tenantId, String familyId) {
        return jdbc.query("SELECT * FROM refresh_family_catalog WHERE tenant_id = ? AND family_id = ?", FAMILY,
                tenantId, familyId).stream().findFirst();
    }

    /**
     * The user's families that are alive at {@code now}: not ended and before their next deadline. A family past a
     * deadline whose expiry the sweeper has not yet recorded is not alive, so it is not listed.
     */
    public List<FamilyRow> liveFamiliesOfUser(String tenantId, String userId, Instant now) {
        return jdbc.query("SELECT * FROM refresh_family_catalog WHERE tenant_id = ? AND user_id = ? AND ended_at IS NULL "
                + "AND next_deadline > ? ORDER BY started_at, family_id", FAMILY, tenantId, userId, utc(now));
    }

    /**
     * The user's families that have not ended: the live ones and those past a deadline whose expiry nobody has
     * recorded yet (revoking one of those still records the revocation, which also ends the access tokens issued
     * from it).
     */
    public List<FamilyRow> openFamiliesOfUser(String tenantId, String userId) {
        return jdbc.query("SELECT * FROM refresh_family_catalog WHERE tenant_id = ? AND user_id = ? AND ended_at IS NULL "
                + "ORDER BY started_at, family_id", FAMILY, tenantId, userId);
    }

    /** The families started in a login session that have not ended (as {@link #openFamiliesOfUser}, by session). */
    public List<FamilyRow> openFamiliesOfSession(String tenantId, String sessionId) {
        return jdbc.query("SELECT * FROM refresh_family_catalog WHERE tenant_id = ? AND session_id = ? AND ended_at IS NULL "
                + "ORDER BY started_at, family_id", FAMILY, tenantId, sessionId);
    }

    /** Every family of the user, ended ones included. */
    public List<FamilyRow> familiesOfUser(String tenantId, String userId) {
        return jdbc.query("SELECT * FROM refresh_family_catalog WHERE tenant_id = ? AND user_id = ? "
                + "ORDER BY started_at, family_id", FAMILY, tenantId, userId);
    }

    /**
     * Up to {@code limit} families of any tenant that have not ended and whose next deadline (the earlier of idle
     * and absolute) is at or before {@code now}; {@code ix_refresh_family_catalog_due} answers it as one index range
     * that stops at the limit. No order is asked for: PostgreSQL would sort every due row to find the first few,
     * and any due family will do.
     */
    public List<DueFamily> due(Instant now, int limit) {
        return jdbc.query("SELECT tenant_id, family_id FROM refresh_family_catalog WHERE ended_at IS NULL "
                        + "AND next_deadline <= ? LIMIT ?",
                (rs, i) -> new DueFamily(rs.getString("tenant_id"), rs.getString("family_id")), utc(now), limit);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
