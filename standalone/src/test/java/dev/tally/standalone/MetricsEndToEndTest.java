package dev.tally.standalone;

import static dev.tally.standalone.LoginFlowEndToEndTest.CALLBACK;
import static dev.tally.standalone.LoginFlowEndToEndTest.CLOCK;
import static dev.tally.standalone.LoginFlowEndToEndTest.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.Browser;
import dev.tally.testsupport.PrometheusText;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /actuator/prometheus} after real traffic over HTTP: the text format parsed, and every counter's change
 * asserted exactly (tokens by grant and deciding step, the token endpoint's histogram by outcome, each refresh outcome,
 * logins and throttles, the views' gauges); the actuator closed without the administrator's token, health open.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(LoginFlowEndToEndTest.Clocks.class)
class MetricsEndToEndTest {
    static final String ADMIN = "metrics-e2e-admin-token";
    static final String PASSWORD = "correct horse battery staple";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-metrics");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    PrometheusText scrape() {
        Response r = http().adminGet("/actuator/prometheus", "text/plain");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        return PrometheusText.parse(r.body());
    }

    @Test
    void everyActuatorEndpointButHealthWantsTheAdministratorsToken() {
        TestHttp http = http();
        for (String path : List.of("/actuator/prometheus", "/actuator/metrics", "/actuator", "/actuator/info",
                "/actuator/env", "/actuator/health/../metrics")) {
            Response anonymous = http.get(path);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.header("Content-Type")).as(path).startsWith("application/problem+json");
            assertThat(anonymous.json().get("status").asInt()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).as(path).startsWith("Bearer");
        }
        Response wrongToken = new TestHttp("http://localhost:" + port, "not-the-admin-token-at-all")
                .admin("GET", "/actuator/prometheus", null);
        assertThat(wrongToken.status()).isEqualTo(401);
        assertThat(wrongToken.header("WWW-Authenticate")).contains("invalid_token");
        assertThat(wrongToken.body()).doesNotContain(ADMIN);

        assertThat(http.get("/actuator/health").status()).as("health stays public").isEqualTo(200);
        assertThat(http.get("/actuator/health/liveness").status()).as("and its probes").isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(http.admin("GET", "/actuator/metrics", null).status()).isEqualTo(200);
        assertThat(http.admin("GET", "/actuator/env", null).status()).as("still not exposed").isEqualTo(404);
    }

    @Test
    void countersHistogramsAndGaugesMoveByExactlyTheTrafficSent() {
        TestHttp http = http();
        String tenant = "metrics";
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        String api = "https://api.metrics.test";
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", api, "name", "API",
                "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true)).status())
                .isEqualTo(201);
        StandaloneScenario.Client m2m = StandaloneScenario.createMachineClient(http, tenant, Map.of("tier", "gold"));
        StandaloneScenario.Client onboarding = StandaloneScenario.createMachineClient(http, tenant,
                Map.of("tier", "onboarding"));
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/lifetime-rules", Map.of("name", "onboarding-m2m",
                "priority", 10, "condition", "has(client.metadata.tier) && client.metadata.tier == \"onboarding\"",
                "effects", Map.of("access_token_lifetime", 60))).status()).isEqualTo(201);
        Response spa = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Web app",
                "app_type", "spa", "callbacks", List.of(CALLBACK),
                "grant_types", List.of("authorization_code", "refresh_token"),
                "refresh_token", Map.of("rotation", "rotate", "leeway", 10, "idle_token_lifetime", 3600)));
        assertThat(spa.status()).as(spa.toString()).isEqualTo(201);
        String spaId = spa.text("client_id");
        for (String user : List.of("alice", "bob")) {
            assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", user,
                    "password", PASSWORD)).status()).isEqualTo(201);
        }
        PrometheusText before = scrape();

        // client credentials: two by the API's setting, one by the tenant's rule, one refused client
        for (int i = 0; i < 2; i++) {
            assertThat(StandaloneScenario.token(http, tenant, m2m, api).status()).isEqualTo(200);
        }
        assertThat(StandaloneScenario.token(http, tenant, onboarding, api).json().get("expires_in").asLong())
                .isEqualTo(60);
        Response refused = StandaloneScenario.token(http, tenant,
                new StandaloneScenario.Client(m2m.id(), "not-the-secret"), api);
        assertThat(refused.status()).isEqualTo(401);
        // a made-up grant type and a made-up tenant: counted, under bounded names
        assertThat(http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "urn:made:up"),
                m2m.id(), m2m.secret()).status()).isEqualTo(400);
        assertThat(StandaloneScenario.token(http, "no-such-tenant", m2m, api).status()).isEqualTo(404);

        // a login, the code for tokens, then the refresh family: rotated, replayed in the leeway, reused
        Browser browser = new Browser("http://localhost:" + port);
        String first = codeForRefreshToken(browser, tenant, spaId);
        Response rotated = refresh(tenant, spaId, first);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        Response replayed = refresh(tenant, spaId, first);
        assertThat(replayed.text("refresh_token")).as("the leeway's replay").isEqualTo(rotated.text("refresh_token"));
        CLOCK.advance(Duration.ofSeconds(11));
        assertThat(refresh(tenant, spaId, first).text("error")).as("reuse").isEqualTo("invalid_grant");
        // a second family, left idle past its idle lifetime: expired
        String second = codeForRefreshToken(new Browser("http://localhost:" + port), tenant, spaId);
        CLOCK.advance(Duration.ofSeconds(3601));
        assertThat(refresh(tenant, spaId, second).text("error")).as("expired").isEqualTo("invalid_grant");
        assertThat(refresh(tenant, spaId, "not-a-refresh-token").text("error")).isEqualTo("invalid_grant");

        // bob, in a browser of his own: five wrong passwords, then the throttle
        Browser bobs = new Browser("http://localhost:" + port);
        HttpResponse<String> form = bobs.get(LoginFlowEndToEndTest.authorizePath(tenant, spaId,
                "openid offline_access read:orders", ""));
        Map<String, String> login = Map.of("request", Browser.hidden(form.body(), "request"),
                "csrf", Browser.hidden(form.body(), "csrf"), "username", "bob");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = bobs.post("/t/" + tenant + "/login", with(login, "password", "wrong " + i));
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
        assertThat(bobs.post("/t/" + tenant + "/login", with(login, "password", PASSWORD)).statusCode())
                .isEqualTo(429);

        PrometheusText after = scrape();
        String issued = "tally_tokens_issued_total";
        assertThat(delta(before, after, issued, "grant_type", "client_credentials", "decided_by", "api.token_lifetime"))
                .isEqualTo(2);
        assertThat(delta(before, after, issued, "grant_type", "client_credentials", "decided_by", "rule"))
                .as("a tenant's rule is counted as 'rule', whatever its name").isEqualTo(1);
        assertThat(after.find(issued).stream().map(s -> s.labels().get("decided_by")))
                .noneMatch(step -> step.startsWith("rule:"));
        assertThat(sumDelta(before, after, issued, "grant_type", "authorization_code")).isEqualTo(2);
        assertThat(sumDelta(before, after, issued, "grant_type", "refresh_token")).as("rotated and replayed").isEqualTo(2);

        String requests = "tally_token_requests_seconds_count";
        assertThat(delta(before, after, requests, "grant_type", "client_credentials", "outcome", "issued")).isEqualTo(3);
        assertThat(delta(before, after, requests, "grant_type", "client_credentials", "outcome", "invalid_client"))
                .isEqualTo(1);
        assertThat(delta(before, after, requests, "grant_type", "other", "outcome", "unsupported_grant_type"))
                .as("a made-up grant type is 'other'").isEqualTo(1);
        assertThat(delta(before, after, requests, "grant_type", "client_credentials", "outcome", "invalid_request"))
                .as("an unknown tenant").isEqualTo(1);
        assertThat(delta(before, after, requests, "grant_type", "authorization_code", "outcome", "issued")).isEqualTo(2);
        assertThat(delta(before, after, requests, "grant_type", "refresh_token", "outcome", "issued")).isEqualTo(2);
        assertThat(delta(before, after, requests, "grant_type", "refresh_token", "outcome", "invalid_grant")).isEqualTo(3);
        assertThat(after.find(requests).stream().map(s -> s.labels().get("grant_type")).collect(Collectors.toSet()))
                .isSubsetOf(Set.of("client_credentials", "authorization_code", "refresh_token", "password", "other"));
        // the histogram: cumulative buckets ending in +Inf, which equals the count; a sum of real time
        List<PrometheusText.Sample> buckets = after.find("tally_token_requests_seconds_bucket",
                "grant_type", "client_credentials", "outcome", "issued");
        assertThat(buckets.size()).as("publishPercentileHistogram's buckets").isGreaterThan(10);
        assertThat(after.value("tally_token_requests_seconds_bucket", "grant_type", "client_credentials",
                "outcome", "issued", "le", "+Inf"))
                .isEqualTo(after.value(requests, "grant_type", "client_credentials", "outcome", "issued"));
        assertThat(buckets.stream().mapToDouble(PrometheusText.Sample::value).toArray()).isSorted();
        assertThat(after.value("tally_token_requests_seconds_sum", "grant_type", "client_credentials",
                "outcome", "issued")).isPositive();
        assertThat(after.types()).containsEntry("tally_token_requests_seconds", "histogram");

        String refreshes = "tally_refresh_outcomes_total";
        assertThat(delta(before, after, refreshes, "outcome", "rotated")).isEqualTo(1);
        assertThat(delta(before, after, refreshes, "outcome", "leeway_replay")).isEqualTo(1);
        assertThat(delta(before, after, refreshes, "outcome", "reuse")).isEqualTo(1);
        assertThat(delta(before, after, refreshes, "outcome", "expired")).isEqualTo(1);
        assertThat(delta(before, after, refreshes, "outcome", "refused")).isEqualTo(1);

        assertThat(delta(before, after, "tally_logins_total", "outcome", "success")).isEqualTo(2);
        assertThat(delta(before, after, "tally_logins_total", "outcome", "failure")).isEqualTo(5);
        assertThat(delta(before, after, "tally_logins_total", "outcome", "throttled")).isEqualTo(1);
        assertThat(after.find(issued)).as("tenant tags are off by default")
                .allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("tenant"));

        // every view of /admin/projections has its gauges, and says live
        Response projections = http.admin("GET", "/admin/projections", null);
        assertThat(projections.status()).isEqualTo(200);
        List<String> views = projections.json().get("projections").values().stream()
                .map(p -> p.get("name").asString()).toList();
        assertThat(views).isNotEmpty();
        for (String view : views) {
            assertThat(after.find("tally_projection_status", "name", view)).as(view).hasSize(1);
            assertThat(after.find("tally_projection_position", "name", view)).as(view).hasSize(1);
            assertThat(after.find("tally_projection_lag", "name", view)).as(view).hasSize(1);
            assertThat(after.find("tally_projection_state", "name", view)).as(view).hasSize(5);
        }
        assertThat(after.find("tally_projection_status")).allSatisfy(s -> assertThat(s.value()).isZero());
        assertThat(after.find("tally_projection_state", "status", "live"))
                .allSatisfy(s -> assertThat(s.value()).isEqualTo(1));
        assertThat(after.find("tally_projection_position").stream().mapToDouble(PrometheusText.Sample::value).max()
                .orElseThrow()).isPositive();
    }

    /** Code flow with offline_access: a login, the code exchanged, the first refresh token. */
    String codeForRefreshToken(Browser browser, String tenant, String clientId) {
        String code = LoginFlowEndToEndTest.login(browser, tenant, clientId, PASSWORD, "openid offline_access read:orders");
        Response tokens = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", clientId, "code", code, "redirect_uri", CALLBACK, "code_verifier", VERIFIER), null, null);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return tokens.text("refresh_token");
    }

    Response refresh(String tenant, String clientId, String token) {
        return http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "client_id", clientId, "refresh_token", token), null, null);
    }

    static Map<String, String> with(Map<String, String> form, String key, String value) {
        Map<String, String> all = new java.util.LinkedHashMap<>(form);
        all.put(key, value);
        return all;
    }

    static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    static double sumDelta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
