package dev.tally.command.session;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Reads of {@code session_catalog}, every one filtered by tenant here, except the sweeper's, which looks across
 * tenants for due sessions and hands each one back with its tenant.
 */
@Component
public class SessionCatalog {
    private static final RowMapper<SessionRow> SESSION = (rs, i) -> new SessionRow(rs.getString("session_id"),
            rs.getString("user_id"), rs.getString("client_id"), instant(rs.getObject("started_at", OffsetDateTime.class)),
            instant(rs.getObject("last_activity_at", OffsetDateTime.class)),
            instant(rs.getObject("idle_deadline", OffsetDateTime.class)),
            instant(rs.getObject("absolute_deadline", OffsetDateTime.class)),
            instant(rs.getObject("ended_at", OffsetDateTime.class)), rs.getString("end_reason"));

    private final JdbcTemplate jdbc;

    public SessionCatalog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A session as the administrator sees it; {@code endedAt} and {@code endReason} are null until it has ended. */
    public record SessionRow(String sessionId, String userId, String clientId, Instant startedAt, Instant lastActivityAt,
                             Instant idleDeadline, Instant absoluteDeadline, Instant endedAt, String endReason) {
    }

    /** A session the sweeper should ask to expire. */
    public record DueSession(String tenantId, String sessionId) {
    }

    public Optional<SessionRow> session(String tenantId, String sessionId) {
        return jdbc.query("SELECT * FROM session_catalog WHERE tenant_id = ? AND session_id = ?", SESSION, tenantId, sessionId)
                .stream().findFirst();
    }

    /**
     * The user's sessions that are alive at {@code now}: not ended and before their idle deadline (which is never
     * after the absolute one). A session past its deadline whose expiry the sweeper has not yet recorded is not
     * alive, so it is not listed.
     */
    public List<SessionRow> liveSessionsOfUser(String tenantId, String userId, Instant now) {
        return jdbc.query("SELECT * FROM session_catalog WHERE tenant_id = ? AND user_id = ? AND ended_at IS NULL "
                + "AND idle_deadline > ? ORDER BY started_at, session_id", SESSION, tenantId, userId, utc(now));
    }

    /**
     * The user's sessions that have not ended: the live ones and those past a deadline whose expiry nobody has
     * recorded yet (asked to revoke one of those, the session records its expiry instead).
     */
    public List<SessionRow> openSessionsOfUser(String tenantId, String userId) {
        return jdbc.query("SELECT * FROM session_catalog WHERE tenant_id = ? AND user_id = ? AND ended_at IS NULL "
                + "ORDER BY started_at, session_id", SESSION, tenantId, userId);
    }

    /** Every session of the user, ended ones included. */
    public List<SessionRow> sessionsOfUser(String tenantId, String userId) {
        return jdbc.query("SELECT * FROM session_catalog WHERE tenant_id = ? AND user_id = ? ORDER BY started_at, session_id",
                SESSION, tenantId, userId);
    }

    /**
     * Up to {@code limit} sessions of any tenant that have not ended and whose idle or absolute deadline is at or
     * before {@code now}. Since the idle deadline is never after the absolute one, the idle deadline alone decides,
     * and {@code ix_session_catalog_due} answers the query as one index range that stops at the limit. No order is
     * asked for: PostgreSQL would sort every due row to find the first few, and any due session will do.
     */
    public List<DueSession> due(Instant now, int limit) {
        return jdbc.query("SELECT tenant_id, session_id FROM session_catalog WHERE ended_at IS NULL AND idle_deadline <= ? "
                        + "LIMIT ?",
                (rs, i) -> new DueSession(rs.getString("tenant_id"), rs.getString("session_id")), utc(now), limit);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
