package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
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
 * Issue 16 over real HTTP on the standalone server: an API's {@code token_dialect} (the header {@code typ} of its
 * access tokens), RFC 8707 {@code resource} beside {@code audience} at the token and authorize endpoints, the tenant's
 * {@code default_audience}, and the discovery document at the RFC 8414 path-inserted locations.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AudienceAndDialectEndToEndTest {
    static final String ADMIN = "audience-dialect-admin-token";
    static final String CALLBACK = "https://app.test/callback";
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    static final AtomicInteger TENANTS = new AtomicInteger();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-audience-dialect");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    record Client(String id, String secret) {
    }

    String tenant() {
        String tenant = "aud-" + TENANTS.incrementAndGet();
        assertThat(http().admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        return tenant;
    }

    Response api(String tenant, String identifier, Map<String, Object> more) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("identifier", identifier, "name", "API",
                "token_lifetime", 600, "scopes", List.of("read:orders")));
        body.putAll(more);
        return http().admin("POST", "/admin/tenants/" + tenant + "/apis", body);
    }

    Client machine(String tenant) {
        Response client = http().admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Orders service",
                "app_type", "non_interactive"));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        return new Client(client.text("client_id"), client.text("client_secret"));
    }

    Response token(String tenant, Client client, String... params) {
        String[] all = new String[params.length + 2];
        all[0] = "grant_type";
        all[1] = "client_credentials";
        System.arraycopy(params, 0, all, 2, params.length);
        return http().form("/t/" + tenant + "/oauth/token", TestHttp.params(all), client.id(), client.secret());
    }

    /** A form body sent as it is: TestHttp's map cannot repeat a parameter. */
    HttpResponse<String> rawToken(String tenant, Client client, String body) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client.id() + ":" + client.secret()).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/t/" + tenant
                        + "/oauth/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String typ(Response tokenResponse) throws Exception {
        assertThat(tokenResponse.status()).as(tokenResponse.toString()).isEqualTo(200);
        return SignedJWT.parse(tokenResponse.text("access_token")).getHeader().getType().getType();
    }

    static List<String> audience(Response tokenResponse) throws Exception {
        assertThat(tokenResponse.status()).as(tokenResponse.toString()).isEqualTo(200);
        return SignedJWT.parse(tokenResponse.text("access_token")).getJWTClaimsSet().getAudience();
    }

    // --- token_dialect

    @Test
    void tokenDialectDecidesTheAccessTokensTypAndIsShownAndChangeable() throws Exception {
        String tenant = tenant();
        Response plain = api(tenant, "https://legacy.test", Map.of("token_dialect", "access_token"));
        assertThat(plain.status()).as(plain.toString()).isEqualTo(201);
        assertThat(plain.text("token_dialect")).isEqualTo("access_token");
        Response profile = api(tenant, "https://orders.test", Map.of());
        assertThat(profile.text("token_dialect")).as("the default").isEqualTo("rfc9068_profile");
        Client client = machine(tenant);

        Response legacyToken = token(tenant, client, "audience", "https://legacy.test");
        assertThat(typ(legacyToken)).isEqualTo("JWT");
        assertThat(typ(token(tenant, client, "audience", "https://orders.test"))).isEqualTo("at+jwt");
        // the JWT-typed access token is still one of the tenant's access tokens
        Response introspected = http().form("/t/" + tenant + "/oauth/introspect",
                TestHttp.params("token", legacyToken.text("access_token")), client.id(), client.secret());
        assertThat(introspected.json().get("active").asBoolean()).as(introspected.toString()).isTrue();

        String path = "/admin/tenants/" + tenant + "/apis/" + plain.text("id");
        Response changed = http().admin("PATCH", path, Map.of("token_dialect", "rfc9068_profile"));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(http().admin("GET", path, null).text("token_dialect")).isEqualTo("rfc9068_profile");
        assertThat(typ(token(tenant, client, "audience", "https://legacy.test"))).isEqualTo("at+jwt");
    }

    @Test
    void anUnknownTokenDialectIsA400ProblemAndChangesNothing() {
        String tenant = tenant();
        Response refused = api(tenant, "https://orders.test", Map.of("token_dialect", "jwt"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.body()).contains("token_dialect").contains("rfc9068_profile or access_token");
        assertThat(http().admin("GET", "/admin/tenants/" + tenant + "/apis", null).json().size()).isZero();

        Response created = api(tenant, "https://orders.test", Map.of());
        Response patched = http().admin("PATCH", "/admin/tenants/" + tenant + "/apis/" + created.text("id"),
                Map.of("token_dialect", "at+jwt"));
        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.header("Content-Type")).startsWith("application/problem+json");
    }

    // --- resource (RFC 8707)

    @Test
    void resourceAtTheTokenEndpointNamesTheApiAndEveryDisagreementIsInvalidTarget() throws Exception {
        String tenant = tenant();
        api(tenant, "https://orders.test", Map.of());
        api(tenant, "https://billing.test", Map.of());
        Client client = machine(tenant);

        assertThat(audience(token(tenant, client, "resource", "https://orders.test"))).containsExactly("https://orders.test");
        assertThat(audience(token(tenant, client, "audience", "https://orders.test", "resource", "https://orders.test")))
                .containsExactly("https://orders.test");
        assertInvalidTarget(token(tenant, client, "audience", "https://orders.test", "resource", "https://billing.test"));
        assertInvalidTarget(token(tenant, client, "resource", "https://nothing.test"));
        assertInvalidTarget(token(tenant, client, "resource", "orders"));
        assertInvalidTarget(token(tenant, client, "resource", "https://orders.test#x"));

        HttpResponse<String> several = rawToken(tenant, client, "grant_type=client_credentials"
                + "&resource=https%3A%2F%2Forders.test&resource=https%3A%2F%2Fbilling.test");
        assertThat(several.statusCode()).as(several.body()).isEqualTo(400);
        assertThat(TestHttp.parse(several.body()).get("error").asString()).isEqualTo("invalid_target");
        HttpResponse<String> repeated = rawToken(tenant, client, "grant_type=client_credentials"
                + "&resource=https%3A%2F%2Forders.test&resource=https%3A%2F%2Forders.test");
        assertThat(repeated.statusCode()).as("the same resource twice names one: " + repeated.body()).isEqualTo(200);
    }

    @Test
    void resourceAtAuthorizeIsCarriedByTheCodeToTheTokenAndAnUnknownOneIsRedirectedAsInvalidTarget() throws Exception {
        String tenant = tenant();
        api(tenant, "https://orders.test", Map.of());
        Response spa = http().admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Web app",
                "app_type", "spa", "callbacks", List.of(CALLBACK)));
        String clientId = spa.text("client_id");
        assertThat(http().admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", "correct horse battery staple")).status()).isEqualTo(201);
        Browser browser = new Browser("http://localhost:" + port);

        HttpResponse<String> unknown = browser.get(authorize(tenant, clientId, "&resource=https%3A%2F%2Fnothing.test"));
        assertThat(unknown.statusCode()).isEqualTo(302);
        assertThat(Browser.redirectParams(unknown)).containsEntry("error", "invalid_target").containsEntry("state", "s-1");
        HttpResponse<String> several = browser.get(authorize(tenant, clientId,
                "&resource=https%3A%2F%2Forders.test&resource=https%3A%2F%2Fother.test"));
        assertThat(Browser.redirectParams(several)).containsEntry("error", "invalid_target");

        HttpResponse<String> form = browser.get(authorize(tenant, clientId, "&resource=https%3A%2F%2Forders.test"));
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        HttpResponse<String> submitted = browser.post("/t/" + tenant + "/login", Map.of(
                "request", Browser.hidden(form.body(), "request"), "csrf", Browser.hidden(form.body(), "csrf"),
                "username", "alice", "password", "correct horse battery staple"));
        String code = Browser.redirectParams(submitted).get("code");
        Response tokens = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", clientId, "code", code, "redirect_uri", CALLBACK, "code_verifier", VERIFIER,
                "resource", "https://orders.test"), null, null);

        assertThat(audience(tokens)).containsExactly("https://orders.test", "http://localhost:" + port + "/t/" + tenant + "/userinfo");
        assertThat(SignedJWT.parse(tokens.text("access_token")).getJWTClaimsSet().getStringClaim("scope"))
                .isEqualTo("openid read:orders");
    }

    static String authorize(String tenant, String clientId, String extra) {
        return "/t/" + tenant + "/authorize?response_type=code&client_id=" + clientId + "&redirect_uri=" + CALLBACK
                + "&scope=openid%20read:orders&state=s-1&nonce=n-1&code_challenge=" + CHALLENGE
                + "&code_challenge_method=S256" + extra;
    }

    static void assertInvalidTarget(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.text("error")).isEqualTo("invalid_target");
    }

    // --- default_audience

    @Test
    void defaultAudienceAnswersRequestsThatNameNoneAndItsApiCannotBeDeletedUntilItIsCleared() throws Exception {
        String tenant = tenant();
        Response orders = api(tenant, "https://orders.test", Map.of());
        api(tenant, "https://billing.test", Map.of());
        Client client = machine(tenant);
        String tenantPath = "/admin/tenants/" + tenant;
        assertThat(absentOrNull(http().admin("GET", tenantPath, null).json(), "default_audience")).isTrue();
        Response without = token(tenant, client);
        assertThat(without.status()).as("without a default, as before: " + without).isEqualTo(400);
        assertThat(without.text("error")).isEqualTo("invalid_request");

        Response unknown = http().admin("PATCH", tenantPath, Map.of("default_audience", "https://nothing.test"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        Response set = http().admin("PATCH", tenantPath, Map.of("default_audience", "https://orders.test"));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.text("default_audience")).isEqualTo("https://orders.test");

        assertThat(audience(token(tenant, client))).containsExactly("https://orders.test");
        assertThat(audience(token(tenant, client, "resource", "https://billing.test"))).containsExactly("https://billing.test");

        Response refused = http().admin("DELETE", tenantPath + "/apis/" + orders.text("id"), null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.body()).contains("default_audience");
        assertThat(audience(token(tenant, client))).as("still the default's").containsExactly("https://orders.test");

        Response cleared = http().admin("PATCH", tenantPath, Map.of("default_audience", ""));
        assertThat(absentOrNull(cleared.json(), "default_audience")).isTrue();
        assertThat(http().admin("DELETE", tenantPath + "/apis/" + orders.text("id"), null).status()).isEqualTo(204);
        assertThat(token(tenant, client).text("error")).isEqualTo("invalid_request");
    }

    static boolean absentOrNull(JsonNode json, String field) {
        return !json.has(field) || json.get(field).isNull();
    }

    // --- discovery

    @Test
    void discoveryAnswersTheSameDocumentAtAllFourLocationsWithTheNewFields() {
        String tenant = tenant();
        List<String> locations = List.of("/t/" + tenant + "/.well-known/openid-configuration",
                "/t/" + tenant + "/.well-known/oauth-authorization-server",
                "/.well-known/openid-configuration/t/" + tenant,
                "/.well-known/oauth-authorization-server/t/" + tenant);
        JsonNode first = null;
        for (String location : locations) {
            Response r = http().get(location);
            assertThat(r.status()).as(location + ": " + r).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            if (first == null) {
                first = r.json();
            }
            assertThat(r.json()).as(location).isEqualTo(first);
        }
        assertThat(first.get("issuer").asString()).isEqualTo("http://localhost:" + port + "/t/" + tenant);
        assertThat(first.get("request_uri_parameter_supported").asBoolean(true)).isFalse();
        assertThat(first.get("request_parameter_supported").asBoolean(true)).isFalse();
        assertThat(first.get("claims_parameter_supported").asBoolean(true)).isFalse();
        assertThat(first.get("claim_types_supported").toString()).isEqualTo("[\"normal\"]");
        assertThat(first.has("ui_locales_supported")).isFalse();
        assertThat(first.has("service_documentation")).isFalse();
        assertThat(first.has("registration_endpoint")).isFalse();
    }

    @Test
    void anUnknownTenantAtThePathInsertedLocationsIsA404OAuthErrorAndARefusedInputIsOneToo() {
        for (String location : List.of("/.well-known/openid-configuration/t/nobody",
                "/.well-known/oauth-authorization-server/t/nobody")) {
            Response r = http().get(location);
            assertThat(r.status()).as(location + ": " + r).isEqualTo(404);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.text("error")).isEqualTo("invalid_request");
        }
        Response refused = http().get("/.well-known/openid-configuration/t/nobody?x=%FF");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/json");
        assertThat(refused.text("error")).isEqualTo("invalid_request");
    }
}
