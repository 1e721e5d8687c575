package dev.tally.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Each service's own application class starts with the profile {@code distributed} on a fresh PostgreSQL database,
 * configured by environment variables only, answers {@code /actuator/health} UP and serves its endpoints; the three
 * start together, in any order, on one database.
 */
class ServicesStartOnPostgresTest {

    @Test
    void theCommandServiceStartsOnItsOwnAndServesTheManagementApi() {
        PostgresTestDatabase db = PostgresTestDatabase.create("tally_dist_command");
        try (ConfigurableApplicationContext command = Services.command(Services.environment(db))) {
            assertThat(command.getEnvironment().getActiveProfiles()).containsExactly("distributed");
            assertThat(command.getEnvironment().getProperty("spring.application.name"))
                    .as("its own configuration file was read").isEqualTo("tally-command-service");
            TestHttp http = new TestHttp(Services.url(command), Services.ADMIN_TOKEN);
            assertThat(health(http)).isEqualTo("UP");

            Response created = http.admin("POST", "/admin/tenants", Map.of("id", "acme", "name", "Acme"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(http.admin("GET", "/admin/tenants/acme", null).text("name")).isEqualTo("Acme");
            assertThat(http.adminWithoutToken("GET", "/admin/tenants", null).status()).isEqualTo(401);
            // the internal endpoint is there, and not for the administrator
            assertThat(http.admin("POST", "/internal/commands", Map.of()).status()).isEqualTo(401);
            // it migrated its own tables and the event store, nothing of the query side
            assertThat(migrated(db)).allMatch(s -> s.startsWith("V1_") || s.startsWith("V2_"))
                    .anyMatch(s -> s.startsWith("V2_"));
        }
    }

    @Test
    void theQueryServiceStartsOnItsOwnWithoutAMasterKeyOrServiceToken() {
        PostgresTestDatabase db = PostgresTestDatabase.create("tally_dist_query");
        try (ConfigurableApplicationContext query = Services.query(Services.environment(db))) {
            assertThat(query.getEnvironment().getProperty("spring.application.name")).isEqualTo("tally-query-service");
            assertThat(query.getEnvironment().getProperty("tally.master-key")).isNull();
            TestHttp http = new TestHttp(Services.url(query), Services.ADMIN_TOKEN);
            assertThat(health(http)).isEqualTo("UP");

            Response projections = http.admin("GET", "/admin/projections", null);
            assertThat(projections.status()).as(projections.toString()).isEqualTo(200);
            assertThat(projections.body()).contains("\"audit\"", "\"sessions\"", "\"revocations\"");
            assertThat(http.admin("GET", "/admin/tenants/nobody/audit", null).status()).isEqualTo(404);
            assertThat(http.admin("POST", "/internal/commands", Map.of()).status())
                    .as("only the command service has the internal endpoint").isEqualTo(404);
            assertThat(migrated(db)).allMatch(s -> s.startsWith("V1_") || s.startsWith("V4_"))
                    .anyMatch(s -> s.startsWith("V4_"));
        }
    }

    /** The token service knows what the store held when it started; the tenant is made first by the command service. */
    @Test
    void theTokenServiceStartsOnItsOwnAndIssuesATokenForWhatTheCommandServiceRecorded() throws Exception {
        PostgresTestDatabase db = PostgresTestDatabase.create("tally_dist_token");
        String clientId;
        String secret;
        try (ConfigurableApplicationContext command = Services.command(Services.environment(db))) {
            TestHttp admin = new TestHttp(Services.url(command), Services.ADMIN_TOKEN);
            assertThat(admin.admin("POST", "/admin/tenants", Map.of("id", "acme", "name", "Acme")).status()).isEqualTo(201);
            assertThat(admin.admin("POST", "/admin/tenants/acme/apis", Map.of("identifier", "https://api.acme.test",
                    "name", "Orders", "token_lifetime", 600)).status()).isEqualTo(201);
            Response client = admin.admin("POST", "/admin/tenants/acme/clients", Map.of("name", "billing",
                    "app_type", "non_interactive", "grant_types", List.of("client_credentials")));
            assertThat(client.status()).as(client.toString()).isEqualTo(201);
            clientId = client.text("client_id");
            secret = client.text("client_secret");
        }
        try (ConfigurableApplicationContext token = Services.token(Services.environment(db), "http://localhost:1")) {
            assertThat(token.getEnvironment().getProperty("spring.application.name")).isEqualTo("tally-token-service");
            TestHttp http = new TestHttp(Services.url(token), Services.ADMIN_TOKEN);
            assertThat(health(http)).isEqualTo("UP");

            Response issued = http.form("/t/acme/oauth/token", TestHttp.params("grant_type", "client_credentials",
                    "audience", "https://api.acme.test"), clientId, secret);
            assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
            SignedJWT jwt = SignedJWT.parse(issued.text("access_token"));
            JWKSet keys = JWKSet.parse(http.get("/t/acme/.well-known/jwks.json").body());
            assertThat(jwt.verify(new ECDSAVerifier(keys.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey()))).isTrue();
            assertThat(issued.json().get("expires_in").asLong()).isEqualTo(600);
            // recorded in the shared store by the token service itself
            assertThat(new JdbcTemplate(token.getBean(javax.sql.DataSource.class)).queryForObject(
                    "SELECT COUNT(*) FROM domain_event_entry WHERE payload_type LIKE '%AccessTokenIssued' "
                            + "AND convert_from(payload, 'UTF8') LIKE ?", Long.class,
                    "%" + jwt.getJWTClaimsSet().getJWTID() + "%")).isEqualTo(1L);
            assertThat(migrated(db)).as("the event store and its own login state, nothing of the query side")
                    .contains("V1_0__event_store.sql", "V3_0__login_state.sql").noneMatch(s -> s.startsWith("V4_"));
        }
    }

    /**
     * One history table, Flyway's lock, out-of-order migrations: started at the same moment on an empty database, all
     * three come up, the event store is created once, and each service's migrations are applied once.
     */
    @Test
    void theThreeServicesStartTogetherOnOneEmptyDatabase() throws Exception {
        PostgresTestDatabase db = PostgresTestDatabase.create("tally_dist_all");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<ConfigurableApplicationContext> started = new ArrayList<>();
        try {
            List<Callable<ConfigurableApplicationContext>> starts = List.of(
                    () -> Services.query(Services.environment(db)),
                    () -> Services.token(Services.environment(db), "http://localhost:1"),
                    () -> Services.command(Services.environment(db)));
            List<Future<ConfigurableApplicationContext>> futures = new ArrayList<>();
            for (Callable<ConfigurableApplicationContext> start : starts) {
                futures.add(pool.submit(start));
            }
            for (Future<ConfigurableApplicationContext> f : futures) {
                started.add(f.get());
            }
            for (ConfigurableApplicationContext service : started) {
                assertThat(health(new TestHttp(Services.url(service), null))).isEqualTo("UP");
            }
            List<String> scripts = migrated(db);
            assertThat(scripts).doesNotHaveDuplicates()
                    .contains("V1_0__event_store.sql", "V2_0__catalog.sql", "V2_9__client_management_scopes.sql",
                            "V3_0__login_state.sql", "V4_0__audit.sql", "V4_2__revocations.sql");

            // the command side's events reach the query side's views through the shared store
            TestHttp command = new TestHttp(Services.url(started.get(2)), Services.ADMIN_TOKEN);
            assertThat(command.admin("POST", "/admin/tenants", Map.of("id", "shared", "name", "Shared")).status()).isEqualTo(201);
            TestHttp query = new TestHttp(Services.url(started.get(0)), Services.ADMIN_TOKEN);
            long deadline = System.nanoTime() + 20_000_000_000L;
            Response audit;
            do {
                audit = query.admin("GET", "/admin/tenants/shared/audit?type=TenantCreated", null);
            } while ((audit.status() != 200 || !audit.body().contains("TenantCreated")) && System.nanoTime() < deadline
                    && pause());
            assertThat(audit.body()).as(audit.toString()).contains("\"type\":\"TenantCreated\"");
        } finally {
            started.forEach(ConfigurableApplicationContext::close);
            pool.shutdownNow();
        }
    }

    @Test
    void aServiceMissingItsSecretsRefusesToStart() {
        PostgresTestDatabase db = PostgresTestDatabase.create("tally_dist_secrets");
        java.util.Map<String, String> noServiceToken = Services.environment(db);
        noServiceToken.put("TALLY_SERVICE_TOKEN", "");
        assertThatThrownBy(() -> Services.command(noServiceToken).close())
                .hasStackTraceContaining("TALLY_SERVICE_TOKEN (tally.service-token) is not set");

        java.util.Map<String, String> shortToken = Services.environment(db);
        shortToken.put("TALLY_SERVICE_TOKEN", "too-short");
        assertThatThrownBy(() -> Services.token(shortToken, "http://localhost:1").close())
                .hasStackTraceContaining("at least 32 characters");

        java.util.Map<String, String> sameAsAdmin = Services.environment(db);
        sameAsAdmin.put("TALLY_SERVICE_TOKEN", Services.ADMIN_TOKEN + "-and-long-enough");
        sameAsAdmin.put("TALLY_ADMIN_TOKEN", Services.ADMIN_TOKEN + "-and-long-enough");
        assertThatThrownBy(() -> Services.command(sameAsAdmin).close())
                .hasStackTraceContaining("TALLY_SERVICE_TOKEN must differ from TALLY_ADMIN_TOKEN");

        java.util.Map<String, String> noAdmin = Services.environment(db);
        noAdmin.remove("TALLY_ADMIN_TOKEN");
        assertThatThrownBy(() -> Services.query(noAdmin).close())
                .hasStackTraceContaining("TALLY_ADMIN_TOKEN (tally.admin-token) is not set");
    }

    static String health(TestHttp http) {
        Response health = http.get("/actuator/health");
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        return health.text("status");
    }

    /** The migrations applied, by file or class name ({@code V1_0__event_store.sql}, {@code V1_2__EventIndex...}). */
    static List<String> migrated(PostgresTestDatabase db) {
        try (var c = db.connect(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT script FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            List<String> scripts = new ArrayList<>();
            while (rs.next()) {
                String script = rs.getString(1);
                // a Java migration is recorded by its class's full name
                scripts.add(script.endsWith(".sql") ? script : script.substring(script.lastIndexOf('.') + 1));
            }
            return scripts;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
