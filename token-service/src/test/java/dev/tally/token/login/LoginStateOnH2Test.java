package dev.tally.token.login;

import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
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
}
