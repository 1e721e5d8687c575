package dev.tally.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL database of its own for one test run, created on first use and dropped when the JVM exits.
 * Connection settings come from the usual libpq variables: PGHOST (default 127.0.0.1), PGPORT (5432),
 * PGUSER (postgres), PGPASSWORD (empty), PGDATABASE (postgres, used only to create and drop).
 * When PostgreSQL cannot be reached the tests fail with a message saying so; they never skip.
 */
public final class PostgresTestDatabase {
    private final String name;
    private final String host;
    private final String port;
    private final String user;
    private final String password;

    private PostgresTestDatabase(String prefix) {
        this.host = env("PGHOST", "127.0.0.1");
        this.port = env("PGPORT", "5432");
        this.user = env("PGUSER", "postgres");
        this.password = env("PGPASSWORD", "");
        this.name = prefix + "_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
    }

    /** Creates a fresh database named {@code prefix_<time>_<random>}. */
    public static PostgresTestDatabase create(String prefix) {
        PostgresTestDatabase db = new PostgresTestDatabase(prefix);
        db.execute("CREATE DATABASE " + db.name);
        Runtime.getRuntime().addShutdownHook(new Thread(db::drop, "drop-" + db.name));
        return db;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** The same database reached through another port on this machine (a fault-injecting proxy), with extra URL options. */
    public String jdbcUrlVia(int port, String options) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + (options == null ? "" : "?" + options);
    }

    public String host() {
        return host;
    }

    public int port() {
        return Integer.parseInt(port);
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String name() {
        return name;
    }

    /** Points a Spring test context's datasource at this database. */
    public void register(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", this::jdbcUrl);
        registry.add("spring.datasource.username", this::user);
        registry.add("spring.datasource.password", this::password);
    }

    /**
     * Points a Spring test context's datasource at this database through a fault-injecting proxy listening on
     * {@code proxyPort}, with {@code prepareThreshold=0}: every statement's SQL and parameters cross the wire together,
     * so the proxy can recognise a statement by its text.
     */
    public void registerThrough(org.springframework.test.context.DynamicPropertyRegistry registry, int proxyPort) {
        registry.add("spring.datasource.url", () -> jdbcUrlVia(proxyPort, "prepareThreshold=0"));
        registry.add("spring.datasource.username", this::user);
        registry.add("spring.datasource.password", this::password);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    private void drop() {
        try {
            execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (RuntimeException ignored) {
            // the JVM is exiting; a left-over test database is harmless and named by its date
        }
    }

    private void execute(String sql) {
        String adminUrl = "jdbc:postgresql://" + host + ":" + port + "/" + env("PGDATABASE", "postgres");
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed by the integration tests and is not usable at "
                    + host + ":" + port + " as user '" + user + "' (" + e.getMessage() + "). Start PostgreSQL, or point "
                    + "the tests at one with PGHOST, PGPORT, PGUSER, PGPASSWORD.", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
