package dev.tally.platform.axon;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Whether the transactions that were open at some moment have all ended, asked of the database itself: a
 * {@link #mark()} now, and later {@code oldestOpen() > mark} means every transaction open at the mark has ended.
 * Transactions of every process count, not only this one's (on PostgreSQL other services append to the same store).
 */
interface OpenTransactions {
    /** A mark of this moment: every transaction open now began at or before it. */
    long mark();

    /** The beginning of the oldest transaction open now, comparable with marks; {@link Long#MAX_VALUE} if none. */
    long oldestOpen();

    /**
     * Every global index below this one was taken by a transaction that has ended for good (its process has), so
     * the store either has it or never will; 0 where other processes append too.
     */
    default long settledBelow() {
        return 0;
    }

    /** The oldest open transaction, for an operator: who holds it, since when. */
    default String describeOldest() {
        return toString();
    }

    /**
     * @param beforeAnyAppend asked while this process starts, before it can have taken an index: an embedded store
     *                        then knows where this process's indexes begin ({@link #settledBelow()})
     */
    static OpenTransactions of(DataSource dataSource, boolean beforeAnyAppend) {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
            if ("H2".equals(product)) {
                OpenTransactions h2 = H2OpenTransactions.of(dataSource, connection, beforeAnyAppend);
                if (h2 != null) {
                    return h2;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot tell which database holds the event store", e);
        }
        if ("PostgreSQL".equals(product)) {
            return new PostgresOpenTransactions(new JdbcTemplate(dataSource));
        }
        return new Elapsed(Clock.systemUTC(), Duration.ofMinutes(1));
    }

    /**
     * PostgreSQL: the server's clock against {@code pg_stat_activity.xact_start} of every client session of this
     * database. A session whose activity this user may not see (another role without {@code pg_read_all_stats})
     * counts as open, so it can only delay a gap's end, never declare a live one dead.
     */
    record PostgresOpenTransactions(JdbcTemplate jdbc) implements OpenTransactions {
        @Override
        public long mark() {
            Long micros = jdbc.queryForObject("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint",
                    Long.class);
            return micros == null ? Long.MAX_VALUE : micros;
        }

        @Override
        public long oldestOpen() {
            Long micros = jdbc.queryForObject("SELECT min(CASE WHEN xact_start IS NULL THEN " + (Long.MIN_VALUE + 1)
                    + " ELSE (EXTRACT(EPOCH FROM xact_start) * 1000000)::bigint END) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND backend_type = 'client backend' "
                    + "AND pid <> pg_backend_pid() AND (xact_start IS NOT NULL OR state IS NULL)", Long.class);
            return micros == null ? Long.MAX_VALUE : micros;
        }

        @Override
        public String describeOldest() {
            return jdbc.query("SELECT pid, application_name, state, xact_start, left(query, 200) AS query "
                    + "FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' "
                    + "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL ORDER BY xact_start LIMIT 1",
                    rs -> rs.next()
                            ? "PostgreSQL backend " + rs.getInt("pid") + " ('" + rs.getString("application_name")
                            + "', " + rs.getString("state") + ", transaction since " + rs.getString("xact_start")
                            + ", last statement '" + rs.getString("query") + "')"
                            : "no transaction visible in pg_stat_activity");
        }

        @Override
        public String toString() {
            return "PostgreSQL pg_stat_activity";
        }
    }

    /** Neither database: a gap is taken as dead a fixed time after it was first seen (Axon's own gap timeout). */
    record Elapsed(Clock clock, Duration bound) implements OpenTransactions {
        @Override
        public long mark() {
            return clock.millis();
        }

        @Override
        public long oldestOpen() {
            return clock.millis() - bound.toMillis();
        }

        @Override
        public String toString() {
            return "a timeout of " + bound;
        }
    }
}
