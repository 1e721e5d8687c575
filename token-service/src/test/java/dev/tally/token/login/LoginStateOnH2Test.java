package dev.tally.token.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.H2RowsRead;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The shared login state on H2, the standalone server's database, migrated by the same Flyway scripts. */
class LoginStateOnH2Test extends LoginStateContract {
    private String url;

    @BeforeEach
    @Override
    void clean() {
        url = "jdbc:h2:mem:login-state-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration/tally").load().migrate();
        super.clean();
    }

    @Override
    DataSource node() {
        return new DriverManagerDataSource(url, "sa", "");
    }

    /**
     * A spraying run's failures under other keys are not read when a login is checked: H2 reads the three keys' index
     * ranges only. The one-select form with the keys in an {@code OR} read every failure of the tenant in the window.
     */
    @Test
    void checkingALoginReadsItsThreeKeysNotTheTenantsOtherFailures() throws SQLException {
        String now = OffsetDateTime.now(ZoneOffset.UTC).toString();
        try (Connection c = node().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO login_failure (tenant_id, key_kind, key_hash, failed_at) "
                    + "SELECT 'acme', CASEWHEN(MOD(X, 3) = 0, 'u', CASEWHEN(MOD(X, 3) = 1, 'a', 'p')), "
                    + "'h' || X, TIMESTAMP WITH TIME ZONE '" + now + "' FROM SYSTEM_RANGE(1, 20000)");
            String oneSelect = "SELECT key_kind, COUNT(*) AS failures, MIN(failed_at) AS oldest, MAX(failed_at) AS newest "
                    + "FROM login_failure WHERE tenant_id = ? AND ((key_kind = ? AND key_hash = ?) "
                    + "OR (key_kind = ? AND key_hash = ?) OR (key_kind = ? AND key_hash = ?)) AND failed_at > ? "
                    + "GROUP BY key_kind";
            Object[] keys = {"p", "h2", "a", "h1", "u", "h3"};
            OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
            int unionAll = H2RowsRead.of(c, LoginThrottle.FAILURES_OF_THREE_KEYS,
                    "acme", keys[0], keys[1], since, "acme", keys[2], keys[3], since, "acme", keys[4], keys[5], since);
            int or = H2RowsRead.of(c, oneSelect, "acme", keys[0], keys[1], keys[2], keys[3], keys[4], keys[5], since);
            assertThat(unionAll).as("rows read for three keys with a failure each").isLessThanOrEqualTo(10);
            assertThat(or).as("the one-select form, why the query is three").isGreaterThanOrEqualTo(20_000);
        }
        assertThat(throttle(5, 20).retryAfter("acme", "alice", "10.0.0.1")).isZero();
    }
}
