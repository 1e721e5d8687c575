package dev.tally.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.tally.console.session.ConsoleSessions;
import dev.tally.testsupport.Await;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The console on a real server (the three services on H2, real HTTP) in headless Chromium: sign-in, a refresh token
 * family's timeline after real rotations, time travel to before the second rotation, a real token's lifetime
 * decision, explain, projection status, escaping of a hostile username, sign-out; a tenant's administrator kept to
 * its tenant; and over plain HTTP the CSRF refusals, the cookies and headers, and the 4xx pages for bad input.
 * One screenshot per page under target/console-screenshots.
 */
@SpringBootTest(classes = ConsoleTestServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ConsoleTestServer.Clocks.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ConsoleInChromiumTest {
    static final String ADMIN = "console-test-admin-token-3f9c1e";
    static final String MANAGEMENT = "urn:tally:management";
    static final String HOSTILE = "<script>alert(1)</script>";
    static final String PASSWORD = "correct horse battery staple";
    static final MutableClock CLOCK = ConsoleTestServer.CLOCK;
    static final String CALLBACK = "https://shop.test/callback";
    /** RFC 7636's example pair. */
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        ConsoleTestServer.properties(registry, "tally-console", ADMIN);
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsoleSessions consoleSessions;

    ChromeDriver browser;
    Fixture f;

    /** What the tests look at: two tenants, a family rotated twice, the instants around the rotations, a real jti. */
    record Fixture(String a, String b, String api, String clientId, String userId, String familyId, Instant firstRotation,
                   Instant secondRotation, String jti, long accessLifetime, String managementToken, String opsId,
                   String opsSecret, String sessionId) {
    }

    String base() {
        return "http://localhost:" + port;
    }

    TestHttp admin() {
        return new TestHttp(base(), ADMIN);
    }

    @BeforeAll
    void setUp() throws Exception {
        browser = Chromium.start();
        f = fixture();
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void freshBrowserSession() {
        browser.get(base() + "/console/sign-in");
        browser.manage().deleteAllCookies();
    }

    Fixture fixture() throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        String a = "orders-" + suffix;
        String b = "other-" + suffix;
        String api = "https://api." + a + ".test";
        TestHttp http = admin();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", a, "name", "Orders <b>Inc</b>")).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", b, "name", "Other")).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + a + "/apis", Map.of("identifier", api, "name", "Orders API",
                "token_lifetime", 600, "scopes", List.of("read:orders"), "allow_offline_access", true)).status()).isEqualTo(201);
        Response app = http.admin("POST", "/admin/tenants/" + a + "/clients", Map.of("name", "Web shop",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token", "authorization_code"),
                "callbacks", List.of(CALLBACK), "refresh_token", Map.of("rotation", "rotate")));
        assertThat(app.status()).as(app.toString()).isEqualTo(201);
        String clientId = app.text("client_id");
        String secret = app.text("client_secret");
        Response user = http.admin("POST", "/admin/tenants/" + a + "/users", Map.of("username", HOSTILE, "password", PASSWORD));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        String userId = user.text("user_id");

        Response started = http.form("/t/" + a + "/oauth/token", TestHttp.params("grant_type", "password",
                "username", HOSTILE, "password", PASSWORD, "scope", "offline_access read:orders", "audience", api),
                clientId, secret);
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(10));
        Instant firstRotation = CLOCK.instant();
        Response rotated = http.form("/t/" + a + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "refresh_token", started.text("refresh_token")), clientId, secret);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(10));
        Instant secondRotation = CLOCK.instant();
        Response again = http.form("/t/" + a + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "refresh_token", rotated.text("refresh_token")), clientId, secret);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        var claims = SignedJWT.parse(again.text("access_token")).getJWTClaimsSet();
        String familyId = claims.getStringClaim("fid");
        assertThat(familyId).as("a refreshed token names its family").isNotBlank();

        String sessionId = loginSession(a, api, clientId, secret);

        Response ops = http.admin("POST", "/admin/tenants/" + a + "/clients", Map.of("name", "ops",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials")));
        assertThat(http.admin("PATCH", "/admin/tenants/" + a + "/clients/" + ops.text("client_id"),
                Map.of("management_scopes", List.of("tenant:admin"))).status()).isEqualTo(200);
        Response management = http.form("/t/" + a + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", MANAGEMENT), ops.text("client_id"), ops.text("client_secret"));
        assertThat(management.status()).as(management.toString()).isEqualTo(200);

        // the audit is a tracking view: wait until it holds the second rotation's token
        Await.await("the audit records the last token", Duration.ofSeconds(20), () ->
                admin().admin("GET", "/admin/tenants/" + a + "/audit?jti=" + claims.getJWTID(), null)
                        .json().path("events").size() == 1);
        Await.await("the session's view", Duration.ofSeconds(20), () ->
                admin().admin("GET", "/admin/tenants/" + a + "/sessions/" + sessionId, null).status() == 200);
        return new Fixture(a, b, api, clientId, userId, familyId, firstRotation, secondRotation, claims.getJWTID(),
                again.json().path("expires_in").asLong(), management.text("access_token"), ops.text("client_id"),
                ops.text("client_secret"), sessionId);
    }

    /** The authorization code flow with PKCE through the login page: a login session; answers its id. */
    String loginSession(String tenant, String api, String clientId, String secret) throws Exception {
        Browser login = new Browser(base());
        HttpResponse<String> form = login.get("/t/" + tenant + "/authorize?response_type=code&client_id=" + clientId
                + "&redirect_uri=" + CALLBACK + "&scope=openid%20read:orders&audience=" + api + "&state=s-1&nonce=n-1"
                + "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256");
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        HttpResponse<String> submitted = login.post("/t/" + tenant + "/login", Map.of("request",
                Browser.hidden(form.body(), "request"), "csrf", Browser.hidden(form.body(), "csrf"),
                "username", HOSTILE, "password", PASSWORD));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(302);
        Response tokens = admin().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "code", Browser.redirectParams(submitted).get("code"), "redirect_uri", CALLBACK, "code_verifier", VERIFIER),
                clientId, secret);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        String sid = SignedJWT.parse(tokens.text("id_token")).getJWTClaimsSet().getStringClaim("sid");
        assertThat(sid).as("the ID token names its login session").isNotBlank();
        return sid;
    }

    void signIn(String credential) {
        browser.get(base() + "/console");
        assertThat(browser.getCurrentUrl()).as("an anonymous visit goes to sign-in").endsWith("/console/sign-in");
        browser.findElement(By.id("credential")).sendKeys(credential);
        follow(By.id("sign-in"));
        assertThat(browser.getCurrentUrl()).as(() -> "signed in, not: " + browser.findElement(By.tagName("main")).getText())
                .doesNotEndWith("/sign-in");
    }

    /**
     * Clicks what leads to another page and waits (polling, up to 10 s) until the browser shows a new, loaded
     * document: a click returns once the click is dispatched, not when the next page, after the console's 303s, has
     * loaded. The old document is marked before the click and the new one does not carry the mark. (Waiting for the
     * old page's element to go stale broke with Chrome 156: its driver reports a node from a replaced document as an
     * "unknown error", not as a stale element.)
     */
    void follow(By what) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("window.tallyOldPage = true");
        browser.findElement(what).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(WebDriverException.class).until(d ->
                Boolean.TRUE.equals(js.executeScript(
                        "return window.tallyOldPage !== true && document.readyState === 'complete'")));
    }

    List<WebElement> timelineRows() {
        return browser.findElements(By.cssSelector("table.timeline tbody tr"));
    }

    long rowsOfType(String type) {
        return browser.findElements(By.cssSelector("table.timeline tbody tr .type")).stream()
                .filter(e -> e.getText().equals(type)).count();
    }

    String field(String name) {
        return browser.findElements(By.cssSelector("table.fields tr")).stream()
                .filter(r -> r.findElement(By.tagName("th")).getText().equals(name))
                .map(r -> r.findElement(By.tagName("td")).getText()).findFirst()
                .orElseThrow(() -> new AssertionError("no field " + name + " on " + browser.getCurrentUrl()));
    }

    @Test
    void thePlatformAdministratorFollowsAFamilyBackInTimeAndToATokensDecision() {
        Chromium.screenshot(browser, "01-sign-in");
        signIn(ADMIN);
        assertThat(browser.getCurrentUrl()).endsWith("/console");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Tenants");
        assertThat(browser.findElement(By.cssSelector("table.tenants")).getText())
                .as("the tenant's name is shown as text").contains("Orders <b>Inc</b>");
        Chromium.screenshot(browser, "02-tenants");

        follow(By.linkText(f.a()));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Tenant " + f.a());
        assertThat(browser.findElements(By.cssSelector("table.apis tbody tr"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("table.clients tbody tr"))).as("the web shop and ops").hasSize(2);
        assertThat(browser.findElements(By.cssSelector("table.families tbody tr"))).hasSize(1);
        Chromium.screenshot(browser, "03-tenant-home");

        // the family now: every audited event, two rotations
        JsonNode history = admin().admin("GET", "/admin/tenants/" + f.a() + "/refresh-token-families/" + f.familyId()
                + "/history", null).json().path("events");
        follow(By.linkText(f.familyId()));
        assertThat(timelineRows()).hasSize(history.size());
        assertThat(rowsOfType("TokenRotated")).isEqualTo(2);
        String generationNow = field("generation");
        assertThat(field("status")).isEqualTo("active");
        Chromium.screenshot(browser, "04-family-now");
        Chromium.phoneScreenshot(browser, "04-family-now-phone");

        // time travel to between the two rotations: the state then, and only the events up to then
        Instant between = f.firstRotation().plusSeconds(5);
        browser.findElement(By.id("as_of")).sendKeys(between.toString());
        follow(By.id("travel"));
        assertThat(browser.getCurrentUrl()).contains("as_of=");
        assertThat(browser.findElements(By.tagName("h2")).get(0).getText()).isEqualTo("State as of " + between);
        JsonNode then = admin().admin("GET", "/admin/tenants/" + f.a() + "/refresh-token-families/" + f.familyId()
                + "?at=" + between, null).json();
        assertThat(field("generation")).isEqualTo(then.path("generation").asString())
                .isNotEqualTo(generationNow);
        assertThat(Long.parseLong(field("generation"))).isEqualTo(Long.parseLong(generationNow) - 1);
        assertThat(rowsOfType("TokenRotated")).as("only the first rotation had happened").isEqualTo(1);
        long eventsThen = java.util.stream.StreamSupport.stream(history.spliterator(), false)
                .filter(e -> !Instant.parse(e.path("occurred_at").asString()).isAfter(between)).count();
        assertThat(timelineRows()).hasSize((int) eventsThen).hasSizeLessThan(history.size());
        Chromium.screenshot(browser, "05-family-as-of-between-rotations");

        // a login session's timeline, opened by its id from the tenant's page
        follow(By.linkText("Tenant " + f.a()));
        new Select(browser.findElement(By.id("kind"))).selectByValue("sessions");
        browser.findElement(By.id("id")).sendKeys(f.sessionId());
        follow(By.id("open"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Login session " + f.sessionId());
        assertThat(field("status")).isEqualTo("active");
        assertThat(field("user_id")).isEqualTo(f.userId());
        JsonNode sessionHistory = admin().admin("GET", "/admin/tenants/" + f.a() + "/sessions/" + f.sessionId()
                + "/history", null).json().path("events");
        assertThat(timelineRows()).hasSize(sessionHistory.size());
        assertThat(rowsOfType("SessionStarted")).isEqualTo(1);
        Chromium.screenshot(browser, "05b-session");

        // the token of the second rotation: its lifetime decision and trace, from its issuance record
        follow(By.linkText("Tenant " + f.a()));
        browser.findElement(By.id("jti")).sendKeys(f.jti());
        follow(By.id("show-token"));
        JsonNode issued = admin().admin("GET", "/admin/tenants/" + f.a() + "/audit?jti=" + f.jti(), null).json()
                .path("events").get(0).path("details");
        assertThat(browser.findElement(By.id("lifetime")).getText()).isEqualTo(f.accessLifetime() + " s (10 min)");
        assertThat(browser.findElement(By.id("decided-by")).getText()).isEqualTo(issued.path("decided_by").asString())
                .isNotBlank();
        assertThat(browser.findElements(By.cssSelector("table.trace tbody tr")))
                .hasSize(issued.path("lifetime_trace").size()).isNotEmpty();
        Chromium.screenshot(browser, "06-token-decision");

        // explain: the same engine, now
        follow(By.linkText("Explain"));
        new Select(browser.findElement(By.id("client_id"))).selectByValue(f.clientId());
        new Select(browser.findElement(By.id("audience"))).selectByValue(f.api());
        new Select(browser.findElement(By.id("grant_type"))).selectByValue("password");
        follow(By.id("explain"));
        JsonNode explained = admin().admin("GET", "/admin/tenants/" + f.a() + "/lifetimes/explain?client_id="
                + f.clientId() + "&grant_type=password&audience=" + URLEncoder.encode(f.api(), StandardCharsets.UTF_8), null).json();
        String access = browser.findElement(By.id("access_token")).getText();
        assertThat(access).contains(explained.path("access_token").path("lifetime").asLong() + " s")
                .contains("600 s (10 min)").contains(explained.path("access_token").path("decided_by").asString());
        assertThat(browser.findElements(By.cssSelector("#access_token table.trace tbody tr")))
                .hasSize(explained.path("access_token").path("trace").size());
        Chromium.screenshot(browser, "07-explain");

        follow(By.linkText("Projections"));
        JsonNode views = admin().admin("GET", "/admin/projections", null).json().path("projections");
        List<WebElement> rows = browser.findElements(By.cssSelector("table.projections tbody tr"));
        assertThat(rows).hasSize(views.size()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(rows.stream().map(WebElement::getText).collect(Collectors.joining("\n"))).contains("audit live");
        Chromium.screenshot(browser, "08-projections");

        // a username that is markup is shown as text: no script element anywhere on the page
        browser.get(base() + "/console/tenants/" + f.a());
        browser.findElement(By.id("username")).sendKeys(HOSTILE);
        follow(By.id("find-user"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("User " + HOSTILE);
        assertThat(browser.findElements(By.tagName("script"))).isEmpty();
        assertThat(browser.getPageSource()).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(timelineRows()).as("the user's events: creation, three token responses and the family's")
                .hasSizeGreaterThanOrEqualTo(history.size());
        Chromium.screenshot(browser, "09-user-escaped");

        int before = consoleSessions.size();
        follow(By.id("sign-out"));
        assertThat(browser.getCurrentUrl()).endsWith("/console/sign-in");
        assertThat(consoleSessions.size()).as("sign-out forgets the session").isEqualTo(before - 1);
        browser.get(base() + "/console/tenants/" + f.a());
        assertThat(browser.getCurrentUrl()).as("signed out: back to sign-in").endsWith("/console/sign-in");
        Chromium.screenshot(browser, "10-signed-out");
    }

    @Test
    void aTenantsAdministratorSignsInAsItsManagementClientAndSeesItsTenantAndNoOther() {
        browser.get(base() + "/console");
        browser.findElement(By.id("tenant")).sendKeys(f.a());
        browser.findElement(By.id("client_id")).sendKeys(f.opsId());
        browser.findElement(By.id("client_secret")).sendKeys(f.opsSecret() + "-wrong");
        follow(By.id("sign-in-client"));
        assertThat(browser.findElement(By.id("error")).getText()).contains("does not accept this client");
        browser.findElement(By.id("tenant")).sendKeys(f.a());
        browser.findElement(By.id("client_id")).sendKeys(f.opsId());
        browser.findElement(By.id("client_secret")).sendKeys(f.opsSecret());
        follow(By.id("sign-in-client"));
        assertThat(browser.getCurrentUrl()).endsWith("/console/tenants/" + f.a());
        assertThat(browser.findElement(By.cssSelector(".who")).getText()).isEqualTo("administrator of tenant " + f.a());
        assertThat(browser.findElements(By.linkText("Projections"))).as("not offered").isEmpty();
        Chromium.screenshot(browser, "11-tenant-administrator-home");

        browser.get(base() + "/console/tenants/" + f.b());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not allowed");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("manages tenant '" + f.a() + "' only");
        Chromium.screenshot(browser, "12-tenant-administrator-refused");
        follow(By.id("sign-out"));
    }

    // ---- plain HTTP: CSRF, cookies, headers, bad input ----

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(String path, String cookies) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (cookies != null) {
            r.header("Cookie", cookies);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String cookies, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookies != null) {
            r.header("Cookie", cookies);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String setCookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + response.headers()));
    }

    static String cookiePair(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertThat(m.find()).as("hidden input " + name).isTrue();
        return m.group(1);
    }

    /** Signs in over HTTP; answers the session cookie pair. */
    String httpSignIn(String credential) throws Exception {
        HttpResponse<String> form = get("/console/sign-in", null);
        String nonce = cookiePair(setCookie(form, "tally_console_sign_in"));
        HttpResponse<String> signedIn = post("/console/sign-in", nonce,
                Map.of("csrf", hidden(form.body(), "csrf"), "credential", credential));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        return cookiePair(setCookie(signedIn, "tally_console"));
    }

    @Test
    void everyPostNeedsItsFormsTokenAndTheCredentialStaysOnTheServer(CapturedOutput output) throws Exception {
        assertThat(post("/console/sign-in", null, Map.of("credential", ADMIN)).statusCode()).as("no token, no cookie")
                .isEqualTo(403);
        HttpResponse<String> form = get("/console/sign-in", null);
        assertThat(form.statusCode()).isEqualTo(200);
        String signInCookie = setCookie(form, "tally_console_sign_in");
        assertThat(signInCookie).contains("Path=/console").contains("HttpOnly").contains("SameSite=Strict")
                .doesNotContain("Secure");
        String nonce = cookiePair(signInCookie);
        String csrf = hidden(form.body(), "csrf");
        assertThat(post("/console/sign-in", nonce, Map.of("credential", ADMIN)).statusCode()).as("no token").isEqualTo(403);
        assertThat(post("/console/sign-in", null, Map.of("csrf", csrf, "credential", ADMIN)).statusCode())
                .as("a token without its cookie").isEqualTo(403);
        assertThat(post("/console/sign-in", nonce, Map.of("csrf", csrf + "x", "credential", ADMIN)).statusCode())
                .as("a wrong token").isEqualTo(403);
        assertThat(post("/console/sign-in", nonce, Map.of("csrf", csrf, "credential", "not-a-credential")).statusCode())
                .as("a credential the API refuses").isEqualTo(401);
        assertThat(consoleSessions.size()).as("nothing stored before sign-in").isZero();

        HttpResponse<String> signedIn = post("/console/sign-in", nonce, Map.of("csrf", csrf, "credential", ADMIN));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/console");
        String sessionCookie = setCookie(signedIn, "tally_console");
        assertThat(sessionCookie).contains("Path=/console").contains("HttpOnly").contains("SameSite=Strict")
                .doesNotContain(ADMIN).doesNotContain("Max-Age");
        String session = cookiePair(sessionCookie);

        HttpResponse<String> tenants = get("/console", session);
        assertThat(tenants.statusCode()).isEqualTo(200);
        assertThat(tenants.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(tenants.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(tenants.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(tenants.body()).contains("<meta name=\"viewport\"").doesNotContain(ADMIN).doesNotContain("<script");

        assertThat(post("/console/sign-out", session, Map.of()).statusCode()).as("sign-out without the token")
                .isEqualTo(403);
        assertThat(post("/console/sign-out", session, Map.of("csrf", csrf)).statusCode())
                .as("the sign-in form's token is not the session's").isEqualTo(403);
        assertThat(get("/console", session).statusCode()).as("still signed in").isEqualTo(200);
        HttpResponse<String> out = post("/console/sign-out", session, Map.of("csrf", hidden(tenants.body(), "csrf")));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(setCookie(out, "tally_console")).contains("Max-Age=0");
        HttpResponse<String> after = get("/console", session);
        assertThat(after.statusCode()).as("the old cookie opens nothing").isEqualTo(303);
        assertThat(after.headers().firstValue("Location")).hasValue("/console/sign-in");

        String tenantSession = httpSignIn(f.managementToken());
        assertThat(get("/console", tenantSession).headers().firstValue("Location")).hasValue("/console/tenants/" + f.a());
        assertThat(get("/console/tenants/" + f.b(), tenantSession).statusCode()).isEqualTo(403);
        assertThat(get("/console/tenants/" + f.b() + "/families/" + f.familyId(), tenantSession).statusCode()).isEqualTo(403);
        assertThat(get("/console/projections", tenantSession).statusCode()).isEqualTo(403);
        assertThat(get("/console/tenants/" + f.a() + "/families/" + f.familyId(), tenantSession).statusCode()).isEqualTo(200);

        HttpResponse<String> clientForm = get("/console/sign-in", null);
        HttpResponse<String> asClient = post("/console/sign-in", cookiePair(setCookie(clientForm, "tally_console_sign_in")),
                Map.of("csrf", hidden(clientForm.body(), "csrf"), "tenant", f.a(), "client_id", f.opsId(),
                        "client_secret", f.opsSecret()));
        assertThat(asClient.statusCode()).as("a management client's id and secret").isEqualTo(303);
        assertThat(get("/console", cookiePair(setCookie(asClient, "tally_console"))).headers().firstValue("Location"))
                .hasValue("/console/tenants/" + f.a());

        assertThat(output.getAll()).doesNotContain(ADMIN).doesNotContain(f.managementToken()).doesNotContain(f.opsSecret());
    }

    @Test
    void badInputGivesAClearPageWithAFourHundredStatus() throws Exception {
        String session = httpSignIn(ADMIN);
        String a = "/console/tenants/" + f.a();
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("/console/tenants/no-such-tenant", 404);
        expected.put(a + "/tokens?jti=" + URLEncoder.encode("not a <jti>", StandardCharsets.UTF_8), 400);
        expected.put(a + "/tokens?jti=no-such-jti", 404);
        expected.put(a + "/families/" + f.familyId() + "?as_of=yesterday", 400);
        expected.put(a + "/families/" + f.familyId() + "?as_of=99999-01-01T00:00:00Z", 400);
        expected.put(a + "/families/" + f.familyId() + "?as_of=1999-01-01T00:00:00Z", 404);
        expected.put(a + "/families/no-such-family", 404);
        expected.put(a + "/sessions/no-such-session", 404);
        expected.put(a + "/users/no-such-user", 404);
        expected.put(a + "/users/" + f.userId() + "?as_of=2026-13-01T00:00:00", 400);
        expected.put(a + "/explain?client_id=no-such-client", 404);
        expected.put(a + "/explain?client_id=" + f.clientId() + "&audience=https://unknown.test", 400);
        expected.put(a + "/find?kind=families&id=" + URLEncoder.encode("a/b", StandardCharsets.UTF_8), 400);
        expected.put(a + "/find?kind=secrets&id=x", 400);
        expected.put(a + "/users?username=nobody", 404);
        expected.put("/console/tenants/" + URLEncoder.encode("<x>", StandardCharsets.UTF_8), 400);
        expected.put(a + "/users/" + f.userId() + "?as_of=" + f.firstRotation().minusSeconds(3600), 200);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            HttpResponse<String> r = get(e.getKey(), session);
            assertThat(r.statusCode()).as(e.getKey() + " → " + r.body()).isEqualTo(e.getValue());
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).as(e.getKey()).startsWith("text/html");
            assertThat(r.body()).as(e.getKey()).contains("<h1>").doesNotContain("<x>").doesNotContain("<jti>");
        }
        assertThat(get(a + "/users/" + f.userId() + "?as_of=" + f.firstRotation().minusSeconds(3600), session).body())
                .as("an hour before the user existed: no event").contains("<table class=\"fields\">")
                .doesNotContain("<table class=\"timeline\">");
    }
}
