package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The OAuth endpoints' direct routes ({@code OAuthRoutes}) over real HTTP on the standalone server. Every answer
 * through a route is compared with the answer Spring MVC's own mapping gives for the same request: the tenant
 * written with one percent-encoded letter ({@code /t/%61cme-1/...}) is the same tenant to Spring, and is left to it by
 * the routes. Status, headers and body must agree, for successes and for refusals.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OAuthRoutesEndToEndTest {
    static final String ADMIN = "oauth-routes-admin-token";
    static final String API = "https://api.routes.test";
    static final AtomicInteger TENANTS = new AtomicInteger();
    /** Headers that differ between any two answers, or by how the body is framed. */
    static final Set<String> PER_ANSWER = Set.of("date", "x-request-id", "content-length", "transfer-encoding",
            "keep-alive", "connection");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-oauth-routes");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;

    @Autowired
    List<HandlerMapping> mappings;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /** A tenant with one API, whose id starts with "a", so that Spring's path for it can be written with "%61". */
    String tenant() {
        String tenant = "acme-" + TENANTS.incrementAndGet();
        StandaloneScenario.createTenant(http(), tenant, null);
        StandaloneScenario.createApi(http(), tenant, API, 600);
        return tenant;
    }

    Client machine(String tenant) {
        return StandaloneScenario.createMachineClient(http(), tenant);
    }

    static String spring(String tenant) {
        assertThat(tenant).startsWith("a");
        return "%61" + tenant.substring(1);
    }

    Object handlerFor(String method, String uri) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        for (HandlerMapping mapping : mappings) { // in the dispatcher's order
            HandlerExecutionChain chain;
            try {
                chain = mapping.getHandler(request);
            } catch (Exception refused) { // Spring's mapping refusing the request (a 405), as the dispatcher would
                return refused;
            }
            if (chain != null) {
                return chain.getHandler();
            }
        }
        return null;
    }

    static boolean direct(Object handler) {
        return handler != null && handler.getClass().getSimpleName().equals("Route");
    }

    @Test
    void theRoutesAreTheOAuthPostsUnderATenantAndNothingElse() throws Exception {
        for (String path : List.of("/oauth/token", "/oauth/introspect", "/oauth/revoke")) {
            Object handler = handlerFor("POST", "/t/acme-1" + path);
            assertThat(direct(handler)).as(path).isTrue();
            assertThat(((HandlerMethod) handler).getBeanType().getSimpleName()).as(path).endsWith("Endpoint");
        }
        // left to Spring: another method, an encoded or unusual tenant segment, a path not exactly a route's, the
        // userinfo endpoint (GET and POST on one mapping), the management API
        for (String[] request : List.of(
                new String[] {"GET", "/t/acme-1/oauth/token"},
                new String[] {"PUT", "/t/acme-1/oauth/token"},
                new String[] {"POST", "/t/%61cme-1/oauth/token"},
                new String[] {"POST", "/t/acme-1;v=1/oauth/token"},
                new String[] {"POST", "/t//oauth/token"},
                new String[] {"POST", "/t/acme-1/oauth/token/"},
                new String[] {"POST", "/t/acme-1/oauth/TOKEN"},
                new String[] {"POST", "/t/acme-1/x/oauth/token"},
                new String[] {"POST", "/t/" + "a".repeat(200) + "/oauth/token"},
                new String[] {"POST", "/t/acme-1/userinfo"},
                new String[] {"POST", "/admin/tenants"})) {
            assertThat(direct(handlerFor(request[0], request[1]))).as(String.join(" ", request)).isFalse();
        }
        assertThat(handlerFor("POST", "/t/%61cme-1/oauth/token")).as("Spring's own mapping").isInstanceOf(HandlerMethod.class);
    }

    @Test
    void aTokenAnswerIsTheSameThroughTheRouteAsThroughSpring() {
        String tenant = tenant();
        Client m2m = machine(tenant);
        Map<String, String> form = TestHttp.params("grant_type", "client_credentials", "audience", API,
                "scope", "read:orders");
        Response direct = http().form("/t/" + tenant + "/oauth/token", form, m2m.id(), m2m.secret());
        Response spring = http().form("/t/" + spring(tenant) + "/oauth/token", form, m2m.id(), m2m.secret());
        assertThat(direct.status()).as(direct.toString()).isEqualTo(200);
        assertSameHeaders(direct, spring);
        // the tokens differ (each its own jti); the rest of the answer does not
        JsonNode a = direct.json();
        JsonNode b = spring.json();
        assertThat(names(a)).isEqualTo(names(b)).containsExactly("access_token", "token_type", "expires_in", "scope");
        for (String same : List.of("token_type", "expires_in", "scope")) {
            assertThat(a.get(same)).as(same).isEqualTo(b.get(same));
        }
        assertThat(direct.header("Content-Length")).isEqualTo(Integer.toString(direct.body().getBytes().length));

        // refusals are rendered by the same advice: a wrong secret (401 with its challenge), a missing grant type,
        // an unsupported one, one the client may not use, an unknown tenant
        Response wrongSecret = http().form("/t/" + tenant + "/oauth/token", form, m2m.id(), "wrong");
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.header("WWW-Authenticate")).startsWith("Basic");
        assertSameAnswer(wrongSecret, http().form("/t/" + spring(tenant) + "/oauth/token", form, m2m.id(), "wrong"));
        for (Map<String, String> refusal : List.of(TestHttp.params("audience", API),
                TestHttp.params("grant_type", "urn:made:up"), TestHttp.params("grant_type", "password"))) {
            Response refused = http().form("/t/" + tenant + "/oauth/token", refusal, m2m.id(), m2m.secret());
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertSameAnswer(refused, http().form("/t/" + spring(tenant) + "/oauth/token", refusal, m2m.id(),
                    m2m.secret()));
        }
        Response unknownTenant = http().form("/t/acme-none/oauth/token", form, m2m.id(), m2m.secret());
        assertThat(unknownTenant.status()).isEqualTo(404);
        assertSameAnswer(unknownTenant, http().form("/t/%61cme-none/oauth/token", form, m2m.id(), m2m.secret()));
    }

    @Test
    void introspectionAndRevocationAnswerTheSameThroughTheRouteAsThroughSpring() {
        String tenant = tenant();
        Client m2m = machine(tenant);
        String token = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type",
                "client_credentials", "audience", API), m2m.id(), m2m.secret()).text("access_token");
        for (String presented : List.of(token, "garbage", token + "x")) {
            Map<String, String> form = TestHttp.params("token", presented);
            Response direct = http().form("/t/" + tenant + "/oauth/introspect", form, m2m.id(), m2m.secret());
            assertThat(direct.status()).isEqualTo(200);
            assertSameAnswer(direct, http().form("/t/" + spring(tenant) + "/oauth/introspect", form, m2m.id(),
                    m2m.secret()));
        }
        assertThat(http().form("/t/" + tenant + "/oauth/introspect", TestHttp.params("token", token), m2m.id(),
                m2m.secret()).json().get("active").asBoolean()).isTrue();
        assertSameAnswer(http().form("/t/" + tenant + "/oauth/introspect", TestHttp.params("token", token),
                m2m.id(), "wrong"), http().form("/t/" + spring(tenant) + "/oauth/introspect",
                TestHttp.params("token", token), m2m.id(), "wrong"));

        // revocation: an empty 200 either way, and the token is inactive after the routed one
        Response revoked = http().form("/t/" + tenant + "/oauth/revoke", TestHttp.params("token", token), m2m.id(),
                m2m.secret());
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body()).isEmpty();
        assertSameAnswer(revoked, http().form("/t/" + spring(tenant) + "/oauth/revoke",
                TestHttp.params("token", token), m2m.id(), m2m.secret()));
        assertThat(http().form("/t/" + tenant + "/oauth/introspect", TestHttp.params("token", token), m2m.id(),
                m2m.secret()).json().get("active").asBoolean()).isFalse();
    }

    @Test
    void aRoutedRequestIsTimedUnderItsPatternLikeAnyOther() {
        String tenant = tenant();
        Client m2m = machine(tenant);
        assertThat(http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", API), m2m.id(), m2m.secret()).status()).isEqualTo(200);
        Response scrape = http().adminGet("/actuator/prometheus", "text/plain");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body().lines().filter(line -> line.startsWith("http_server_requests_seconds_count{")
                && line.contains("uri=\"/t/{tenant}/oauth/token\"") && line.contains("method=\"POST\"")
                && line.contains("status=\"200\""))).hasSize(1);
        // none timed without a pattern (only the active-requests gauge is, before any mapping has run) or by its path
        assertThat(scrape.body().lines().filter(line -> line.startsWith("http_server_requests_seconds_count{")
                && line.contains("uri=\"UNKNOWN\""))).isEmpty();
        assertThat(scrape.body()).doesNotContain("uri=\"/t/" + tenant);
    }

    static List<String> names(JsonNode node) {
        return node.propertyNames().stream().toList();
    }

    static void assertSameAnswer(Response direct, Response spring) {
        assertThat(direct.status()).as(direct + " against " + spring).isEqualTo(spring.status());
        assertSameHeaders(direct, spring);
        assertThat(direct.body()).isEqualTo(spring.body());
    }

    static void assertSameHeaders(Response direct, Response spring) {
        assertThat(headers(direct)).as(direct + " against " + spring).isEqualTo(headers(spring));
    }

    static Map<String, List<String>> headers(Response r) {
        Map<String, List<String>> kept = new TreeMap<>();
        r.headers().forEach((name, values) -> {
            if (!PER_ANSWER.contains(name.toLowerCase()) && !name.startsWith(":")) {
                kept.put(name.toLowerCase(), values);
            }
        });
        return kept;
    }
}
