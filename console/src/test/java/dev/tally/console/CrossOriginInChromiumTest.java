package dev.tally.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A single-page application on its own origin ({@code http://127.0.0.1:<port>}, served here) calling Tally (on
 * {@code http://localhost:<port>}) from headless Chromium with {@code fetch}, so the browser itself enforces CORS:
 * the page exchanges its code, refreshes, reads userinfo with a bearer header (which the browser preflights) and
 * discovery, and reads a refusal; a page of that origin cannot read what Tally answers to a client whose callbacks are
 * elsewhere.
 */
@SpringBootTest(classes = ConsoleTestServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ConsoleTestServer.Clocks.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossOriginInChromiumTest {
    static final String ADMIN = "cross-origin-chromium-admin-token";
    static final String PASSWORD = "correct horse battery staple";
    static final String VERIFIER = ConsoleInChromiumTest.VERIFIER;
    static final String CHALLENGE = ConsoleInChromiumTest.CHALLENGE;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        ConsoleTestServer.properties(registry, "tally-cross-origin-chromium", ADMIN);
    }

    @LocalServerPort
    int port;

    ChromeDriver browser;
    HttpServer app;

    String tally() {
        return "http://localhost:" + port;
    }

    String appOrigin() {
        return "http://127.0.0.1:" + app.getAddress().getPort();
    }

    @BeforeAll
    void start() throws Exception {
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/", exchange -> {
            byte[] page = "<!doctype html><title>app</title><p>app".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        app.start();
        browser = Chromium.start();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.stop(0);
        }
    }

    /** Runs {@code fetch(url, init)} in the page and answers what the page could read: status and body, or the error. */
    String fetch(String url, String init) {
        Object result = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], JSON.parse(arguments[1]))
                  .then(r => r.text().then(body => done(JSON.stringify({status: r.status, body: body}))))
                  .catch(e => done(JSON.stringify({blocked: String(e)})));
                """, url, init);
        return (String) result;
    }

    static String form(Map<String, String> params) {
        return "{\"method\":\"POST\",\"headers\":{\"Content-Type\":\"application/x-www-form-urlencoded\"},\"body\":"
                + quoted(Browser.encode(params)) + "}";
    }

    static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void aSpaOnItsOwnOriginSignsInRefreshesAndReadsUserinfoInChromium() throws Exception {
        TestHttp http = new TestHttp(tally(), ADMIN);
        String tenant = "cors-chromium";
        String api = "https://api.cors-chromium.test";
        String callback = appOrigin() + "/callback";
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", api, "name", "API",
                "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true)).status())
                .isEqualTo(201);
        Response spa = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Web app",
                "app_type", "spa", "callbacks", List.of(callback), "grant_types", List.of("authorization_code", "refresh_token"),
                "refresh_token", Map.of("rotation", "rotate", "token_lifetime", 7200)));
        assertThat(spa.status()).as(spa.toString()).isEqualTo(201);
        Response elsewhere = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Elsewhere",
                "app_type", "spa", "callbacks", List.of("https://elsewhere.test/callback"),
                "grant_types", List.of("authorization_code", "refresh_token")));
        assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", PASSWORD)).status()).isEqualTo(201);
        String clientId = spa.text("client_id");

        // the login page is a navigation (cookies, redirects): done here; the page then gets the code
        Browser login = new Browser(tally());
        HttpResponse<String> page = login.get("/t/" + tenant + "/authorize?response_type=code&client_id=" + clientId
                + "&redirect_uri=" + callback + "&scope=openid%20offline_access%20read:orders&audience=" + api
                + "&state=s-1&nonce=n-1&code_challenge=" + CHALLENGE + "&code_challenge_method=S256");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        HttpResponse<String> submitted = login.post("/t/" + tenant + "/login", Map.of("request",
                Browser.hidden(page.body(), "request"), "csrf", Browser.hidden(page.body(), "csrf"),
                "username", "alice", "password", PASSWORD));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(302);
        String code = Browser.redirectParams(submitted).get("code");

        browser.get(appOrigin() + "/app");
        String token = tally() + "/t/" + tenant + "/oauth/token";

        JsonNode exchanged = TestHttp.parse(fetch(token, form(Map.of("grant_type", "authorization_code",
                "client_id", clientId, "code", code, "redirect_uri", callback, "code_verifier", VERIFIER))));
        assertThat(exchanged.path("status").asInt()).as(exchanged.toString()).isEqualTo(200);
        JsonNode tokens = TestHttp.parse(exchanged.path("body").asString());

        JsonNode refreshed = TestHttp.parse(fetch(token, form(Map.of("grant_type", "refresh_token",
                "client_id", clientId, "refresh_token", tokens.path("refresh_token").asString()))));
        assertThat(refreshed.path("status").asInt()).as(refreshed.toString()).isEqualTo(200);
        String access = TestHttp.parse(refreshed.path("body").asString()).path("access_token").asString();

        JsonNode userinfo = TestHttp.parse(fetch(tally() + "/t/" + tenant + "/userinfo",
                "{\"headers\":{\"Authorization\":" + quoted("Bearer " + access) + "}}"));
        assertThat(userinfo.path("status").asInt()).as(userinfo.toString()).isEqualTo(200);
        assertThat(TestHttp.parse(userinfo.path("body").asString()).path("sub").asString()).isNotBlank();

        JsonNode discovery = TestHttp.parse(fetch(tally() + "/t/" + tenant + "/.well-known/openid-configuration", "{}"));
        assertThat(discovery.path("status").asInt()).as(discovery.toString()).isEqualTo(200);

        // a refusal is readable too, so the page can tell a refused token from a network failure
        JsonNode refused = TestHttp.parse(fetch(token, form(Map.of("grant_type", "refresh_token",
                "client_id", clientId, "refresh_token", "not-a-refresh-token"))));
        assertThat(refused.path("status").asInt()).as(refused.toString()).isEqualTo(400);
        assertThat(TestHttp.parse(refused.path("body").asString()).path("error").asString()).isEqualTo("invalid_grant");

        // the same request for a client whose callbacks are on another origin: Chromium hides the answer
        JsonNode hidden = TestHttp.parse(fetch(token, form(Map.of("grant_type", "refresh_token",
                "client_id", elsewhere.text("client_id"), "refresh_token", "not-a-refresh-token"))));
        assertThat(hidden.has("blocked")).as(hidden.toString()).isTrue();
        assertThat(hidden.has("status")).isFalse();
    }
}
