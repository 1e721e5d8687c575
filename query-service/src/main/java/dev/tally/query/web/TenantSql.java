package dev.tally.query.web;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The one place reads of the query side's views are built: every statement starts with {@code tenant_id = ?}, so
 * no query of a view can forget its tenant. Conditions are added with their parameters; the statement text never
 * contains a value.
 */
public final class TenantSql {
    private final StringBuilder sql;
    private final List<Object> params = new ArrayList<>();

    private TenantSql(String select, String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("every query of a view names its tenant");
        }
        this.sql = new StringBuilder(select).append(" WHERE tenant_id = ?");
        this.params.add(tenantId);
    }

    /** {@code SELECT columns FROM table WHERE tenant_id = ?}. */
    public static TenantSql select(String columns, String table, String tenantId) {
        return new TenantSql("SELECT " + columns + " FROM " + table, tenantId);
    }

    /** Adds {@code AND condition} with its parameters ({@code ?} in the condition), when {@code value} is not null. */
    public TenantSql and(String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            params.add(param(value));
        }
        return this;
    }

    /** Adds {@code AND condition} with several parameters; all must be given. */
    public TenantSql andAll(String condition, Object... values) {
        sql.append(" AND ").append(condition);
        for (Object v : values) {
            params.add(param(v));
        }
        return this;
    }

    /** Adds {@code AND column IN (?, ...)} when {@code values} is not empty. */
    public TenantSql andIn(String column, Collection<String> values) {
        if (values != null && !values.isEmpty()) {
            sql.append(" AND ").append(column).append(" IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(values.size(), "?"))).append(')');
            params.addAll(values);
        }
        return this;
    }

    /** Ends the statement ({@code ORDER BY ...}, {@code LIMIT ?}); parameters of the tail follow. */
    public TenantSql tail(String tail, Object... values) {
        sql.append(' ').append(tail);
        for (Object v : values) {
            params.add(param(v));
        }
        return this;
    }

    public String sql() {
        return sql.toString();
    }

    public Object[] params() {
        return params.toArray();
    }

    private static Object param(Object value) {
        return value instanceof Instant i ? utc(i) : value;
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** Sets an instant parameter, typed even when null (PostgreSQL must know the type of an untyped null). */
    public static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, utc(value));
        }
    }

    public static void setString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
