package dev.tally.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many rows H2 reads to answer a statement: the {@code scanCount}s its {@code EXPLAIN ANALYZE} reports, summed
 * over the statement's selects. For tests that a query is answered from an index range and not by walking a table,
 * the difference that decides whether a cost follows what a request asks for or everything stored before it.
 */
public final class H2RowsRead {
    private static final Pattern SCANNED = Pattern.compile("scanCount: (\\d+)");

    private H2RowsRead() {
    }

    /** Runs {@code EXPLAIN ANALYZE sql} on H2 with the parameters, in order, and sums the rows it reports read. */
    public static int of(Connection h2, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement explain = h2.prepareStatement("EXPLAIN ANALYZE " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                explain.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = explain.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("H2 gave no plan for " + sql);
                }
                Matcher m = SCANNED.matcher(rs.getString(1));
                int total = 0;
                boolean any = false;
                while (m.find()) {
                    total += Integer.parseInt(m.group(1));
                    any = true;
                }
                if (!any) {
                    throw new IllegalStateException("H2's plan says nothing of rows read: " + rs.getString(1));
                }
                return total;
            }
        }
    }
}
