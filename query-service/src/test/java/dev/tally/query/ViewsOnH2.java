package dev.tally.query;

import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** For tests of the views' SQL on H2, the standalone server's database. */
public final class ViewsOnH2 {
    private ViewsOnH2() {
    }

    /** A new in-memory H2 database, named {@code prefix} and a random suffix, with every migration on the classpath. */
    public static DataSource migrated(String prefix) {
        String url = "jdbc:h2:mem:" + prefix + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration/tally").load().migrate();
        return new DriverManagerDataSource(url, "sa", "");
    }
}
