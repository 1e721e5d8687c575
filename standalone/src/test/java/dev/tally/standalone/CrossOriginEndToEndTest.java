package dev.tally.standalone;

import static dev.tally.standalone.LoginFlowEndToEndTest.CALLBACK;
import static dev.tally.standalone.LoginFlowEndToEndTest.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.Browser;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * CORS at the endpoints a browser application calls (token, revocation, userinfo, discovery, keys), over real HTTP
 * on the standalone server, as a browser sends it: an {@code Origin} header on the request, and a preflight
 * ({@code OPTIONS} with {@code Access-Control-Request-Method}) before a request with an {@code Authorization} header.
 * A single-page application on {@code https://app.test} (its callback's origin) signs in with the code flow,
 * refreshes, reads userinfo and revokes; another tenant's and another client's origins read nothing.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CrossOriginEndToEndTest {
    static final String ADMIN = "cross-origin-admin-token";
    static final String PASSWORD = "correct horse battery staple";
    static final String APP = "https://app.test";
    static final String OTHER_APP = "https://other.test:8443";
    static final AtomicInteger TENANTS = new AtomicInteger();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-cross-origin");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;

    record Setup(String tenant, String spa, String otherSpa, String machine, String machineSecret) {
    }

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /**
     * A tenant with an API that allows offline access, the SPA (callback on {@code https://app.test}), a second SPA
     * on {@code https://other.test:8443}, a machine client without callbacks, and the user alice.
     */
    Setup setUp() {
        String tenant = "cors-" + TENANTS.incrementAndGet();
        TestHttp http = http();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api." + tenant + ".test",
                "name", "API", "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true))
                .status()).isEqualTo(201);
        Response spa = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Web app",
                "app_type", "spa", "callbacks", List.of(CALLBACK, "com.example.app:/callback"),
                "grant_types", List.of("authorization_code", "refresh_token"),
                "refresh_token", Map.of("rotation", "rotate", "token_lifetime", 7200)));
        assertThat(spa.status()).as(spa.toString()).isEqualTo(201);
        Response other = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Other app",
                "app_type", "spa", "callbacks", List.of(OTHER_APP + "/cb"),
                "grant_types", List.of("authorization_code", "refresh_token")));
        assertThat(other.status()).as(other.toString()).isEqualTo(201);
        Response machine = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Machine",
                "app_type", "non_interactive"));
        assertThat(machine.status()).as(machine.toString()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", PASSWORD)).status()).isEqualTo(201);
        return new Setup(tenant, spa.text("client_id"), other.text("client_id"), machine.text("client_id"),
                machine.text("client_secret"));
    }

    HttpResponse<String> send(String method, String path, String origin, Map<String, String> headers, String form)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (origin != null) {
            request.header("Origin", origin);
        }
        headers.forEach(request::header);
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        request.method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String origin, Map<String, String> form) throws Exception {
        return send("POST", path, origin, Map.of(), Browser.encode(form));
    }

    HttpResponse<String> preflight(String path, String origin, String method, String headers) throws Exception {
        return send("OPTIONS", path, origin, headers == null ? Map.of("Access-Control-Request-Method", method)
                : Map.of("Access-Control-Request-Method", method, "Access-Control-Request-Headers", headers), null);
    }

    static String allowOrigin(HttpResponse<?> response) {
        return response.headers().firstValue("Access-Control-Allow-Origin").orElse(null);
    }

    static JsonNode json(HttpResponse<String> response) {
        return TestHttp.parse(response.body());
    }

    HttpResponse<String> exchange(Setup s, String origin) throws Exception {
        String code = LoginFlowEndToEndTest.login(new Browser("http://localhost:" + port), s.tenant(), s.spa(), PASSWORD,
                "openid offline_access read:orders");
        return post("/t/" + s.tenant() + "/oauth/token", origin, Map.of("grant_type", "authorization_code",
                "client_id", s.spa(), "code", code, "redirect_uri", CALLBACK, "code_verifier", VERIFIER));
    }

    @Test
    void theSpaSignsInRefreshesReadsUserinfoAndRevokesFromItsOrigin() throws Exception {
        Setup s = setUp();
        String tenant = "/t/" + s.tenant();

        HttpResponse<String> tokens = exchange(s, APP);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        assertThat(allowOrigin(tokens)).isEqualTo(APP);
        assertThat(tokens.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
        assertThat(tokens.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

        HttpResponse<String> refreshed = post(tenant + "/oauth/token", APP, Map.of("grant_type", "refresh_token",
                "client_id", s.spa(), "refresh_token", json(tokens).get("refresh_token").asString()));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(allowOrigin(refreshed)).isEqualTo(APP);
        String access = json(refreshed).get("access_token").asString();

        // userinfo with a bearer header: the browser asks first
        HttpResponse<String> asked = preflight(tenant + "/userinfo", APP, "GET", "authorization");
        assertThat(asked.statusCode()).isEqualTo(204);
        assertThat(allowOrigin(asked)).isEqualTo(APP);
        assertThat(asked.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST");
        assertThat(asked.headers().firstValue("Access-Control-Allow-Headers")).hasValue("authorization");
        assertThat(asked.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        HttpResponse<String> userinfo = send("GET", tenant + "/userinfo", APP, Map.of("Authorization", "Bearer " + access), null);
        assertThat(userinfo.statusCode()).as(userinfo.body()).isEqualTo(200);
        assertThat(allowOrigin(userinfo)).isEqualTo(APP);
        HttpResponse<String> badBearer = send("GET", tenant + "/userinfo", APP, Map.of("Authorization", "Bearer garbage"), null);
        assertThat(badBearer.statusCode()).isEqualTo(401);
        assertThat(allowOrigin(badBearer)).as("the page reads why").isEqualTo(APP);
        assertThat(badBearer.headers().firstValue("Access-Control-Expose-Headers")).hasValue("WWW-Authenticate");

        HttpResponse<String> revoked = post(tenant + "/oauth/revoke", APP, Map.of("client_id", s.spa(),
                "token", json(refreshed).get("refresh_token").asString()));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(allowOrigin(revoked)).isEqualTo(APP);
    }

    /** A refusal at the token endpoint is the page's to read too, so it can tell a spent token from a network error. */
    @Test
    void aRefusalToTheSpaCarriesTheHeaderForItsOrigin() throws Exception {
        Setup s = setUp();
        HttpResponse<String> refused = post("/t/" + s.tenant() + "/oauth/token", APP, Map.of("grant_type", "refresh_token",
                "client_id", s.spa(), "refresh_token", "not-a-refresh-token"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("error").asString()).isEqualTo("invalid_grant");
        assertThat(allowOrigin(refused)).isEqualTo(APP);
    }

    @Test
    void anotherClientsOriginAnotherTenantsOrUnknownOriginsReadNothing() throws Exception {
        Setup s = setUp();
        Setup elsewhere = setUp();
        String tenant = "/t/" + s.tenant();
        Map<String, String> refresh = Map.of("grant_type", "refresh_token", "client_id", s.spa(),
                "refresh_token", "not-a-refresh-token");

        // the other SPA's origin is one of this tenant's, but the request names the first SPA
        HttpResponse<String> otherClients = post(tenant + "/oauth/token", OTHER_APP, refresh);
        assertThat(otherClients.statusCode()).isEqualTo(400);
        assertThat(allowOrigin(otherClients)).isNull();
        // and for the other SPA itself it is allowed
        HttpResponse<String> itsOwn = post(tenant + "/oauth/token", OTHER_APP, Map.of("grant_type", "refresh_token",
                "client_id", s.otherSpa(), "refresh_token", "not-a-refresh-token"));
        assertThat(allowOrigin(itsOwn)).isEqualTo(OTHER_APP);

        for (String origin : List.of("https://evil.test", "http://app.test", "https://app.test:444", "null",
                "https://app.test.evil.test", "https://" + "a".repeat(5000) + ".test", "https://app.test/")) {
            HttpResponse<String> answer = post(tenant + "/oauth/token", origin, refresh);
            assertThat(answer.statusCode()).as(origin).isEqualTo(400);
            assertThat(allowOrigin(answer)).as(origin).isNull();
            HttpResponse<String> asked = preflight(tenant + "/oauth/token", origin, "POST", "content-type");
            assertThat(asked.statusCode()).as(origin).isEqualTo(403);
            assertThat(allowOrigin(asked)).as(origin).isNull();
        }
        // this tenant's SPA origin means nothing to another tenant whose clients do not have it
        HttpResponse<String> otherTenant = preflight("/t/" + elsewhere.tenant() + "/userinfo", "https://unknown.test",
                "GET", "authorization");
        assertThat(otherTenant.statusCode()).isEqualTo(403);
        // a client named by its Basic header: the machine client has no callbacks, so no origin
        String basic = "Basic " + Base64.getEncoder().encodeToString((s.machine() + ":" + s.machineSecret())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> machine = send("POST", tenant + "/oauth/token", APP, Map.of("Authorization", basic),
                Browser.encode(Map.of("grant_type", "client_credentials", "audience", "https://api." + s.tenant() + ".test")));
        assertThat(machine.statusCode()).as(machine.body()).isEqualTo(200);
        assertThat(allowOrigin(machine)).isNull();
        // without an Origin header (not a browser's cross-origin request) no CORS header at all
        HttpResponse<String> plain = post(tenant + "/oauth/token", null, refresh);
        assertThat(plain.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
    }

    @Test
    void aPreflightAsksOnlyForWhatTheEndpointTakes() throws Exception {
        Setup s = setUp();
        String token = "/t/" + s.tenant() + "/oauth/token";

        HttpResponse<String> allowed = preflight(token, APP, "POST", "Content-Type, Authorization");
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowOrigin(allowed)).isEqualTo(APP);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers")).hasValue("content-type, authorization");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

        HttpResponse<String> wrongMethod = preflight(token, APP, "DELETE", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(403);
        assertThat(allowOrigin(wrongMethod)).isNull();
        assertThat(json(wrongMethod).get("error").asString()).isEqualTo("invalid_request");
        HttpResponse<String> customHeader = preflight(token, APP, "POST", "content-type, x-debug");
        assertThat(customHeader.statusCode()).isEqualTo(403);
        assertThat(json(customHeader).get("error_description").asString()).contains("x-debug");

        // introspection is for resource servers, not pages: no CORS there
        HttpResponse<String> introspect = preflight("/t/" + s.tenant() + "/oauth/introspect", APP, "POST", null);
        assertThat(allowOrigin(introspect)).isNull();
    }

    @Test
    void discoveryAndTheKeysArePublicToEveryOrigin() throws Exception {
        Setup s = setUp();
        for (String path : List.of("/t/" + s.tenant() + "/.well-known/openid-configuration",
                "/t/" + s.tenant() + "/.well-known/oauth-authorization-server",
                "/.well-known/openid-configuration/t/" + s.tenant(),
                "/.well-known/oauth-authorization-server/t/" + s.tenant(),
                "/t/" + s.tenant() + "/.well-known/jwks.json")) {
            HttpResponse<String> answer = send("GET", path, "https://anyone.test", Map.of(), null);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(allowOrigin(answer)).as(path).isEqualTo("*");
            HttpResponse<String> asked = preflight(path, "https://anyone.test", "GET", null);
            assertThat(asked.statusCode()).as(path).isEqualTo(204);
            assertThat(allowOrigin(asked)).as(path).isEqualTo("*");
        }
    }

    /** The origins follow the client's callbacks: changed by the management API, they apply to the next request. */
    @Test
    void changingTheCallbacksChangesTheOriginAtOnce() throws Exception {
        Setup s = setUp();
        String token = "/t/" + s.tenant() + "/oauth/token";
        Map<String, String> refresh = Map.of("grant_type", "refresh_token", "client_id", s.spa(),
                "refresh_token", "not-a-refresh-token");
        assertThat(allowOrigin(post(token, APP, refresh))).isEqualTo(APP);

        Response changed = http().admin("PATCH", "/admin/tenants/" + s.tenant() + "/clients/" + s.spa(),
                Map.of("callbacks", List.of("https://new.app.test/callback")));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

        assertThat(allowOrigin(post(token, APP, refresh))).isNull();
        assertThat(allowOrigin(post(token, "https://new.app.test", refresh))).isEqualTo("https://new.app.test");
        assertThat(allowOrigin(post(token, "HTTPS://NEW.APP.TEST", refresh))).as("an origin's case")
                .isEqualTo("HTTPS://NEW.APP.TEST");
    }
}
