package dev.tally.query.revocation;

import static dev.tally.query.web.TenantSql.instant;
import static dev.tally.query.web.TenantSql.setInstant;
import static dev.tally.query.web.TenantSql.setString;

import dev.tally.query.web.TenantSql;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The revocation view's tables. Every write is idempotent without an error (a repeated event inserts nothing and
 * moves nothing), and takes its values from the event alone, so a replay rebuilds the same rows.
 */
@Repository
public class RevocationRepository {
    private static final String LOG_COLUMNS = "tenant_id, position, ordinal, kind, ref_id, subject, expires_at, "
            + "not_before, revoked_at, reason, cause_kind, cause_reference";
    private static final RowMapper<RevocationEntry> ENTRY = (rs, i) -> new RevocationEntry(rs.getString("tenant_id"),
            rs.getLong("position"), rs.getInt("ordinal"), rs.getString("kind"), rs.getString("ref_id"),
            rs.getString("subject"), instant(rs.getObject("expires_at", OffsetDateTime.class)),
            instant(rs.getObject("not_before", OffsetDateTime.class)),
            instant(rs.getObject("revoked_at", OffsetDateTime.class)), rs.getString("reason"),
            rs.getString("cause_kind"), rs.getString("cause_reference"));

    private final JdbcTemplate jdbc;

    public RevocationRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends the entry to the log and records it in the table of its kind. */
    public void record(RevocationEntry e, String clientId, String sessionId) {
        jdbc.update("INSERT INTO revocation_log (" + LOG_COLUMNS + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
                + "WHERE NOT EXISTS (SELECT 1 FROM revocation_log WHERE tenant_id = ? AND position = ? AND ordinal = ?)", ps -> {
            ps.setString(1, e.tenantId());
            ps.setLong(2, e.position());
            ps.setInt(3, e.ordinal());
            ps.setString(4, e.kind());
            ps.setString(5, e.refId());
            setString(ps, 6, e.subject());
            setInstant(ps, 7, e.expiresAt());
            setInstant(ps, 8, e.notBefore());
            setInstant(ps, 9, e.revokedAt());
            ps.setString(10, e.reason());
            setString(ps, 11, e.causeKind());
            setString(ps, 12, e.causeReference());
            ps.setString(13, e.tenantId());
            ps.setLong(14, e.position());
            ps.setInt(15, e.ordinal());
        });
        switch (e.kind()) {
            case RevocationEntry.JTI -> jdbc.update("INSERT INTO revoked_access_token (tenant_id, jti, client_id, subject, "
                    + "expires_at, revoked_at, reason, cause_kind, cause_reference, position) "
                    + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
                    + "WHERE NOT EXISTS (SELECT 1 FROM revoked_access_token WHERE tenant_id = ? AND jti = ?)", ps -> {
                ps.setString(1, e.tenantId());
                ps.setString(2, e.refId());
                setString(ps, 3, clientId);
                setString(ps, 4, e.subject());
                setInstant(ps, 5, e.expiresAt());
                tail(ps, 6, e);
                ps.setString(11, e.tenantId());
                ps.setString(12, e.refId());
            });
            case RevocationEntry.FAMILY -> jdbc.update("INSERT INTO revoked_refresh_family (tenant_id, family_id, user_id, "
                    + "session_id, revoked_at, reason, cause_kind, cause_reference, position) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? "
                    + "WHERE NOT EXISTS (SELECT 1 FROM revoked_refresh_family WHERE tenant_id = ? AND family_id = ?)", ps -> {
                ps.setString(1, e.tenantId());
                ps.setString(2, e.refId());
                setString(ps, 3, e.subject());
                setString(ps, 4, sessionId);
                tail(ps, 5, e);
                ps.setString(10, e.tenantId());
                ps.setString(11, e.refId());
            });
            case RevocationEntry.SESSION -> jdbc.update("INSERT INTO revoked_session (tenant_id, session_id, user_id, "
                    + "revoked_at, reason, cause_kind, cause_reference, position) SELECT ?, ?, ?, ?, ?, ?, ?, ? "
                    + "WHERE NOT EXISTS (SELECT 1 FROM revoked_session WHERE tenant_id = ? AND session_id = ?)", ps -> {
                ps.setString(1, e.tenantId());
                ps.setString(2, e.refId());
                setString(ps, 3, e.subject());
                tail(ps, 4, e);
                ps.setString(9, e.tenantId());
                ps.setString(10, e.refId());
            });
            case RevocationEntry.SUBJECT -> {
                // The latest "not before" wins; an older or repeated one moves nothing.
                jdbc.update("UPDATE subject_not_before SET not_before = ?, reason = ?, cause_kind = ?, cause_reference = ?, "
                        + "position = ? WHERE tenant_id = ? AND subject = ? AND not_before < ?", ps -> {
                    setInstant(ps, 1, e.notBefore());
                    ps.setString(2, e.reason());
                    setString(ps, 3, e.causeKind());
                    setString(ps, 4, e.causeReference());
                    ps.setLong(5, e.position());
                    ps.setString(6, e.tenantId());
                    ps.setString(7, e.refId());
                    setInstant(ps, 8, e.notBefore());
                });
                jdbc.update("INSERT INTO subject_not_before (tenant_id, subject, not_before, reason, cause_kind, "
                        + "cause_reference, position) SELECT ?, ?, ?, ?, ?, ?, ? "
                        + "WHERE NOT EXISTS (SELECT 1 FROM subject_not_before WHERE tenant_id = ? AND subject = ?)", ps -> {
                    ps.setString(1, e.tenantId());
                    ps.setString(2, e.refId());
                    setInstant(ps, 3, e.notBefore());
                    ps.setString(4, e.reason());
                    setString(ps, 5, e.causeKind());
                    setString(ps, 6, e.causeReference());
                    ps.setLong(7, e.position());
                    ps.setString(8, e.tenantId());
                    ps.setString(9, e.refId());
                });
            }
            case RevocationEntry.SIGNING_KEY -> {
                // the log is the whole record: a revoked key's tokens are told by the kid in their header
            }
            default -> throw new IllegalArgumentException("unknown revocation kind " + e.kind());
        }
    }

    /** revoked_at, reason, cause kind, cause reference, position from {@code index} on. */
    private static void tail(PreparedStatement ps, int index, RevocationEntry e) throws SQLException {
        setInstant(ps, index, e.revokedAt());
        ps.setString(index + 1, e.reason());
        setString(ps, index + 2, e.causeKind());
        setString(ps, index + 3, e.causeReference());
        ps.setLong(index + 4, e.position());
    }

    /**
     * Up to {@code limit} entries after ({@code afterPosition}, {@code afterOrdinal}) and none after {@code through},
     * oldest first, leaving out access tokens that have expired by {@code now} (a resource server refuses those anyway).
     */
    public List<RevocationEntry> after(String tenantId, long afterPosition, int afterOrdinal, long through, Instant now,
                                       int limit) {
        TenantSql q = afterQuery(tenantId, afterPosition, afterOrdinal, through, now, limit);
        return jdbc.query(q.sql(), ENTRY, q.params());
    }

    /**
     * The page as a range of the primary key {@code (tenant_id, position, ordinal)} read in its order, so a page reads
     * about as many rows as it answers: the bare {@code position >= ?} bounds the range (the cursor's {@code OR} alone
     * does not, and H2 then read the tenant's whole log for every page, 50,001 rows for 100 at 50,000 entries), and
     * ordering by all three key columns lets H2 stop at the limit instead of sorting what follows the cursor.
     */
    static TenantSql afterQuery(String tenantId, long afterPosition, int afterOrdinal, long through, Instant now,
                                int limit) {
        return TenantSql.select(LOG_COLUMNS, "revocation_log", tenantId)
                .andAll("position >= ?", afterPosition)
                .andAll("(position > ? OR (position = ? AND ordinal > ?))", afterPosition, afterPosition, afterOrdinal)
                .andAll("position <= ?", through)
                .andAll("(kind <> 'jti' OR expires_at IS NULL OR expires_at > ?)", now)
                .tail("ORDER BY tenant_id, position, ordinal LIMIT ?", limit);
    }

    public void deleteAll() {
        for (String table : List.of("revocation_log", "revoked_access_token", "revoked_refresh_family",
                "revoked_session", "subject_not_before")) {
            jdbc.update("DELETE FROM " + table);
        }
    }
}
