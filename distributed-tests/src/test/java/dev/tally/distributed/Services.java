package dev.tally.distributed;

import dev.tally.services.command.CommandServiceApplication;
import dev.tally.services.query.QueryServiceApplication;
import dev.tally.services.token.TokenServiceApplication;
import dev.tally.testsupport.PostgresTestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Starts the services the way a container does: each through its own application class ({@code builder()}, the same
 * one its {@code main} runs: profile {@code distributed}, its own configuration file) with nothing but environment
 * variables, here a property source that Spring reads exactly like the process environment ({@code TALLY_MASTER_KEY}
 * is found as {@code tally.master-key}). Each context is a separate application, as a separate process would be:
 * its own command bus, event bus and in-memory views.
 */
final class Services {
    static final String ADMIN_TOKEN = "distributed-admin-token-0123456789";
    static final String SERVICE_TOKEN = "distributed-service-token-0123456789-abcdef";
    static final String MASTER_KEY = Base64.getEncoder().encodeToString(
            "distributed-master-key-32-bytes!".getBytes(StandardCharsets.US_ASCII));

    /**
     * This JVM has every module's migrations on its classpath; a service's jar holds only its own and
     * service-platform's (the event store). The tests give each service what its jar holds, so each migrates only what
     * it owns.
     */
    static final String COMMAND_MIGRATIONS = "classpath:db/migration/tally/eventstore,classpath:db/migration/tally/command";
    static final String QUERY_MIGRATIONS = "classpath:db/migration/tally/eventstore,classpath:db/migration/tally/query";
    static final String TOKEN_MIGRATIONS = "classpath:db/migration/tally/eventstore,classpath:db/migration/tally/token";

    private Services() {
    }

    /** What every service of a deployment gets: the database, the administrator's token, a port of its own. */
    static Map<String, String> environment(PostgresTestDatabase db) {
        return environment(db.jdbcUrl(), db);
    }

    static Map<String, String> environment(String jdbcUrl, PostgresTestDatabase db) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TALLY_DB_URL", jdbcUrl);
        env.put("TALLY_DB_USER", db.user());
        env.put("TALLY_DB_PASSWORD", db.password());
        env.put("TALLY_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("SERVER_PORT", "0");
        // A test runs up to five services on the one PostgreSQL server (100 connections by default); Hikari opens its
        // whole pool at start, and the default of 16 each would take most of them.
        env.put("TALLY_DB_POOL_SIZE", "6");
        return env;
    }

    static ConfigurableApplicationContext command(Map<String, String> environment) {
        return start(CommandServiceApplication.builder(), commandEnvironment(environment));
    }

    /** What the command service gets besides the common variables: master key, service token, its migrations. */
    static Map<String, String> commandEnvironment(Map<String, String> environment) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putIfAbsent("TALLY_MASTER_KEY", MASTER_KEY);
        env.putIfAbsent("TALLY_SERVICE_TOKEN", SERVICE_TOKEN);
        env.putIfAbsent("SPRING_FLYWAY_LOCATIONS", COMMAND_MIGRATIONS);
        return env;
    }

    static ConfigurableApplicationContext query(Map<String, String> environment) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putIfAbsent("SPRING_FLYWAY_LOCATIONS", QUERY_MIGRATIONS);
        return start(QueryServiceApplication.builder(), env);
    }

    static ConfigurableApplicationContext token(Map<String, String> environment, String commandServiceUrl) {
        return start(TokenServiceApplication.builder().initializers(
                context -> ((GenericApplicationContext) context).registerBean(AppliedEventIds.class)),
                tokenEnvironment(environment, commandServiceUrl));
    }

    /**
     * What the token service gets besides the common variables: master key, service token, where its commands go,
     * its migrations (also for a token service run as a process of its own).
     */
    static Map<String, String> tokenEnvironment(Map<String, String> environment, String commandServiceUrl) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putIfAbsent("TALLY_MASTER_KEY", MASTER_KEY);
        env.putIfAbsent("TALLY_SERVICE_TOKEN", SERVICE_TOKEN);
        env.putIfAbsent("TALLY_COMMAND_SERVICE_URL", commandServiceUrl);
        env.putIfAbsent("SPRING_FLYWAY_LOCATIONS", TOKEN_MIGRATIONS);
        return env;
    }

    static {
        // Several services start at once in this JVM; Spring Boot's logging system would re-initialise the one shared
        // Logback context from each of them, and that races ("Unable to find Spring Environment in logger context").
        // Logback configures itself from logback-test.xml instead.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    static ConfigurableApplicationContext start(SpringApplicationBuilder application, Map<String, String> environment) {
        Map<String, Object> variables = new HashMap<>(environment);
        return application
                .initializers(context -> context.getEnvironment().getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource("containerEnvironment", variables)))
                .run();
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    static String url(ConfigurableApplicationContext context) {
        return "http://localhost:" + port(context);
    }
}
