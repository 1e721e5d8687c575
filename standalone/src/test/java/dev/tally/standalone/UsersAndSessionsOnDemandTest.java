package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.session.SessionCommands;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.kernel.user.UserEvents.UserEvent;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import dev.tally.token.view.LoginSessions;
import dev.tally.token.view.Users;
import dev.tally.token.view.ViewCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A token node holds no view of every user or login session (issue 17, item 2): both are read from the event store
 * when a request needs one and kept in caches of {@code tally.token.users.cache-size} and
 * {@code tally.token.sessions.cache-size}, here 5 and 3. Over real HTTP on the standalone server (H2): every user of
 * many logs in while the node holds at most five; a change made through the management API (password, username,
 * deletion) is what the very next token request sees; ten browsers each keep their login session (silent
 * re-authentication) while the node holds at most three, and a logout ends exactly its own; the views' checkpoint
 * holds neither.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UsersAndSessionsOnDemandTest {
    static final String ADMIN = "users-on-demand-admin-token";
    static final int CACHE = 5;
    static final int SESSIONS = 3;
    static final String CALLBACK = "https://app.test/callback";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-users-on-demand");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.token.users.cache-size", () -> CACHE);
        registry.add("tally.token.sessions.cache-size", () -> SESSIONS);
    }

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    LoginSessions sessions;
    @Autowired
    ViewCheckpoints checkpoints;

    record Tenant(String id, String clientId, String secret) {
        String api() {
            return "https://api." + id + ".test";
        }
    }

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    Tenant tenant(String id) {
        TestHttp http = http();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", id, "name", id)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + id + "/apis", Map.of("identifier", "https://api." + id + ".test",
                "name", "API", "token_lifetime", 600, "scopes", List.of("read")))
                .status()).isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + id + "/clients", Map.of("name", "Legacy",
                "app_type", "regular_web", "grant_types", List.of("password")));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        return new Tenant(id, client.text("client_id"), client.text("client_secret"));
    }

    String register(Tenant t, String username, String password) {
        Response user = http().admin("POST", "/admin/tenants/" + t.id() + "/users",
                Map.of("username", username, "password", password));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return user.text("user_id");
    }

    Response passwordGrant(Tenant t, String username, String password) {
        return http().form("/t/" + t.id() + "/oauth/token", TestHttp.params("grant_type", "password",
                "username", username, "password", password, "audience", t.api()), t.clientId(), t.secret());
    }

    void patch(Tenant t, String userId, Map<String, Object> body) {
        Response r = http().admin("PATCH", "/admin/tenants/" + t.id() + "/users/" + userId, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    @Test
    void everyUserLogsInWhileTheNodeHoldsAtMostTheCacheSize() {
        Tenant t = tenant("many-users");
        int n = 30;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("user" + i);
            register(t, "user" + i, "password of user " + i);
        }
        long readsBefore = users.storeReads();
        int granted = 0;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                Response r = passwordGrant(t, names.get(i), "password of user " + i);
                assertThat(r.status()).as("%s: %s", names.get(i), r).isEqualTo(200);
                granted++;
                assertThat(users.cached()).as("users held by the node").isLessThanOrEqualTo(CACHE);
            }
        }
        assertThat(granted).isEqualTo(2 * n);
        // the second round found none of the first round's early users still held: each was read from the store again
        assertThat(users.storeReads() - readsBefore).as("users read from the store").isGreaterThanOrEqualTo(2L * n - CACHE);
    }

    @Test
    void aChangeThroughTheManagementApiIsWhatTheVeryNextTokenRequestSees() {
        Tenant t = tenant("user-changes");
        int rounds = 6;
        for (int i = 0; i < rounds; i++) {
            String name = "changing" + i;
            String userId = register(t, name, "first password " + i);
            // read once, so the node holds the user when the change is made
            assertThat(passwordGrant(t, name, "first password " + i).status()).isEqualTo(200);
            assertThat(users.cached()).isGreaterThan(0);

            patch(t, userId, Map.of("password", "second password " + i));
            assertThat(passwordGrant(t, name, "second password " + i).status()).as("the new password, round %d", i)
                    .isEqualTo(200);
            Response old = passwordGrant(t, name, "first password " + i);
            assertThat(old.status()).as("the old password, round %d", i).isEqualTo(400);
            assertThat(old.text("error")).isEqualTo("invalid_grant");

            patch(t, userId, Map.of("username", "renamed" + i));
            assertThat(passwordGrant(t, "renamed" + i, "second password " + i).status())
                    .as("the new username, round %d", i).isEqualTo(200);
            assertThat(passwordGrant(t, name, "second password " + i).status()).as("the old username, round %d", i)
                    .isEqualTo(400);

            assertThat(http().admin("DELETE", "/admin/tenants/" + t.id() + "/users/" + userId, null).status())
                    .isEqualTo(204);
            assertThat(passwordGrant(t, "renamed" + i, "second password " + i).status())
                    .as("a deleted user, round %d", i).isEqualTo(400);
        }
    }

    @Test
    void aUserOfOneTenantIsNoneOfAnother() {
        Tenant a = tenant("users-a");
        Tenant b = tenant("users-b");
        String id = register(a, "shared-name", "password of a");
        assertThat(passwordGrant(a, "shared-name", "password of a").status()).isEqualTo(200);
        assertThat(passwordGrant(b, "shared-name", "password of a").status()).isEqualTo(400);
        assertThat(users.user("users-a", id)).isPresent();
        assertThat(users.user("users-b", id)).as("the same id asked for in another tenant").isEmpty();
    }

    String spa(Tenant t) {
        Response spa = http().admin("POST", "/admin/tenants/" + t.id() + "/clients", Map.of("name", "Web app",
                "app_type", "spa", "callbacks", List.of(CALLBACK), "grant_types", List.of("authorization_code")));
        assertThat(spa.status()).as(spa.toString()).isEqualTo(201);
        return spa.text("client_id");
    }

    static String authorize(Tenant t, String clientId, String extra) {
        return "/t/" + t.id() + "/authorize?response_type=code&client_id=" + clientId + "&redirect_uri=" + CALLBACK
                + "&scope=openid&audience=" + t.api() + "&state=s-1&code_challenge="
                + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256" + extra;
    }

    @Test
    void everyBrowserKeepsItsSessionWhileTheNodeHoldsAtMostTheCacheSize() {
        Tenant t = tenant("many-sessions");
        String spa = spa(t);
        int n = 10;
        List<Browser> browsers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            register(t, "person" + i, "password of person " + i);
            Browser browser = new Browser("http://localhost:" + port);
            var loggedIn = browser.logIn(authorize(t, spa, ""), t.id(), "person" + i, "password of person " + i);
            assertThat(loggedIn.statusCode()).as(loggedIn.body()).isEqualTo(302);
            assertThat(Browser.redirectParams(loggedIn)).containsKey("code");
            browsers.add(browser);
        }
        long readsBefore = sessions.storeReads();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                var silent = browsers.get(i).get(authorize(t, spa, "&prompt=none"));
                assertThat(silent.statusCode()).isEqualTo(302);
                assertThat(Browser.redirectParams(silent)).as("browser %d, round %d", i, round).containsKey("code")
                        .doesNotContainKey("error");
                assertThat(sessions.cached()).as("sessions held by the node").isLessThanOrEqualTo(SESSIONS);
            }
        }
        assertThat(sessions.storeReads() - readsBefore).as("sessions read from the store")
                .isGreaterThanOrEqualTo(2L * n - SESSIONS);

        // a logout ends that browser's session and no other
        var out = browsers.get(0).get("/t/" + t.id() + "/logout");
        assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
        var after = browsers.get(0).get(authorize(t, spa, "&prompt=none"));
        assertThat(Browser.redirectParams(after)).containsEntry("error", "login_required");
        var other = browsers.get(1).get(authorize(t, spa, "&prompt=none"));
        assertThat(Browser.redirectParams(other)).containsKey("code");
    }

    @Test
    void aSessionIdFollowsItsCookieAndACookieOfAnotherTenantFindsNothing() {
        Tenant a = tenant("sessions-a");
        Tenant b = tenant("sessions-b");
        String spaA = spa(a);
        String spaB = spa(b);
        register(a, "walker", "password of walker");
        Browser browser = new Browser("http://localhost:" + port);
        assertThat(browser.logIn(authorize(a, spaA, ""), a.id(), "walker", "password of walker").statusCode())
                .isEqualTo(302);
        // the session cookie is scoped to /t/sessions-a/; presented for another tenant, it finds nothing there
        String cookie = browser.cookie("tally_session");
        assertThat(cookie).isNotNull();
        assertThat(sessions.byCookie(a.id(), cookie)).hasValueSatisfying(s ->
                assertThat(s.sessionId()).isEqualTo(SessionCommands.sessionIdFor(cookie)));
        assertThat(sessions.byCookie(b.id(), cookie)).isEmpty();
        assertThat(sessions.byCookie(a.id(), cookie + "x")).isEmpty();
        // and over HTTP: the same cookie sent with a request to tenant b's authorize endpoint is no session there
        var silent = browser.get(authorize(b, spaB, "&prompt=none"));
        assertThat(Browser.redirectParams(silent)).containsEntry("error", "login_required");
    }

    @Test
    void theViewsCheckpointHoldsNoUserAndNoSessionStartedNow() {
        Tenant t = tenant("checkpointed-users");
        register(t, "kept-out", "a password");
        String spa = spa(t);
        Browser browser = new Browser("http://localhost:" + port);
        assertThat(browser.logIn(authorize(t, spa, ""), t.id(), "kept-out", "a password").statusCode()).isEqualTo(302);
        assertThat(checkpoints.write()).isPresent();
        ViewCheckpoints.Loaded loaded = checkpoints.load().orElseThrow();
        assertThat(loaded.events()).as("configuration events kept").isNotEmpty();
        assertThat(loaded.events()).noneMatch(e -> UserEvent.class.isAssignableFrom(e.getPayloadType()));
        assertThat(loaded.events()).noneMatch(e -> LoginSessions.handles(e.getPayloadType()));
        assertThat(loaded.events()).anyMatch(e -> e.getAggregateIdentifier().equals(TenantIds.aggregateId("checkpointed-users")));
    }
}
