package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The authorization code flow over real HTTP with a cookie-keeping client, on the standalone server, with a clock
 * the test advances instead of sleeping: login, codes with PKCE, ID tokens, userinfo, silent re-authentication
 * against idle and absolute timeouts, logout, throttling.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(LoginFlowEndToEndTest.Clocks.class)
class LoginFlowEndToEndTest {
    static final String ADMIN = "login-flow-admin-token";
    static final String CALLBACK = "https://app.test/callback";
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-login");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    TestHttp admin() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /** A tenant with an API, a SPA client and the user alice, with the given session timeouts (seconds). */
    String setUpTenant(String tenant, long idle, long absolute) {
        TestHttp http = admin();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant,
                "session_idle_timeout", idle, "session_absolute_timeout", absolute)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api." + tenant + ".test",
                "name", "API", "token_lifetime", 3600, "token_lifetime_for_web", 600, "scopes", List.of("read:orders"))).status())
                .isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Web app", "app_type", "spa",
                "callbacks", List.of(CALLBACK), "allowed_logout_urls", List.of("https://app.test/bye"), "id_token_lifetime", 1800));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        Response user = http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", "correct horse battery staple", "roles", List.of("reader")));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return client.text("client_id");
    }

    static String authorizePath(String tenant, String clientId, String extra) {
        return authorizePath(tenant, clientId, "openid read:orders", extra);
    }

    static String authorizePath(String tenant, String clientId, String scope, String extra) {
        return "/t/" + tenant + "/authorize?response_type=code&client_id=" + clientId + "&redirect_uri=" + CALLBACK
                + "&scope=" + scope.replace(" ", "%20") + "&audience=https://api." + tenant + ".test&state=s-1&nonce=n-1"
                + "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256" + extra;
    }

    /** authorize → login form → code. */
    static String login(Browser browser, String tenant, String clientId, String password) {
        return login(browser, tenant, clientId, password, "openid read:orders");
    }

    static String login(Browser browser, String tenant, String clientId, String password, String scope) {
        HttpResponse<String> form = browser.get(authorizePath(tenant, clientId, scope, ""));
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        assertThat(form.body()).contains("<form");
        HttpResponse<String> submitted = browser.post("/t/" + tenant + "/login", Map.of(
                "request", Browser.hidden(form.body(), "request"), "csrf", Browser.hidden(form.body(), "csrf"),
                "username", "Alice", "password", password));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(302);
        Map<String, String> params = Browser.redirectParams(submitted);
        assertThat(params).containsEntry("state", "s-1").containsKey("code");
        return params.get("code");
    }

    Response exchange(String tenant, String clientId, String code, String verifier) {
        return admin().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", clientId, "code", code, "redirect_uri", CALLBACK, "code_verifier", verifier), null, null);
    }

    /** {@code prompt=none}: a code if the session lives, else the error the client gets. */
    Map<String, String> silent(Browser browser, String tenant, String clientId) {
        HttpResponse<String> r = browser.get(authorizePath(tenant, clientId, "&prompt=none"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        return Browser.redirectParams(r);
    }

    @Test
    void codeFlowWithPkceIssuesTokensThatVerifyAndACodeWorksOnce() throws Exception {
        String clientId = setUpTenant("codeflow", 3600, 86400);
        Browser browser = new Browser("http://localhost:" + port);
        String code = login(browser, "codeflow", clientId, "correct horse battery staple");

        Response tokens = exchange("codeflow", clientId, code, VERIFIER);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        String issuer = "http://localhost:" + port + "/t/codeflow";
        JWKSet jwks = JWKSet.parse(admin().get("/t/codeflow/.well-known/jwks.json").body());
        SignedJWT idToken = SignedJWT.parse(tokens.text("id_token"));
        assertThat(idToken.getHeader().getAlgorithm().getName()).as("OpenID Connect's default").isEqualTo("RS256");
        assertThat(idToken.verify(new RSASSAVerifier(jwks.getKeyByKeyId(idToken.getHeader().getKeyID()).toRSAKey()))).isTrue();
        JWTClaimsSet id = idToken.getJWTClaimsSet();
        assertThat(id.getIssuer()).isEqualTo(issuer);
        assertThat(id.getAudience()).containsExactly(clientId);
        assertThat(id.getStringClaim("nonce")).isEqualTo("n-1");
        assertThat(id.getStringClaim("sid")).startsWith("ses_");
        assertThat(id.getLongClaim("auth_time")).isEqualTo(CLOCK.instant().getEpochSecond());
        assertThat(id.getExpirationTime().getTime() - id.getIssueTime().getTime()).isEqualTo(1_800_000);
        assertThat(id.getStringClaim("at_hash")).isEqualTo(atHash(tokens.text("access_token")));

        JWTClaimsSet access = SignedJWT.parse(tokens.text("access_token")).getJWTClaimsSet();
        assertThat(access.getAudience()).containsExactly("https://api.codeflow.test", issuer + "/userinfo");
        // A spa client is a browser flow: the API's token_lifetime_for_web, and expires_in says so.
        assertThat(tokens.json().get("expires_in").asLong()).isEqualTo(600);
        assertThat(access.getSubject()).isEqualTo(id.getSubject());

        Response userinfo = userinfo("codeflow", tokens.text("access_token"));
        assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(200);
        assertThat(userinfo.text("sub")).isEqualTo(id.getSubject());
        assertThat(userinfo.text("preferred_username")).isEqualTo("alice");

        Response reused = exchange("codeflow", clientId, code, VERIFIER);
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.text("error")).isEqualTo("invalid_grant");
        String reuse = jdbc.queryForList("SELECT payload FROM domain_event_entry WHERE payload_type LIKE ?", byte[].class,
                "%AuthorizationCodeReused").stream().map(b -> new String(b, StandardCharsets.UTF_8)).findFirst().orElseThrow();
        assertThat(reuse).contains(access.getJWTID());
        Response revoked = userinfo("codeflow", tokens.text("access_token"));
        assertThat(revoked.status()).as("the first use's access token is revoked").isEqualTo(401);
        assertThat(revoked.header("WWW-Authenticate")).startsWith("Bearer").contains("invalid_token");
    }

    @Test
    void wrongPkceVerifierAndWrongRedirectUriGetInvalidGrant() {
        String clientId = setUpTenant("pkce", 3600, 86400);
        Browser browser = new Browser("http://localhost:" + port);
        String code = login(browser, "pkce", clientId, "correct horse battery staple");

        Response wrongVerifier = exchange("pkce", clientId, code, "W".repeat(43));
        assertThat(wrongVerifier.status()).isEqualTo(400);
        assertThat(wrongVerifier.text("error")).isEqualTo("invalid_grant");
        Response noVerifier = admin().form("/t/pkce/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", clientId, "code", code, "redirect_uri", CALLBACK), null, null);
        assertThat(noVerifier.text("error")).isEqualTo("invalid_request");
        // The right verifier still works: a failed attempt does not burn the code.
        assertThat(exchange("pkce", clientId, code, VERIFIER).status()).isEqualTo(200);
    }

    @Test
    void authorizeRefusesUnregisteredRedirectUrisWithoutRedirectingAndRequiresPkceForPublicClients() {
        String clientId = setUpTenant("strict", 3600, 86400);
        Browser browser = new Browser("http://localhost:" + port);
        HttpResponse<String> evil = browser.get("/t/strict/authorize?response_type=code&client_id=" + clientId
                + "&redirect_uri=https://evil.test/cb&code_challenge=" + CHALLENGE + "&code_challenge_method=S256");
        assertThat(evil.statusCode()).isEqualTo(400);
        assertThat(evil.headers().firstValue("Location")).isEmpty();

        HttpResponse<String> noPkce = browser.get("/t/strict/authorize?response_type=code&client_id=" + clientId
                + "&redirect_uri=" + CALLBACK + "&state=s-2");
        assertThat(Browser.redirectParams(noPkce)).containsEntry("error", "invalid_request").containsEntry("state", "s-2");

        HttpResponse<String> token = browser.get("/t/strict/authorize?response_type=token&client_id=" + clientId
                + "&redirect_uri=" + CALLBACK + "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256");
        assertThat(Browser.redirectParams(token)).containsEntry("error", "unsupported_response_type");
    }

    /** Found by the fuzz harness: such a state, or a long scope quoted in an error, made a redirect too long to write (500). */
    @Test
    void aStateTooLongToSendBackIsRefusedWithAPageAndALongScopeStillGetsItsErrorRedirect() {
        String clientId = setUpTenant("longstate", 3600, 86400);
        Browser browser = new Browser("http://localhost:" + port);
        String state = "\ud83d\ude00".repeat(2_500);
        HttpResponse<String> authorize = browser.post("/t/longstate/authorize", Map.of("response_type", "code",
                "client_id", clientId, "redirect_uri", CALLBACK, "code_challenge", CHALLENGE,
                "code_challenge_method", "S256", "state", state));
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(400);
        assertThat(authorize.headers().firstValue("Location")).isEmpty();
        HttpResponse<String> logout = browser.post("/t/longstate/logout", Map.of("client_id", clientId,
                "post_logout_redirect_uri", "https://app.test/bye", "state", state));
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(400);

        HttpResponse<String> scope = browser.post("/t/longstate/authorize", Map.of("response_type", "code",
                "client_id", clientId, "redirect_uri", CALLBACK, "code_challenge", CHALLENGE,
                "code_challenge_method", "S256", "state", "s-3", "scope", "x".repeat(9_000)));
        assertThat(Browser.redirectParams(scope)).containsEntry("error", "invalid_scope").containsEntry("state", "s-3");
    }

    @Test
    void silentReauthenticationWorksWhileIdleLessThanTheTimeoutAndNotAfter() {
        String clientId = setUpTenant("idle", 3600, 86400);
        Browser browser = new Browser("http://localhost:" + port);
        login(browser, "idle", clientId, "correct horse battery staple");

        CLOCK.advance(Duration.ofMinutes(50));
        Map<String, String> stillIn = silent(browser, "idle", clientId);
        assertThat(stillIn).containsKey("code").containsEntry("state", "s-1");
        assertThat(exchange("idle", clientId, stillIn.get("code"), VERIFIER).status()).isEqualTo(200);

        CLOCK.advance(Duration.ofMinutes(61));
        assertThat(silent(browser, "idle", clientId)).containsEntry("error", "login_required").doesNotContainKey("code");
        assertThat(events("SessionExpired")).anySatisfy(p -> assertThat(p).contains("\"reason\":\"IDLE\""));
    }

    @Test
    void absoluteTimeoutEndsTheSessionEvenWhenItWasActiveAllAlong() {
        String clientId = setUpTenant("absolute", 3600, 3 * 3600);
        Browser browser = new Browser("http://localhost:" + port);
        login(browser, "absolute", clientId, "correct horse battery staple");
        for (int i = 0; i < 3; i++) {
            CLOCK.advance(Duration.ofMinutes(50));
            assertThat(silent(browser, "absolute", clientId)).as("after %d x 50 min", i + 1).containsKey("code");
        }
        CLOCK.advance(Duration.ofMinutes(31));
        assertThat(silent(browser, "absolute", clientId)).containsEntry("error", "login_required");
        assertThat(events("SessionExpired")).anySatisfy(p -> assertThat(p).contains("\"reason\":\"ABSOLUTE\""));
    }

    @Test
    void oneWeekStaySignedInKeepsAUserSignedInAcrossSixDaysOfDailyUse() {
        String clientId = setUpTenant("week", 3 * 86400, 7 * 86400);
        Browser browser = new Browser("http://localhost:" + port);
        login(browser, "week", clientId, "correct horse battery staple");
        for (int day = 1; day <= 6; day++) {
            CLOCK.advance(Duration.ofDays(1));
            assertThat(silent(browser, "week", clientId)).as("day %d", day).containsKey("code");
        }
        CLOCK.advance(Duration.ofDays(1).plusMinutes(1));
        assertThat(silent(browser, "week", clientId)).as("past the seventh day").containsEntry("error", "login_required");
    }

    @Test
    void logoutEndsTheSessionAndOnlyRedirectsToAnAllowedUrl() throws Exception {
        String clientId = setUpTenant("logout", 3600, 86400);
        Browser browser = new Browser("http://localhost:" + port);
        String code = login(browser, "logout", clientId, "correct horse battery staple");
        String idToken = exchange("logout", clientId, code, VERIFIER).text("id_token");

        HttpResponse<String> notAllowed = browser.get("/t/logout/logout?id_token_hint=" + idToken
                + "&post_logout_redirect_uri=https://evil.test/bye");
        assertThat(notAllowed.statusCode()).isEqualTo(400);
        assertThat(silent(browser, "logout", clientId)).as("a refused logout ends nothing").containsKey("code");

        HttpResponse<String> out = browser.get("/t/logout/logout?id_token_hint=" + idToken
                + "&post_logout_redirect_uri=https://app.test/bye&state=bye-1");
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location").orElseThrow()).isEqualTo("https://app.test/bye?state=bye-1");
        assertThat(silent(browser, "logout", clientId)).containsEntry("error", "login_required");
        assertThat(events("SessionRevoked")).anySatisfy(p -> assertThat(p).contains("\"reason\":\"LOGOUT\""));
    }

    @Test
    void failedLoginsAreThrottledPerUserAndAddressAndTheLoginFormIsBoundToItsBrowser() {
        String clientId = setUpTenant("throttle", 3600, 86400);
        Browser browser = new Browser("http://localhost:" + port);
        HttpResponse<String> form = browser.get(authorizePath("throttle", clientId, ""));
        String request = Browser.hidden(form.body(), "request");
        String csrf = Browser.hidden(form.body(), "csrf");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = browser.post("/t/throttle/login", Map.of("request", request, "csrf", csrf,
                    "username", "alice", "password", "wrong " + i));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("Wrong username or password");
        }
        HttpResponse<String> blocked = browser.post("/t/throttle/login", Map.of("request", request, "csrf", csrf,
                "username", "alice", "password", "correct horse battery staple"));
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.headers().firstValue("Retry-After")).hasValue("900");
        assertThat(blocked.body()).contains("Too many failed attempts. Try again in 15 minutes.");

        Browser other = new Browser("http://localhost:" + port);
        HttpResponse<String> forged = other.post("/t/throttle/login", Map.of("request", request, "csrf", csrf,
                "username", "alice", "password", "correct horse battery staple"));
        assertThat(forged.statusCode()).as("a form posted from another browser").isEqualTo(403);

        CLOCK.advance(Duration.ofMinutes(16));
        HttpResponse<String> stale = browser.post("/t/throttle/login", Map.of("request", request, "csrf", csrf,
                "username", "alice", "password", "correct horse battery staple"));
        assertThat(stale.statusCode()).as("a login form lives ten minutes").isEqualTo(403);
        assertThat(login(browser, "throttle", clientId, "correct horse battery staple"))
                .as("the failures left the window: a fresh login succeeds").isNotBlank();
    }

    /**
     * Issue 15's targeted lock-out: five wrong passwords from anywhere used to refuse the real user for fifteen
     * minutes. Now they refuse that user only at the guesser's address, on the login page and the password grant
     * alike; the user signs in from their own. (127.0.0.0/8 is all this machine's: two addresses, two places.)
     */
    @Test
    void wrongPasswordsFromOneAddressDoNotLockTheUserOutAtAnother() {
        String clientId = setUpTenant("lockout", 3600, 86400);
        Response legacy = admin().admin("POST", "/admin/tenants/lockout/clients", Map.of("name", "legacy",
                "app_type", "regular_web", "grant_types", List.of("password")));
        String base = "http://127.0.0.1:" + port;
        Browser guesser = new Browser(base, TestHttp.loopback("127.0.0.31"));
        HttpResponse<String> form = guesser.get(authorizePath("lockout", clientId, ""));
        Map<String, String> post = new java.util.HashMap<>(Map.of("request", Browser.hidden(form.body(), "request"),
                "csrf", Browser.hidden(form.body(), "csrf"), "username", "alice"));
        for (int i = 0; i < 5; i++) {
            post.put("password", "guess " + i);
            assertThat(guesser.post("/t/lockout/login", post).statusCode()).isEqualTo(401);
        }
        post.put("password", "correct horse battery staple");
        HttpResponse<String> guesserWaits = guesser.post("/t/lockout/login", post);
        assertThat(guesserWaits.statusCode()).as("the guesser's address waits, even with the right password").isEqualTo(429);
        assertThat(guesserWaits.headers().firstValue("Retry-After")).hasValue("900");
        Map<String, String> grant = TestHttp.params("grant_type", "password", "username", "alice",
                "password", "correct horse battery staple");
        Response guesserGrant = new TestHttp(base, null, TestHttp.loopback("127.0.0.31"))
                .form("/t/lockout/oauth/token", grant, legacy.text("client_id"), legacy.text("client_secret"));
        assertThat(guesserGrant.status()).isEqualTo(429);
        assertThat(guesserGrant.text("error")).isEqualTo("slow_down");
        assertThat(guesserGrant.header("Retry-After")).isEqualTo("900");

        Browser user = new Browser(base, TestHttp.loopback("127.0.0.32"));
        assertThat(login(user, "lockout", clientId, "correct horse battery staple"))
                .as("the user signs in on the login page from their own address").isNotBlank();
        Response userGrant = new TestHttp(base, null, TestHttp.loopback("127.0.0.33"))
                .form("/t/lockout/oauth/token", grant, legacy.text("client_id"), legacy.text("client_secret"));
        assertThat(userGrant.status()).as("and with the password grant from another: " + userGrant).isEqualTo(200);

        CLOCK.advance(Duration.ofMinutes(15));
        Response later = new TestHttp(base, null, TestHttp.loopback("127.0.0.31"))
                .form("/t/lockout/oauth/token", grant, legacy.text("client_id"), legacy.text("client_secret"));
        assertThat(later.status()).as("the guesses have left the window: " + later).isEqualTo(200);
    }

    @Test
    void passwordGrantOnlyForClientsThatEnableIt() {
        setUpTenant("ropc", 3600, 86400);
        TestHttp http = admin();
        Response enabled = http.admin("POST", "/admin/tenants/ropc/clients", Map.of("name", "legacy", "app_type", "regular_web",
                "grant_types", List.of("password")));
        Response disabled = http.admin("POST", "/admin/tenants/ropc/clients", Map.of("name", "web", "app_type", "regular_web"));
        Map<String, String> form = TestHttp.params("grant_type", "password", "username", "alice",
                "password", "correct horse battery staple", "audience", "https://api.ropc.test", "scope", "openid");

        Response ok = http.form("/t/ropc/oauth/token", form, enabled.text("client_id"), enabled.text("client_secret"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.text("id_token")).isNotBlank();
        assertThat(ok.json().get("expires_in").asLong()).isEqualTo(3600);
        Response refused = http.form("/t/ropc/oauth/token", form, disabled.text("client_id"), disabled.text("client_secret"));
        assertThat(refused.text("error")).isEqualTo("unauthorized_client");
        Map<String, String> wrong = TestHttp.params("grant_type", "password", "username", "alice", "password", "nope");
        assertThat(http.form("/t/ropc/oauth/token", wrong, enabled.text("client_id"), enabled.text("client_secret"))
                .text("error")).isEqualTo("invalid_grant");
    }

    @Test
    void administratorSeesAndEndsAUsersSessions() {
        String clientId = setUpTenant("admsessions", 3600, 86400);
        Browser browser = new Browser("http://localhost:" + port);
        login(browser, "admsessions", clientId, "correct horse battery staple");
        String userId = admin().admin("GET", "/admin/tenants/admsessions/users?username=alice", null).json().get(0)
                .get("user_id").asString();

        Response sessions = admin().admin("GET", "/admin/tenants/admsessions/users/" + userId + "/sessions", null);
        assertThat(sessions.status()).as(sessions.toString()).isEqualTo(200);
        assertThat(sessions.json().size()).isEqualTo(1);
        assertThat(admin().admin("DELETE", "/admin/tenants/admsessions/users/" + userId + "/sessions", null).status()).isEqualTo(204);
        assertThat(silent(browser, "admsessions", clientId)).containsEntry("error", "login_required");
    }

    Response userinfo(String tenant, String accessToken) {
        return new TestHttp("http://localhost:" + port, accessToken).admin("GET", "/t/" + tenant + "/userinfo", null);
    }

    List<String> events(String type) {
        return jdbc.queryForList("SELECT payload FROM domain_event_entry WHERE payload_type LIKE ?", byte[].class, "%" + type)
                .stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    static String atHash(String accessToken) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(d, 16));
    }
}
