package dev.tally.token.login;

import dev.tally.testsupport.PostgresTestDatabase;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The shared login state on PostgreSQL, distributed mode's database, migrated by the same Flyway scripts. */
class LoginStateOnPostgresTest extends LoginStateContract {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_login_state");

    @BeforeAll
    static void migrate() {
        Flyway.configure().dataSource(DB.jdbcUrl(), DB.user(), DB.password()).locations("classpath:db/migration/tally")
                .load().migrate();
    }

    @Override
    DataSource node() {
        return new DriverManagerDataSource(DB.jdbcUrl(), DB.user(), DB.password());
    }
}
