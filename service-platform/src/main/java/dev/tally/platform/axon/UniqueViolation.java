package dev.tally.platform.axon;

import java.sql.SQLException;

/** Whether a persistence failure is a unique-key violation (SQLState 23505 on PostgreSQL and H2). */
public final class UniqueViolation {
    private static final String UNIQUE_VIOLATION = "23505";

    private UniqueViolation() {
    }

    /** Looks through the causes and, for batched statements, the chained next exceptions. */
    public static boolean in(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
