package dev.tally.command;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/** PostgreSQL query plans for tests that check an index fits a query. */
public final class QueryPlans {
    private QueryPlans() {
    }

    /**
     * The plan of {@code sql} with sequential scans switched off: test tables are tiny, so the planner would scan
     * them anyway; the question is only whether an index fits the query.
     */
    public static String withoutSequentialScans(JdbcTemplate jdbc, String sql) {
        return jdbc.execute((ConnectionCallback<String>) c -> {
            try (var s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
                StringBuilder text = new StringBuilder();
                try (var rs = s.executeQuery("EXPLAIN " + sql)) {
                    while (rs.next()) {
                        text.append(rs.getString(1)).append('\n');
                    }
                }
                s.execute("RESET enable_seqscan");
                return text.toString();
            }
        });
    }
}
