package dev.tally.standalone;

import static dev.tally.standalone.LoginFlowEndToEndTest.CALLBACK;
import static dev.tally.standalone.LoginFlowEndToEndTest.CLOCK;
import static dev.tally.standalone.LoginFlowEndToEndTest.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The query side end to end, on PostgreSQL, over HTTP, with the clock the test advances: a user's login, two
 * refreshes and logout as the audit API, its NDJSON export and time travel tell them; the cause of a permission
 * change's revocations in the audit; and what a tenant-scoped management token may read.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(LoginFlowEndToEndTest.Clocks.class)
class QuerySideEndToEndTest {
    static final String ADMIN = "query-side-e2e-admin-token";
    static final String PASSWORD = "correct horse battery staple";
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_query_e2e");
    static final Duration PROJECTION_WAIT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-query-e2e");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        DB.register(registry);
    }

    @LocalServerPort
    int port;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /** A tenant whose API allows offline access, a SPA client that may refresh and log out, and alice; the client id. */
    String setUp(String tenant) {
        TestHttp http = http();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api." + tenant + ".test",
                "name", "API", "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true)).status())
                .isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Web app", "app_type", "spa",
                "callbacks", List.of(CALLBACK), "allowed_logout_urls", List.of("https://app.test/bye"),
                "grant_types", List.of("authorization_code", "refresh_token"), "refresh_token", Map.of("rotation", "rotate")));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        Response user = http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", PASSWORD, "roles", List.of("reader")));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return client.text("client_id");
    }

    Response codeFlow(Browser browser, String tenant, String clientId) {
        String code = LoginFlowEndToEndTest.login(browser, tenant, clientId, PASSWORD, "openid offline_access read:orders");
        Response tokens = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", clientId, "code", code, "redirect_uri", CALLBACK, "code_verifier", VERIFIER), null, null);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(tokens.text("refresh_token")).isNotBlank();
        return tokens;
    }

    Response refresh(String tenant, String clientId, String refreshToken) {
        Response r = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "client_id", clientId, "refresh_token", refreshToken), null, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    /** Every audited event of the selection, newest first, walking the cursor {@code pageSize} at a time. */
    List<JsonNode> auditPages(TestHttp http, String tenant, String query, int pageSize) {
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 1000; page++) {
            Response r = http.admin("GET", "/admin/tenants/" + tenant + "/audit?" + query + "&limit=" + pageSize
                    + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonNode body = r.json();
            assertThat(body.get("events").size()).isLessThanOrEqualTo(pageSize);
            body.get("events").forEach(events::add);
            cursor = body.get("next_cursor") == null || body.get("next_cursor").isNull() ? null : body.get("next_cursor").asString();
            if (cursor == null) {
                return events;
            }
        }
        throw new AssertionError("the cursor never ended");
    }

    /** Polls the audit until {@code done} holds for the selection (the projection is asynchronous). */
    List<JsonNode> awaitAudit(String tenant, String query, Predicate<List<JsonNode>> done) throws InterruptedException {
        long deadline = System.nanoTime() + PROJECTION_WAIT.toNanos();
        List<JsonNode> events;
        do {
            events = auditPages(http(), tenant, query, 1000);
            if (done.test(events)) {
                return events;
            }
            Thread.sleep(50); // waiting for another thread's processor, not for time: the clock is the test's
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the audit did not reach the expected state within " + PROJECTION_WAIT + "; last: "
                + types(events));
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asString()).toList();
    }

    static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event_id").asString()).toList();
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    List<String> ndjson(String tenant, String query) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/tenants/" + tenant
                        + "/audit?" + query))
                .header("Authorization", "Bearer " + ADMIN).header("Accept", "application/x-ndjson").GET().build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        return r.body().lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void loginTwoRefreshesAndLogoutAreExactlyTheAuditedSequenceAndTimeTravelSeesTheSecondGeneration() throws Exception {
        String tenant = "audited";
        String clientId = setUp(tenant);
        CLOCK.advance(Duration.ofSeconds(1));
        Instant before = CLOCK.instant(); // after the user's registration: from is inclusive

        Browser browser = new Browser("http://localhost:" + port);
        Response login = codeFlow(browser, tenant, clientId);
        String userId = SignedJWT.parse(login.text("access_token")).getJWTClaimsSet().getSubject();
        String familyId = SignedJWT.parse(login.text("access_token")).getJWTClaimsSet().getStringClaim("fid");
        String sessionId = SignedJWT.parse(login.text("id_token")).getJWTClaimsSet().getStringClaim("sid");
        assertThat(familyId).isNotBlank();
        assertThat(sessionId).isNotBlank();

        CLOCK.advance(Duration.ofMinutes(1));
        Response first = refresh(tenant, clientId, login.text("refresh_token"));
        CLOCK.advance(Duration.ofMinutes(1));
        Instant betweenTheRefreshes = CLOCK.instant();
        CLOCK.advance(Duration.ofMinutes(1));
        Response second = refresh(tenant, clientId, first.text("refresh_token"));
        CLOCK.advance(Duration.ofMinutes(1));
        HttpResponse<String> logout = browser.get("/t/" + tenant + "/logout?id_token_hint=" + second.text("id_token")
                + "&post_logout_redirect_uri=https://app.test/bye");
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);

        String selection = "user_id=" + q(userId) + "&from=" + q(before.toString());
        List<JsonNode> newestFirst = awaitAudit(tenant, selection,
                events -> types(events).contains("RefreshTokenFamilyRevoked"));
        List<String> oldestFirst = new ArrayList<>(types(newestFirst));
        java.util.Collections.reverse(oldestFirst);
        assertThat(oldestFirst).containsExactly(
                // login: the session, the code, and its redemption for the first tokens and the family
                "SessionStarted", "AuthorizationCodeIssued", "AuthorizationCodeRedeemed",
                "RefreshTokenFamilyStarted", "AccessTokenIssued", "IdTokenIssued",
                // two refreshes: each a rotation and the tokens it paid for
                "TokenRotated", "AccessTokenIssued", "IdTokenIssued",
                "TokenRotated", "AccessTokenIssued", "IdTokenIssued",
                // logout: the session, and with it the family started in it
                "SessionRevoked", "RefreshTokenFamilyRevoked");
        // Positions strictly decrease (newest first) and every event names the user, the session or family it belongs to.
        for (int i = 1; i < newestFirst.size(); i++) {
            assertThat(newestFirst.get(i).get("position").asLong()).isLessThan(newestFirst.get(i - 1).get("position").asLong());
        }
        assertThat(newestFirst).allSatisfy(e -> assertThat(e.get("user_id").asString()).isEqualTo(userId));
        JsonNode firstAccess = newestFirst.stream().filter(e -> e.get("type").asString().equals("AccessTokenIssued"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(firstAccess.get("family_id").asString()).isEqualTo(familyId);
        assertThat(firstAccess.get("session_id").asString()).isEqualTo(sessionId);
        assertThat(firstAccess.get("details").get("decided_by").asString()).isNotBlank();
        assertThat(firstAccess.get("details").get("lifetime_trace").isArray()).isTrue();
        assertThat(newestFirst.toString()).as("no token hash leaves the audit").doesNotContain("_hash");

        // Paging by the cursor, three at a time, gives the same events in the same order, without gaps or repeats.
        assertThat(ids(auditPages(http(), tenant, selection, 3))).isEqualTo(ids(newestFirst));
        // The NDJSON export holds the same events.
        List<String> lines = ndjson(tenant, selection);
        assertThat(lines.stream().map(l -> TestHttp.parse(l).get("event_id").asString()).toList()).isEqualTo(ids(newestFirst));

        // The family's own timeline, and the family as it was between the two refreshes: its second generation.
        Response history = http().admin("GET", "/admin/tenants/" + tenant + "/refresh-token-families/" + familyId + "/history", null);
        assertThat(history.status()).as(history.toString()).isEqualTo(200);
        assertThat(history.body()).contains("RefreshTokenFamilyStarted", "TokenRotated");
        Response then = http().admin("GET", "/admin/tenants/" + tenant + "/refresh-token-families/" + familyId
                + "?at=" + q(betweenTheRefreshes.toString()), null);
        assertThat(then.status()).as(then.toString()).isEqualTo(200);
        assertThat(then.json().get("generation").asInt()).isEqualTo(2);
        assertThat(then.text("status")).isEqualTo("active");
        Response now = http().admin("GET", "/admin/tenants/" + tenant + "/refresh-token-families/" + familyId
                + "?at=" + q(CLOCK.instant().toString()), null);
        assertThat(now.json().get("generation").asInt()).isEqualTo(3);
        assertThat(now.text("status")).as("ended with the session it was started in").isEqualTo("revoked");
        assertThat(now.text("end_reason")).isEqualTo("logout");
        Response beforeItExisted = http().admin("GET", "/admin/tenants/" + tenant + "/refresh-token-families/" + familyId
                + "?at=" + q(before.minusSeconds(1).toString()), null);
        assertThat(beforeItExisted.status()).isEqualTo(404);
        // The session: alive between the refreshes, revoked by the logout now.
        Response sessionThen = http().admin("GET", "/admin/tenants/" + tenant + "/sessions/" + sessionId
                + "?at=" + q(betweenTheRefreshes.toString()), null);
        assertThat(sessionThen.text("status")).as(sessionThen.toString()).isEqualTo("active");
        Response sessionHistory = http().admin("GET", "/admin/tenants/" + tenant + "/sessions/" + sessionId + "/history", null);
        assertThat(sessionHistory.body()).contains("SessionStarted", "SessionRevoked");
    }

    @Test
    void thePermissionChangeThatRevokedATokenIsNamedInTheAudit() throws Exception {
        String tenant = "audited-perm";
        String clientId = setUp(tenant);
        Browser browser = new Browser("http://localhost:" + port);
        Response tokens = codeFlow(browser, tenant, clientId);
        String userId = SignedJWT.parse(tokens.text("access_token")).getJWTClaimsSet().getSubject();
        String familyId = SignedJWT.parse(tokens.text("access_token")).getJWTClaimsSet().getStringClaim("fid");

        CLOCK.advance(Duration.ofSeconds(5));
        Response changed = http().admin("PATCH", "/admin/tenants/" + tenant + "/users/" + userId,
                Map.of("roles", List.of("reader", "writer")));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        Response refused = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "client_id", clientId, "refresh_token", tokens.text("refresh_token")), null, null);
        assertThat(refused.text("error")).as("the token issued before the change no longer refreshes").isEqualTo("invalid_grant");

        List<JsonNode> events = awaitAudit(tenant, "user_id=" + q(userId) + "&type=UserPermissionsChanged,RefreshTokenFamilyRevoked",
                e -> e.size() == 2);
        JsonNode revoked = events.get(0);
        JsonNode change = events.get(1);
        assertThat(types(events)).containsExactly("RefreshTokenFamilyRevoked", "UserPermissionsChanged");
        String changeId = change.get("details").get("change_id").asString();
        assertThat(changeId).startsWith("pc_");
        assertThat(change.get("details").get("on_permission_change").asString()).isEqualToIgnoringCase("revoke_refresh_tokens");
        assertThat(revoked.get("family_id").asString()).isEqualTo(familyId);
        assertThat(revoked.get("details").get("cause").get("kind").asString()).isEqualTo("user_permissions_changed");
        assertThat(revoked.get("details").get("cause").get("reference").asString()).isEqualTo(changeId);
        // The family view says so too, and resource servers see the family in the revocation list.
        Response family = http().admin("GET", "/admin/tenants/" + tenant + "/refresh-token-families/" + familyId, null);
        assertThat(family.text("status")).as(family.toString()).isEqualTo("revoked");
        Response list = http().admin("GET", "/t/" + tenant + "/revocations", null);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.body()).contains(familyId, changeId);
    }

    @Test
    void aManagementTokenOfTenantAReadsTenantAsHistoryAndNothingOfTenantB() throws Exception {
        String clientA = setUp("iso-a");
        String clientB = setUp("iso-b");
        Browser browserB = new Browser("http://localhost:" + port);
        Response tokensB = codeFlow(browserB, "iso-b", clientB);
        String sessionB = SignedJWT.parse(tokensB.text("id_token")).getJWTClaimsSet().getStringClaim("sid");
        String familyB = SignedJWT.parse(tokensB.text("access_token")).getJWTClaimsSet().getStringClaim("fid");
        assertThat(clientA).isNotBlank();

        Response admin = http().admin("POST", "/admin/tenants/iso-a/clients", Map.of("name", "Security tooling",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials"),
                "management_scopes", List.of("tenant:read")));
        assertThat(admin.status()).as(admin.toString()).isEqualTo(201);
        Response token = http().form("/t/iso-a/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "urn:tally:management"), admin.text("client_id"), admin.text("client_secret"));
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        TestHttp scopedToA = new TestHttp("http://localhost:" + port, token.text("access_token"));

        assertThat(scopedToA.admin("GET", "/admin/tenants/iso-a/audit", null).status()).isEqualTo(200);
        assertThat(scopedToA.admin("GET", "/t/iso-a/revocations", null).status()).isEqualTo(200);
        for (String path : List.of("/admin/tenants/iso-b/audit", "/admin/tenants/iso-b/audit?session_id=" + sessionB,
                "/admin/tenants/iso-b/sessions/" + sessionB, "/admin/tenants/iso-b/sessions/" + sessionB + "/history",
                "/admin/tenants/iso-b/refresh-token-families/" + familyB, "/admin/tenants/iso-b/sessions",
                "/t/iso-b/revocations")) {
            Response r = scopedToA.admin("GET", path, null);
            assertThat(r.status()).as(path + " " + r).isEqualTo(403);
            assertThat(r.body()).doesNotContain(sessionB).doesNotContain(familyB);
        }
        // Tenant A's own audit, asked for B's session, has nothing: every query is filtered by the tenant in the path.
        awaitAudit("iso-b", "session_id=" + q(sessionB), e -> !e.isEmpty());
        Response crossIds = scopedToA.admin("GET", "/admin/tenants/iso-a/audit?session_id=" + q(sessionB), null);
        assertThat(crossIds.json().get("events").size()).isZero();
        assertThat(scopedToA.admin("GET", "/admin/tenants/iso-a/sessions/" + sessionB, null).status()).isEqualTo(404);
        // And the audit of A records who asked for the management token.
        awaitAudit("iso-a", "client_id=" + q(admin.text("client_id")) + "&type=AccessTokenIssued", e -> e.size() == 1);
    }
}
