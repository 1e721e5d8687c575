package dev.tally.command.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.command.CommandServiceTestApplication;
import dev.tally.command.user.UserController.CreateUserRequest;
import dev.tally.command.user.UserController.UpdateUserRequest;
import dev.tally.kernel.crypto.PasswordHasher;
import dev.tally.kernel.user.UserEvents.UserPasswordChanged;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Users over the management API, on real PostgreSQL: the password reaches no event, response or log, usernames
 * stay unique per tenant under concurrency and regardless of case, and permission changes keep what they replaced.
 */
// Spring MVC logs each request body it reads at DEBUG, by toString(): the password must print redacted.
@SpringBootTest(classes = CommandServiceTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.org.springframework.web.servlet.mvc.method.annotation.RequestResponseBodyMethodProcessor=DEBUG",
                "logging.level.tally.request=INFO"})
@ExtendWith(OutputCaptureExtension.class)
class UsersOnPostgresTest {
    static final String ADMIN = "users-admin-token-0123456789";
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_users");
    /** Letters and digits only, so a JSON parser that meets it unquoted reads it as one token (and may quote it). */
    static final String PASSWORD = "SesameOpens7f3a9cQ";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes()));
    }

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PasswordHasher passwordHasher;
    @Autowired
    JsonMapper json;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    @BeforeAll
    static void databaseIsPostgres() {
        assertThat(DB.jdbcUrl()).startsWith("jdbc:postgresql:");
    }

    private void tenant(String id) {
        Response created = http().admin("POST", "/admin/tenants", Map.of("id", id, "name", id));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private List<String> payloadsOf(String aggregateId) {
        return jdbc.queryForList("SELECT convert_from(payload, 'UTF8') FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "ORDER BY sequence_number", String.class, aggregateId);
    }

    private List<? extends DomainEventMessage<?>> eventsOf(String aggregateId) {
        return eventStore.readEvents(aggregateId).asStream().toList();
    }

    @Test
    void usersCanBeCreatedReadChangedAndDeletedAndStayInTheirTenant() {
        TestHttp http = http();
        tenant("users-crud");
        tenant("users-other");

        Response created = http.admin("POST", "/admin/tenants/users-crud/users", Map.of("username", "Alice", "password", PASSWORD,
                "user_metadata", Map.of("team", "blue"), "roles", List.of("admin", "editor", "admin"), "permissions", List.of("read:orders")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String userId = created.text("user_id");
        assertThat(userId).startsWith("usr_");
        assertThat(created.header("Location")).isEqualTo("/admin/tenants/users-crud/users/" + userId);
        assertThat(created.text("username")).isEqualTo("Alice");
        assertThat(created.json().get("user_metadata").get("team").asString()).isEqualTo("blue");
        assertThat(created.json().get("roles").values().stream().map(n -> n.asString()).toList()).containsExactly("admin", "editor");
        assertThat(created.json().get("permissions").get(0).asString()).isEqualTo("read:orders");
        assertThat(created.text("created_at")).isNotNull();
        assertThat(fieldNames(created)).containsExactlyInAnyOrder("user_id", "username", "user_metadata", "roles", "permissions", "created_at");

        Response read = http.admin("GET", "/admin/tenants/users-crud/users/" + userId, null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(created.json());
        assertThat(http.admin("GET", "/admin/tenants/users-crud/users", null).json().size()).isEqualTo(1);
        Response byName = http.admin("GET", "/admin/tenants/users-crud/users?username=aLICE", null);
        assertThat(byName.json().size()).isEqualTo(1);
        assertThat(byName.json().get(0).get("user_id").asString()).isEqualTo(userId);
        assertThat(http.admin("GET", "/admin/tenants/users-crud/users?username=bob", null).json().size()).isZero();

        // Another tenant sees no such user, and cannot change or delete it.
        assertThat(http.admin("GET", "/admin/tenants/users-other/users/" + userId, null).status()).isEqualTo(404);
        assertThat(http.admin("GET", "/admin/tenants/users-other/users?username=alice", null).json().size()).isZero();
        assertThat(http.admin("PATCH", "/admin/tenants/users-other/users/" + userId, Map.of("username", "mallory")).status()).isEqualTo(404);
        assertThat(http.admin("DELETE", "/admin/tenants/users-other/users/" + userId, null).status()).isEqualTo(404);
        assertThat(http.admin("GET", "/admin/tenants/nope/users", null).status()).isEqualTo(404);

        Response patched = http.admin("PATCH", "/admin/tenants/users-crud/users/" + userId,
                Map.of("username", "alice.smith", "user_metadata", Map.of("team", "red")));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.text("username")).isEqualTo("alice.smith");
        assertThat(patched.json().get("user_metadata").get("team").asString()).isEqualTo("red");
        assertThat(patched.json().get("roles").size()).isEqualTo(2);

        // A PATCH that changes nothing records nothing.
        int before = eventsOf(userId).size();
        assertThat(http.admin("PATCH", "/admin/tenants/users-crud/users/" + userId,
                Map.of("username", "alice.smith", "roles", List.of("editor", "admin"))).status()).isEqualTo(200);
        assertThat(eventsOf(userId)).hasSize(before);

        assertThat(http.admin("DELETE", "/admin/tenants/users-crud/users/" + userId, null).status()).isEqualTo(204);
        assertThat(http.admin("GET", "/admin/tenants/users-crud/users/" + userId, null).status()).isEqualTo(404);
        assertThat(http.admin("DELETE", "/admin/tenants/users-crud/users/" + userId, null).status()).isEqualTo(404);
        assertThat(http.admin("GET", "/admin/tenants/users-crud/users", null).json().size()).isZero();
    }

    @Test
    void thePasswordReachesNoEventNoResponseAndNoLogOnlyItsArgon2idHash(CapturedOutput output) {
        TestHttp http = http();
        tenant("users-secret");
        List<Response> responses = new ArrayList<>();

        Response created = http.admin("POST", "/admin/tenants/users-secret/users", Map.of("username", "carol", "password", PASSWORD));
        assertThat(created.status()).isEqualTo(201);
        responses.add(created);
        String userId = created.text("user_id");
        String newPassword = PASSWORD + "Rotated";
        responses.add(http.admin("PATCH", "/admin/tenants/users-secret/users/" + userId, Map.of("password", newPassword)));
        assertThat(responses.getLast().status()).isEqualTo(200);
        responses.add(http.admin("GET", "/admin/tenants/users-secret/users/" + userId, null));
        responses.add(http.admin("GET", "/admin/tenants/users-secret/users", null));
        // Failures that carry a password: a conflict, bad input next to it, malformed JSON around it.
        responses.add(http.admin("POST", "/admin/tenants/users-secret/users", Map.of("username", "CAROL", "password", PASSWORD)));
        assertThat(responses.getLast().status()).isEqualTo(409);
        responses.add(http.admin("POST", "/admin/tenants/users-secret/users", Map.of("username", "bad name", "password", PASSWORD)));
        assertThat(responses.getLast().status()).isEqualTo(400);
        responses.add(http.admin("POST", "/admin/tenants/users-secret/users", "{\"username\":\"dave\",\"password\":" + PASSWORD + "}"));
        assertThat(responses.getLast().status()).isEqualTo(400);
        assertThat(responses.getLast().text("title")).isEqualTo("Malformed JSON");
        assertThat(responses.getLast().text("detail")).isEqualTo("the body is not valid JSON (line 1, column 31)");
        responses.add(http.admin("POST", "/admin/tenants/users-secret/users", "{\"username\":\"dave\",\"password\":\"" + PASSWORD + "\",\"pasword\":1}"));
        assertThat(responses.getLast().status()).isEqualTo(400);

        for (Response r : responses) {
            assertThat(r.body()).as(r.toString()).doesNotContain(PASSWORD).doesNotContain("argon2").doesNotContain("password_hash");
        }

        // Events: no password, and the same query does find the Argon2id hashes, so it reads the payloads as text.
        Integer leaks = jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE convert_from(payload, 'UTF8') LIKE ?",
                Integer.class, "%" + PASSWORD + "%");
        assertThat(leaks).isZero();
        Integer hashes = jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE convert_from(payload, 'UTF8') LIKE ? "
                + "AND aggregate_identifier = ?", Integer.class, "%$argon2id$v=19$m=7168,t=5,p=1$%", userId);
        assertThat(hashes).as("UserRegistered and UserPasswordChanged hold the hash").isEqualTo(2);
        assertThat(payloadsOf(userId)).hasSize(2).allSatisfy(p -> assertThat(p).doesNotContain(PASSWORD));

        // The stored hashes verify against the passwords they were made from, and only those.
        List<? extends DomainEventMessage<?>> events = eventsOf(userId);
        String registeredHash = ((UserRegistered) events.get(0).getPayload()).passwordHash();
        String changedHash = ((UserPasswordChanged) events.get(1).getPayload()).passwordHash();
        assertThat(passwordHasher.verify(PASSWORD, registeredHash)).isTrue();
        assertThat(passwordHasher.verify(newPassword, registeredHash)).isFalse();
        assertThat(passwordHasher.verify(newPassword, changedHash)).isTrue();
        assertThat(passwordHasher.verify(PASSWORD, changedHash)).isFalse();

        // The catalog has no place for a password or hash.
        assertThat(jdbc.queryForList("SELECT column_name FROM information_schema.columns WHERE table_name = 'user_catalog'", String.class))
                .containsExactlyInAnyOrder("tenant_id", "user_id", "username", "username_key", "user_metadata", "roles",
                        "permissions", "created_at");

        // Nothing this test did printed it (the capture does see the server's log: a line for each request, the
        // conflict's among them, which is told in its answer and not logged), and a request printed anywhere shows it
        // redacted.
        assertThat(output.getAll()).contains("POST /admin/tenants/users-secret/users 409 ")
                .doesNotContain("a user named 'CAROL' already exists")
                .contains("UpdateUserRequest[username=null, password=[redacted]").doesNotContain(PASSWORD);
        CreateUserRequest request = json.readValue("{\"username\":\"e\",\"password\":\"" + PASSWORD + "\"}", CreateUserRequest.class);
        assertThat(request.toString()).doesNotContain(PASSWORD).contains("password=[redacted]");
        UpdateUserRequest update = json.readValue("{\"password\":\"" + PASSWORD + "\"}", UpdateUserRequest.class);
        assertThat(update.toString()).doesNotContain(PASSWORD).contains("password=[redacted]");
    }

    @Test
    void concurrentRegistrationsOfOneUsernameInAnyCaseLetExactlyOneWin() throws Exception {
        tenant("users-race");
        List<String> spellings = List.of("Alice", "alice", "ALICE", "aLiCe", "AlIcE", "alICE", "ALice", "aliCE");
        ExecutorService pool = Executors.newFixedThreadPool(spellings.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> results = new ArrayList<>();
        for (String spelling : spellings) {
            Callable<Response> register = () -> {
                start.await();
                return http().admin("POST", "/admin/tenants/users-race/users", Map.of("username", spelling, "password", PASSWORD));
            };
            results.add(pool.submit(register));
        }
        start.countDown();
        List<Response> responses = new ArrayList<>();
        for (Future<Response> f : results) {
            responses.add(f.get());
        }
        pool.shutdown();

        assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(responses).filteredOn(r -> r.status() == 409).hasSize(spellings.size() - 1)
                .allSatisfy(r -> assertThat(r.text("field")).isEqualTo("username"));
        Integer registered = jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE payload_type = ? "
                + "AND convert_from(payload, 'UTF8') LIKE '%\"tenantId\":\"users-race\"%'", Integer.class, UserRegistered.class.getName());
        assertThat(registered).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM user_catalog WHERE tenant_id = 'users-race'", Integer.class)).isEqualTo(1);
    }

    /**
     * The race the aggregate's check cannot see, made deterministic: another transaction holds an uncommitted row
     * with the username, so the check passes and the catalog insert (or rename) waits on the unique key; when that
     * transaction commits, the request must lose with 409 on {@code username} and leave no event behind.
     */
    @Test
    void aRegistrationOrRenameThatPassesTheCheckButLosesAtTheUniqueKeyIsAConflictAndRecordsNothing() throws Exception {
        TestHttp http = http();
        tenant("users-late");
        Response late = whileAnotherTransactionRegisters("users-late", "dave",
                () -> http.admin("POST", "/admin/tenants/users-late/users", Map.of("username", "Dave", "password", PASSWORD)));
        assertThat(late.status()).as(late.toString()).isEqualTo(409);
        assertThat(late.text("field")).isEqualTo("username");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE payload_type = ? "
                + "AND convert_from(payload, 'UTF8') LIKE '%\"tenantId\":\"users-late\"%'", Integer.class, UserRegistered.class.getName()))
                .isZero();

        String userId = http.admin("POST", "/admin/tenants/users-late/users", Map.of("username", "erin", "password", PASSWORD)).text("user_id");
        Response rename = whileAnotherTransactionRegisters("users-late", "frank",
                () -> http.admin("PATCH", "/admin/tenants/users-late/users/" + userId, Map.of("username", "Frank")));
        assertThat(rename.status()).as(rename.toString()).isEqualTo(409);
        assertThat(rename.text("field")).isEqualTo("username");
        assertThat(eventsOf(userId)).hasSize(1);
        assertThat(http.admin("GET", "/admin/tenants/users-late/users/" + userId, null).text("username")).isEqualTo("erin");
    }

    private Response whileAnotherTransactionRegisters(String tenantId, String username, Callable<Response> request) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = DB.connect()) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("INSERT INTO user_catalog (tenant_id, user_id, username, "
                    + "username_key, user_metadata, roles, permissions, created_at) VALUES (?, ?, ?, ?, '{}', '[]', '[]', now())")) {
                insert.setString(1, tenantId);
                insert.setString(2, "usr_other_" + username);
                insert.setString(3, username);
                insert.setString(4, username);
                insert.executeUpdate();
            }
            Future<Response> pending = pool.submit(request);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!waitingOnALock()) {
                assertThat(pending).as("the request finished before it reached the unique key").isNotDone();
                assertThat(System.nanoTime()).as("the request never waited on the unique key").isLessThan(deadline);
                Thread.onSpinWait();
            }
            other.commit();
            return pending.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    private boolean waitingOnALock() {
        Integer waiting = jdbc.queryForObject("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND wait_event_type = 'Lock'", Integer.class);
        return waiting != null && waiting > 0;
    }

    @Test
    void changingRolesRecordsUserPermissionsChangedWithThePreviousLists() {
        TestHttp http = http();
        tenant("users-perms");
        String userId = http.admin("POST", "/admin/tenants/users-perms/users", Map.of("username", "erin", "password", PASSWORD,
                "roles", List.of("admin", "editor"), "permissions", List.of("read:orders"))).text("user_id");

        Response patched = http.admin("PATCH", "/admin/tenants/users-perms/users/" + userId, Map.of("roles", List.of("viewer")));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("roles").size()).isEqualTo(1);
        assertThat(patched.json().get("roles").get(0).asString()).isEqualTo("viewer");
        assertThat(patched.json().get("permissions").get(0).asString()).isEqualTo("read:orders");

        List<? extends DomainEventMessage<?>> events = eventsOf(userId);
        assertThat(events).hasSize(2);
        UserPermissionsChanged changed = (UserPermissionsChanged) events.get(1).getPayload();
        assertThat(changed.roles()).containsExactly("viewer");
        assertThat(changed.permissions()).containsExactly("read:orders");
        assertThat(changed.previousRoles()).containsExactly("admin", "editor");
        assertThat(changed.previousPermissions()).containsExactly("read:orders");
        assertThat(changed.tenantId()).isEqualTo("users-perms");
        assertThat(changed.changedAt()).isNotNull();
    }

    @Test
    void aDeletedUsersUsernameCanBeRegisteredAgain() {
        TestHttp http = http();
        tenant("users-reuse");
        String first = http.admin("POST", "/admin/tenants/users-reuse/users", Map.of("username", "frank", "password", PASSWORD)).text("user_id");
        assertThat(http.admin("POST", "/admin/tenants/users-reuse/users", Map.of("username", "Frank", "password", PASSWORD)).status())
                .isEqualTo(409);
        assertThat(http.admin("DELETE", "/admin/tenants/users-reuse/users/" + first, null).status()).isEqualTo(204);

        Response again = http.admin("POST", "/admin/tenants/users-reuse/users", Map.of("username", "Frank", "password", PASSWORD));
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(again.text("user_id")).isNotEqualTo(first);
        // A rename into a taken username is refused too.
        String other = http.admin("POST", "/admin/tenants/users-reuse/users", Map.of("username", "grace", "password", PASSWORD)).text("user_id");
        Response rename = http.admin("PATCH", "/admin/tenants/users-reuse/users/" + other, Map.of("username", "FRANK"));
        assertThat(rename.status()).isEqualTo(409);
        assertThat(rename.text("field")).isEqualTo("username");
    }

    @Test
    void badInputIsAProblemNamingTheFieldAndChangesNothing() {
        TestHttp http = http();
        tenant("users-probs");
        String path = "/admin/tenants/users-probs/users";

        assertProblem(http.admin("POST", path, Map.of("username", "henry", "password", "short77")), 400, "password");
        assertProblem(http.admin("POST", path, Map.of("username", "henry")), 400, "password");
        assertProblem(http.admin("POST", path, Map.of("username", "henry", "password", "x".repeat(1025))), 400, "password");
        assertProblem(http.admin("POST", path, Map.of("username", "henry the eighth", "password", PASSWORD)), 400, "username");
        assertProblem(http.admin("POST", path, Map.of("password", PASSWORD)), 400, "username");
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 21; i++) {
            tooMany.put("k" + i, "v");
        }
        assertProblem(http.admin("POST", path, Map.of("username", "henry", "password", PASSWORD, "user_metadata", tooMany)), 400, "user_metadata");
        assertProblem(http.admin("POST", path, Map.of("username", "henry", "password", PASSWORD,
                "user_metadata", Map.of("team", "x".repeat(256)))), 400, "user_metadata.team");
        assertProblem(http.admin("POST", path, Map.of("username", "henry", "password", PASSWORD, "roles", List.of("team lead"))), 400, "roles");
        assertProblem(http.admin("POST", path, Map.of("username", "henry", "password", PASSWORD, "permissions", List.of(""))), 400, "permissions");
        assertProblem(http.admin("POST", path, Map.of("username", "henry", "passwd", PASSWORD)), 400, "passwd");
        assertProblem(http.admin("POST", "/admin/tenants/nope/users", Map.of("username", "henry", "password", PASSWORD)), 404, null);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM user_catalog WHERE tenant_id = 'users-probs'", Integer.class)).isZero();

        // A PATCH with one bad field changes none of the good ones.
        Response created = http.admin("POST", path, Map.of("username", "henry", "password", PASSWORD, "roles", List.of("admin")));
        assertThat(created.status()).isEqualTo(201);
        String userId = created.text("user_id");
        int before = eventsOf(userId).size();
        assertProblem(http.admin("PATCH", path + "/" + userId, Map.of("username", "henry.viii", "password", "short")), 400, "password");
        assertProblem(http.admin("PATCH", path + "/" + userId, Map.of("username", "henry.viii", "roles", List.of("a b"))), 400, "roles");
        assertProblem(http.admin("PATCH", path + "/" + userId, Map.of("roles", List.of("viewer"), "user_metadata", tooMany)), 400, "user_metadata");
        assertProblem(http.admin("PATCH", path + "/" + userId, Map.of("roles", List.of("viewer"), "username", "bad name")), 400, "username");
        assertThat(eventsOf(userId)).hasSize(before);
        Response unchanged = http.admin("GET", path + "/" + userId, null);
        assertThat(unchanged.text("username")).isEqualTo("henry");
        assertThat(unchanged.json().get("roles").get(0).asString()).isEqualTo("admin");
    }

    private static void assertProblem(Response response, int status, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.text("field")).as(response.toString()).isEqualTo(field);
    }

    private static List<String> fieldNames(Response response) {
        List<String> names = new ArrayList<>();
        response.json().propertyNames().forEach(names::add);
        return names;
    }
}
