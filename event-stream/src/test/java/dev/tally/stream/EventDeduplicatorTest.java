package dev.tally.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Both deduplicators: a copy changes nothing, a failed application records nothing. */
class EventDeduplicatorTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static StreamedEvent domain(String id, String aggregate, long sequence) {
        return new StreamedEvent(id, "dev.tally.session.SessionExtended.v1", "acme", T0, sequence + 1, "Session",
                aggregate, sequence, false, "{}".getBytes());
    }

    static StreamedEvent token(String id) {
        return new StreamedEvent(id, "dev.tally.token.AccessTokenIssued.v2", "acme", T0, 1, null, null, null, false,
                "{}".getBytes());
    }

    @Test
    void inMemoryCopiesOfAnAggregatesEventsAndOfRecentTokenEventsAreSkipped() {
        InMemoryEventDeduplicator dedup = new InMemoryEventDeduplicator(2);
        List<String> applied = new ArrayList<>();

        assertThat(dedup.applyOnce(domain("e0", "ses_1", 0), () -> applied.add("e0"))).isTrue();
        assertThat(dedup.applyOnce(domain("e1", "ses_1", 1), () -> applied.add("e1"))).isTrue();
        assertThat(dedup.applyOnce(domain("e0", "ses_1", 0), () -> applied.add("e0 again"))).isFalse();
        assertThat(dedup.applyOnce(domain("e1", "ses_1", 1), () -> applied.add("e1 again"))).isFalse();
        assertThat(dedup.applyOnce(domain("x0", "ses_2", 0), () -> applied.add("x0"))).as("another aggregate").isTrue();

        assertThat(dedup.applyOnce(token("t1"), () -> applied.add("t1"))).isTrue();
        assertThat(dedup.applyOnce(token("t1"), () -> applied.add("t1 again"))).isFalse();
        assertThat(applied).containsExactly("e0", "e1", "x0", "t1");

        assertThatThrownBy(() -> dedup.applyOnce(domain("e2", "ses_1", 2), () -> {
            throw new IllegalStateException("view unavailable");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(dedup.applyOnce(domain("e2", "ses_1", 2), () -> applied.add("e2")))
                .as("a failed application is not remembered").isTrue();
        assertThat(applied).endsWith("e2");
    }

    @Test
    void jdbcRecordsAppliedEventsInTheViewsTransactionOnH2() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:dedup-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.execute(JdbcEventDeduplicator.createTableSql("applied_event"));
        jdbc.execute("CREATE TABLE view_row (tenant_id VARCHAR(63) NOT NULL, event_id VARCHAR(255) PRIMARY KEY)");
        JdbcEventDeduplicator dedup = new JdbcEventDeduplicator(jdbc, new DataSourceTransactionManager(dataSource),
                "applied_event", "view");
        JdbcEventDeduplicator other = new JdbcEventDeduplicator(jdbc, new DataSourceTransactionManager(dataSource),
                "applied_event", "other-view");
        Runnable insert = () -> jdbc.update("INSERT INTO view_row VALUES ('acme', 't1')");

        assertThatThrownBy(() -> dedup.applyOnce(token("t1"), () -> {
            insert.run();
            throw new IllegalStateException("the view's write failed after its first row");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM view_row", Integer.class)).as("rolled back").isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM applied_event", Integer.class)).as("not recorded").isZero();

        assertThat(dedup.applyOnce(token("t1"), insert)).isTrue();
        assertThat(dedup.applyOnce(token("t1"), insert)).as("a copy changes nothing").isFalse();
        assertThat(other.applyOnce(token("t1"), () -> { })).as("each consumer keeps its own record").isTrue();
        assertThat(jdbc.queryForList("SELECT consumer FROM applied_event WHERE tenant_id = 'acme' AND event_id = 't1' "
                + "ORDER BY consumer", String.class)).containsExactly("other-view", "view");
        assertThatThrownBy(() -> new JdbcEventDeduplicator(jdbc, new DataSourceTransactionManager(dataSource),
                "applied_event; DROP TABLE view_row", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
