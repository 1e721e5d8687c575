package dev.tally.query.state;

import static dev.tally.query.web.TenantSql.instant;
import static dev.tally.query.web.TenantSql.setInstant;
import static dev.tally.query.web.TenantSql.setString;

import dev.tally.query.web.TenantSql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** {@code session_view} and {@code refresh_family_view}: the projection's writes and the API's reads, by tenant. */
@Repository
public class StateRepository {
    /** A view row and the global index of the last event applied to it. */
    public record Stored<S>(S state, long lastPosition) {
    }

    private static final String SESSION_COLUMNS = "tenant_id, session_id, user_id, client_id, status, started_at, "
            + "idle_timeout, absolute_timeout, idle_deadline, absolute_deadline, last_activity_at, ended_at, end_reason, "
            + "cause_kind, cause_reference, last_position";
    private static final String FAMILY_COLUMNS = "tenant_id, family_id, user_id, client_id, session_id, status, "
            + "generation, rotation, scope, audience, absolute_lifetime, idle_lifetime, leeway, started_at, expires_at, "
            + "idle_expires_at, last_used_at, ended_at, end_reason, cause_kind, cause_reference, last_position";

    private static final RowMapper<Stored<SessionState>> SESSION = (rs, i) -> new Stored<>(new SessionState(
            rs.getString("tenant_id"), rs.getString("session_id"), rs.getString("user_id"), rs.getString("client_id"),
            rs.getString("status"), at(rs, "started_at"), rs.getLong("idle_timeout"), rs.getLong("absolute_timeout"),
            at(rs, "idle_deadline"), at(rs, "absolute_deadline"), at(rs, "last_activity_at"), at(rs, "ended_at"),
            rs.getString("end_reason"), rs.getString("cause_kind"), rs.getString("cause_reference")),
            rs.getLong("last_position"));

    private static final RowMapper<Stored<FamilyState>> FAMILY = (rs, i) -> new Stored<>(new FamilyState(
            rs.getString("tenant_id"), rs.getString("family_id"), rs.getString("user_id"), rs.getString("client_id"),
            rs.getString("session_id"), rs.getString("status"), rs.getInt("generation"), rs.getString("rotation"),
            rs.getString("scope"), rs.getString("audience"), rs.getLong("absolute_lifetime"),
            rs.getLong("idle_lifetime"), rs.getLong("leeway"), at(rs, "started_at"), at(rs, "expires_at"),
            at(rs, "idle_expires_at"), at(rs, "last_used_at"), at(rs, "ended_at"), rs.getString("end_reason"),
            rs.getString("cause_kind"), rs.getString("cause_reference")), rs.getLong("last_position"));

    private final JdbcTemplate jdbc;

    public StateRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Stored<SessionState>> session(String tenantId, String sessionId) {
        TenantSql q = TenantSql.select(SESSION_COLUMNS, "session_view", tenantId).and("session_id = ?", sessionId);
        return jdbc.query(q.sql(), SESSION, q.params()).stream().findFirst();
    }

    public Optional<Stored<FamilyState>> family(String tenantId, String familyId) {
        TenantSql q = TenantSql.select(FAMILY_COLUMNS, "refresh_family_view", tenantId).and("family_id = ?", familyId);
        return jdbc.query(q.sql(), FAMILY, q.params()).stream().findFirst();
    }

    /** Newest first (by start, then id), after the keyset {@code before} of the previous page when given. */
    public List<SessionState> sessions(String tenantId, String userId, Keyset before, int limit) {
        TenantSql q = sessionsQuery(tenantId, userId, before, limit);
        return jdbc.query(q.sql(), SESSION, q.params()).stream().map(Stored::state).toList();
    }

    public List<FamilyState> families(String tenantId, String userId, String sessionId, Keyset before, int limit) {
        TenantSql q = familiesQuery(tenantId, userId, sessionId, before, limit);
        return jdbc.query(q.sql(), FAMILY, q.params()).stream().map(Stored::state).toList();
    }

    static TenantSql sessionsQuery(String tenantId, String userId, Keyset before, int limit) {
        TenantSql q = TenantSql.select(SESSION_COLUMNS, "session_view", tenantId).and("user_id = ?", userId);
        return page(q, "session_id", userId != null ? "user_id" : null, before, limit);
    }

    static TenantSql familiesQuery(String tenantId, String userId, String sessionId, Keyset before, int limit) {
        TenantSql q = TenantSql.select(FAMILY_COLUMNS, "refresh_family_view", tenantId).and("user_id = ?", userId)
                .and("session_id = ?", sessionId);
        return page(q, "family_id", userId != null ? "user_id" : sessionId != null ? "session_id" : null, before,
                limit);
    }

    /**
     * A page newest first, as one range of the index {@code (tenant_id, [filtered], started_at, id)} read in its
     * order (migration {@code V4_4}). The keyset's {@code OR} alone cannot bound that range, so a bare
     * {@code started_at <= ?} beside it does; and the {@code ORDER BY} names the index's whole key, whose leading
     * columns the conditions fix, so that H2 sees the index answers in that order and stops at the limit (as for the
     * audit's pages, {@code AuditRepository}).
     */
    private static TenantSql page(TenantSql q, String id, String filtered, Keyset before, int limit) {
        if (before != null) {
            q.and("started_at <= ?", before.startedAt());
            q.andAll("(started_at < ? OR (started_at = ? AND " + id + " < ?))", before.startedAt(),
                    before.startedAt(), before.id());
        }
        return q.tail("ORDER BY tenant_id DESC" + (filtered == null ? "" : ", " + filtered + " DESC")
                + ", started_at DESC, " + id + " DESC LIMIT ?", limit);
    }

    /** Where a page of a list ended: the last row's start and id. */
    public record Keyset(Instant startedAt, String id) {
    }

    public void saveSession(SessionState s, long position, boolean exists) {
        if (exists) {
            jdbc.update("UPDATE session_view SET user_id = ?, client_id = ?, status = ?, started_at = ?, idle_timeout = ?, "
                    + "absolute_timeout = ?, idle_deadline = ?, absolute_deadline = ?, last_activity_at = ?, ended_at = ?, "
                    + "end_reason = ?, cause_kind = ?, cause_reference = ?, last_position = ? "
                    + "WHERE tenant_id = ? AND session_id = ?", ps -> {
                int i = sessionValues(ps, 1, s);
                ps.setLong(i++, position);
                ps.setString(i++, s.tenantId());
                ps.setString(i, s.sessionId());
            });
        } else {
            jdbc.update("INSERT INTO session_view (user_id, client_id, status, started_at, idle_timeout, absolute_timeout, "
                    + "idle_deadline, absolute_deadline, last_activity_at, ended_at, end_reason, cause_kind, "
                    + "cause_reference, last_position, tenant_id, session_id) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                int i = sessionValues(ps, 1, s);
                ps.setLong(i++, position);
                ps.setString(i++, s.tenantId());
                ps.setString(i, s.sessionId());
            });
        }
    }

    public void saveFamily(FamilyState f, long position, boolean exists) {
        if (exists) {
            jdbc.update("UPDATE refresh_family_view SET user_id = ?, client_id = ?, session_id = ?, status = ?, "
                    + "generation = ?, rotation = ?, scope = ?, audience = ?, absolute_lifetime = ?, idle_lifetime = ?, "
                    + "leeway = ?, started_at = ?, expires_at = ?, idle_expires_at = ?, last_used_at = ?, ended_at = ?, "
                    + "end_reason = ?, cause_kind = ?, cause_reference = ?, last_position = ? "
                    + "WHERE tenant_id = ? AND family_id = ?", ps -> {
                int i = familyValues(ps, 1, f);
                ps.setLong(i++, position);
                ps.setString(i++, f.tenantId());
                ps.setString(i, f.familyId());
            });
        } else {
            jdbc.update("INSERT INTO refresh_family_view (user_id, client_id, session_id, status, generation, rotation, "
                    + "scope, audience, absolute_lifetime, idle_lifetime, leeway, started_at, expires_at, idle_expires_at, "
                    + "last_used_at, ended_at, end_reason, cause_kind, cause_reference, last_position, tenant_id, family_id) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                int i = familyValues(ps, 1, f);
                ps.setLong(i++, position);
                ps.setString(i++, f.tenantId());
                ps.setString(i, f.familyId());
            });
        }
    }

    public void deleteAll() {
        jdbc.update("DELETE FROM session_view");
        jdbc.update("DELETE FROM refresh_family_view");
    }

    private static int sessionValues(PreparedStatement ps, int i, SessionState s) throws SQLException {
        ps.setString(i++, s.userId());
        ps.setString(i++, s.clientId());
        ps.setString(i++, s.status());
        setInstant(ps, i++, s.startedAt());
        ps.setLong(i++, s.idleTimeout());
        ps.setLong(i++, s.absoluteTimeout());
        setInstant(ps, i++, s.idleDeadline());
        setInstant(ps, i++, s.absoluteDeadline());
        setInstant(ps, i++, s.lastActivityAt());
        setInstant(ps, i++, s.endedAt());
        setString(ps, i++, s.endReason());
        setString(ps, i++, s.causeKind());
        setString(ps, i++, s.causeReference());
        return i;
    }

    private static int familyValues(PreparedStatement ps, int i, FamilyState f) throws SQLException {
        ps.setString(i++, f.userId());
        ps.setString(i++, f.clientId());
        setString(ps, i++, f.sessionId());
        ps.setString(i++, f.status());
        ps.setInt(i++, f.generation());
        ps.setString(i++, f.rotation());
        setString(ps, i++, f.scope());
        setString(ps, i++, f.audience());
        ps.setLong(i++, f.absoluteLifetime());
        ps.setLong(i++, f.idleLifetime());
        ps.setLong(i++, f.leeway());
        setInstant(ps, i++, f.startedAt());
        setInstant(ps, i++, f.expiresAt());
        setInstant(ps, i++, f.idleExpiresAt());
        setInstant(ps, i++, f.lastUsedAt());
        setInstant(ps, i++, f.endedAt());
        setString(ps, i++, f.endReason());
        setString(ps, i++, f.causeKind());
        setString(ps, i++, f.causeReference());
        return i;
    }

    private static Instant at(ResultSet rs, String column) throws SQLException {
        return instant(rs.getObject(column, OffsetDateTime.class));
    }
}
