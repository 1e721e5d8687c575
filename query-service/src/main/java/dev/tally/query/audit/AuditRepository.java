package dev.tally.query.audit;

import dev.tally.kernel.tenant.TenantEvents.IssuanceRecordsPruned;
import static dev.tally.query.web.TenantSql.instant;
import static dev.tally.query.web.TenantSql.setInstant;
import static dev.tally.query.web.TenantSql.setString;

import dev.tally.query.web.TenantSql;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** {@code audit_event}: the projection's writes and the API's reads, every read by tenant ({@link TenantSql}). */
@Repository
public class AuditRepository {
    static final String COLUMNS = "tenant_id, position, event_id, type, occurred_at, user_id, client_id, session_id, "
            + "family_id, jti, details";
    private static final String INSERT = "INSERT INTO audit_event (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final RowMapper<AuditRow> ROW = (rs, i) -> new AuditRow(rs.getString("tenant_id"),
            rs.getLong("position"), rs.getString("event_id"), rs.getString("type"),
            instant(rs.getObject("occurred_at", OffsetDateTime.class)), rs.getString("user_id"),
            rs.getString("client_id"), rs.getString("session_id"), rs.getString("family_id"), rs.getString("jti"),
            rs.getString("details"));

    private final JdbcTemplate jdbc;

    public AuditRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One JDBC batch of the rows whose event is not recorded yet; a repeated event is left alone, never an error (an
     * error would abort a PostgreSQL transaction, and with it the batch and the processor's token).
     *
     * <p>Which events are recorded is asked once per tenant of the batch, as one range of the primary key (an
     * event's position is its own for good, so a repeated delivery falls in the range of its batch), not once per
     * row: a per-row {@code NOT EXISTS} was planned by PostgreSQL as a scan of the table while its statistics were
     * still those of an empty table, making each batch slower than the last (20,000 events took 36 s instead of 2 s).
     * The range is compared by position, which is the primary key's own column, not by event id.
     */
    public void insertAll(List<AuditRow> candidates) {
        if (candidates.isEmpty()) {
            return;
        }
        Map<String, List<AuditRow>> byTenant = new LinkedHashMap<>();
        candidates.forEach(r -> byTenant.computeIfAbsent(r.tenantId(), t -> new ArrayList<>()).add(r));
        List<AuditRow> rows = new ArrayList<>();
        byTenant.forEach((tenant, tenantRows) -> {
            long min = tenantRows.stream().mapToLong(AuditRow::position).min().orElseThrow();
            long max = tenantRows.stream().mapToLong(AuditRow::position).max().orElseThrow();
            TenantSql q = TenantSql.select("position", "audit_event", tenant).andAll("position BETWEEN ? AND ?", min, max);
            Set<Long> recorded = new HashSet<>(jdbc.queryForList(q.sql(), Long.class, q.params()));
            tenantRows.stream().filter(r -> !recorded.contains(r.position())).forEach(rows::add);
        });
        if (rows.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(INSERT, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                AuditRow r = rows.get(i);
                ps.setString(1, r.tenantId());
                ps.setLong(2, r.position());
                ps.setString(3, r.eventId());
                ps.setString(4, r.type());
                setInstant(ps, 5, r.occurredAt());
                setString(ps, 6, r.userId());
                setString(ps, 7, r.clientId());
                setString(ps, 8, r.sessionId());
                setString(ps, 9, r.familyId());
                setString(ps, 10, r.jti());
                ps.setString(11, r.details());
            }

            @Override
            public int getBatchSize() {
                return rows.size();
            }
        });
    }

    /**
     * Drops the rows of the issuance records a pruning removed from the store: the tenant's {@code AccessTokenIssued}
     * and {@code IdTokenIssued} rows issued before its {@code upTo}, at or below its {@code throughPosition}, whose
     * event the store no longer holds (the pruner leaves some of those in place, such as records of tokens still
     * valid). Idempotent; on a replay the records are not in the store and so never in the view.
     */
    public int deletePruned(IssuanceRecordsPruned pruned) {
        return jdbc.update("DELETE FROM audit_event WHERE tenant_id = ? AND type IN ('AccessTokenIssued', 'IdTokenIssued') "
                        + "AND position <= ? AND occurred_at < ? AND NOT EXISTS "
                        + "(SELECT 1 FROM domain_event_entry d WHERE d.global_index = audit_event.position)",
                pruned.tenantId(), pruned.throughPosition(), pruned.upTo().atOffset(java.time.ZoneOffset.UTC));
    }

    public void deleteAll() {
        jdbc.update("DELETE FROM audit_event");
    }

    /**
     * Up to {@code limit} events of the selection, newest first, strictly before {@code beforePosition} when given
     * (the keyset of the previous page), none after {@code through} (where the view is complete).
     */
    public List<AuditRow> newestFirst(AuditFilter f, Long beforePosition, long through, int limit) {
        TenantSql q = newestFirstQuery(f, beforePosition, through, limit);
        return jdbc.query(q.sql(), ROW, q.params());
    }

    /**
     * The selection oldest first, strictly after {@code afterPosition} when given, none after {@code through}, up to
     * {@code limit} (a history).
     */
    public List<AuditRow> oldestFirst(AuditFilter f, Long afterPosition, long through, int limit) {
        TenantSql q = oldestFirstQuery(f, afterPosition, through, limit);
        return jdbc.query(q.sql(), ROW, q.params());
    }

    static TenantSql newestFirstQuery(AuditFilter f, Long beforePosition, long through, int limit) {
        return where(f).and("position < ?", beforePosition).and("position <= ?", through)
                .tail("ORDER BY " + order(f, " DESC") + " LIMIT ?", limit);
    }

    static TenantSql oldestFirstQuery(AuditFilter f, Long afterPosition, long through, int limit) {
        return where(f).and("position > ?", afterPosition).and("position <= ?", through)
                .tail("ORDER BY " + order(f, "") + " LIMIT ?", limit);
    }

    /**
     * The order of a page, written as the full key of the index it walks: the tenant, the filter's column when it
     * has one that names a single value, and the position. The leading columns are fixed by the conditions, so the
     * order is the position's; written out, it lets H2 see that the index already answers in that order and stop at
     * the limit. Ordered by position alone, H2 walked the same index but read every matching row below the cursor
     * before it applied the limit: the tenant's whole history for its newest page, every row of a type for a type's
     * ({@code AuditPagesOnH2Test}). PostgreSQL plans both forms alike.
     */
    private static String order(AuditFilter f, String direction) {
        String column = f.jti() != null ? "jti"
                : f.familyId() != null ? "family_id"
                : f.sessionId() != null ? "session_id"
                : f.userId() != null ? "user_id"
                : f.clientId() != null ? "client_id"
                : f.types().size() == 1 ? "type"
                : null;
        return "tenant_id" + direction + (column == null ? "" : ", " + column + direction) + ", position" + direction;
    }

    private static TenantSql where(AuditFilter f) {
        return TenantSql.select(COLUMNS, "audit_event", f.tenantId())
                .and("user_id = ?", f.userId())
                .and("client_id = ?", f.clientId())
                .and("session_id = ?", f.sessionId())
                .and("family_id = ?", f.familyId())
                .and("jti = ?", f.jti())
                .andIn("type", f.types())
                .and("occurred_at >= ?", f.from())
                .and("occurred_at < ?", f.to());
    }
}
