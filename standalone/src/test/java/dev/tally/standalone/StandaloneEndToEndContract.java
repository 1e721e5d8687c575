package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createApi;
import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.jwks;
import static dev.tally.standalone.StandaloneScenario.signatureVerifiesWith;
import static dev.tally.standalone.StandaloneScenario.token;
import static dev.tally.standalone.StandaloneScenario.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The standalone server over real HTTP, as a newcomer uses it: create a tenant, an API and a machine client
 * through the management API, get a token, and verify it as a resource server would. Run on H2 (the default)
 * and on PostgreSQL by the subclasses.
 */
abstract class StandaloneEndToEndContract {
    static final String ADMIN = "standalone-e2e-admin-token";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    @Test
    void machineClientGetsASignedTokenWhoseLifetimeIsTheApis() throws Exception {
        TestHttp http = http();
        createTenant(http, "acme", null);
        createApi(http, "acme", "https://api.acme.test", 60);
        Client client = createMachineClient(http, "acme");

        Response response = token(http, "acme", client, "https://api.acme.test");

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.text("token_type")).isEqualTo("Bearer");
        String issuer = http.baseUrl() + "/t/acme";
        String accessToken = response.text("access_token");
        JWTClaimsSet claims = verify(accessToken, jwks(http, "acme"), issuer, "https://api.acme.test");
        long lifetime = (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
        assertThat(lifetime).isEqualTo(60).isEqualTo(response.json().get("expires_in").asLong());
        assertThat(claims.getAudience()).containsExactly("https://api.acme.test");
        assertThat(claims.getIssuer()).isEqualTo(issuer);
        assertThat(claims.getSubject()).isEqualTo(client.id());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(client.id());
        SignedJWT jwt = SignedJWT.parse(accessToken);
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();

        Response discovery = http.get("/t/acme/.well-known/openid-configuration");
        assertThat(discovery.text("issuer")).isEqualTo(issuer);
        assertThat(discovery.text("token_endpoint")).isEqualTo(issuer + "/oauth/token");
        assertThat(discovery.text("jwks_uri")).isEqualTo(issuer + "/.well-known/jwks.json");
    }

    @Test
    void wrongSecretGetsInvalidClientWithAChallenge() {
        TestHttp http = http();
        createTenant(http, "wrongsecret", null);
        createApi(http, "wrongsecret", "https://api.ws.test", 60);
        Client client = createMachineClient(http, "wrongsecret");

        Response response = token(http, "wrongsecret", new Client(client.id(), client.secret() + "x"), "https://api.ws.test");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.text("error")).isEqualTo("invalid_client");
        assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
    }

    @Test
    void tokenOfTenantADoesNotVerifyAgainstTenantBsKeys() throws Exception {
        TestHttp http = http();
        createTenant(http, "tenant-a", null);
        createTenant(http, "tenant-b", null);
        createApi(http, "tenant-a", "https://api.shared.test", 60);
        Client client = createMachineClient(http, "tenant-a");
        String tokenOfA = token(http, "tenant-a", client, "https://api.shared.test").text("access_token");

        assertThat(signatureVerifiesWith(tokenOfA, jwks(http, "tenant-a"))).isTrue();
        assertThat(signatureVerifiesWith(tokenOfA, jwks(http, "tenant-b"))).isFalse();
        // A client of tenant A is unknown to tenant B's token endpoint.
        createApi(http, "tenant-b", "https://api.shared.test", 60);
        assertThat(token(http, "tenant-b", client, "https://api.shared.test").status()).isEqualTo(401);
    }

    @Test
    void rs256TenantSignsWithRsa() throws Exception {
        TestHttp http = http();
        createTenant(http, "rsa-tenant", "RS256");
        createApi(http, "rsa-tenant", "https://api.rsa.test", 90);
        Client client = createMachineClient(http, "rsa-tenant");
        Response response = token(http, "rsa-tenant", client, "https://api.rsa.test");

        JWTClaimsSet claims = verify(response.text("access_token"), jwks(http, "rsa-tenant"),
                http.baseUrl() + "/t/rsa-tenant", "https://api.rsa.test");
        assertThat(SignedJWT.parse(response.text("access_token")).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(90_000);
    }

    @Test
    void changedApiLifetimeAppliesToTheVeryNextToken() {
        TestHttp http = http();
        createTenant(http, "ryw", null);
        Response api = http.admin("POST", "/admin/tenants/ryw/apis",
                Map.of("identifier", "https://api.ryw.test", "name", "RYW", "token_lifetime", 3600));
        Client client = createMachineClient(http, "ryw");
        assertThat(token(http, "ryw", client, "https://api.ryw.test").json().get("expires_in").asLong()).isEqualTo(3600);

        assertThat(http.admin("PATCH", "/admin/tenants/ryw/apis/" + api.text("id"), Map.of("token_lifetime", 120)).status())
                .isEqualTo(200);
        assertThat(token(http, "ryw", client, "https://api.ryw.test").json().get("expires_in").asLong()).isEqualTo(120);

        Response rotated = http.admin("POST", "/admin/tenants/ryw/clients/" + client.id() + "/rotate-secret", null);
        assertThat(token(http, "ryw", client, "https://api.ryw.test").status()).isEqualTo(401);
        assertThat(token(http, "ryw", new Client(client.id(), rotated.text("client_secret")), "https://api.ryw.test").status())
                .isEqualTo(200);

        assertThat(http.admin("DELETE", "/admin/tenants/ryw/clients/" + client.id(), null).status()).isEqualTo(204);
        assertThat(token(http, "ryw", new Client(client.id(), rotated.text("client_secret")), "https://api.ryw.test").status())
                .isEqualTo(401);
    }

    @Test
    void tokenEndpointAnswersBadRequestsWithRfc6749Errors() {
        TestHttp http = http();
        createTenant(http, "errors", null);
        createApi(http, "errors", "https://api.errors.test", 60);
        Client client = createMachineClient(http, "errors");
        Map<String, String> ok = TestHttp.params("grant_type", "client_credentials", "audience", "https://api.errors.test");

        assertThat(error(http.form("/t/errors/oauth/token", TestHttp.params("audience", "https://api.errors.test"), client.id(), client.secret())))
                .isEqualTo("400 invalid_request");
        assertThat(error(http.form("/t/errors/oauth/token", TestHttp.params("grant_type",
                "urn:ietf:params:oauth:grant-type:device_code", "audience", "x"), client.id(), client.secret())))
                .isEqualTo("400 unsupported_grant_type");
        assertThat(error(http.form("/t/errors/oauth/token", TestHttp.params("grant_type", "password", "audience", "x"), client.id(), client.secret())))
                .as("supported, but not enabled for this client").isEqualTo("400 unauthorized_client");
        assertThat(error(http.form("/t/errors/oauth/token", TestHttp.params("grant_type", "client_credentials"), client.id(), client.secret())))
                .isEqualTo("400 invalid_request");
        assertThat(error(http.form("/t/errors/oauth/token", TestHttp.params("grant_type", "client_credentials", "audience", "https://unknown"), client.id(), client.secret())))
                .isEqualTo("400 invalid_target");
        assertThat(error(http.form("/t/errors/oauth/token", TestHttp.params("grant_type", "client_credentials", "audience",
                "https://api.errors.test", "scope", "delete:everything"), client.id(), client.secret())))
                .isEqualTo("400 invalid_scope");
        assertThat(error(http.form("/t/errors/oauth/token", TestHttp.params("grant_type", "client_credentials", "audience",
                "https://api.errors.test", "client_id", client.id(), "client_secret", client.secret()), client.id(), client.secret())))
                .isEqualTo("400 invalid_request");
        assertThat(error(http.form("/t/errors/oauth/token", ok, null, null))).isEqualTo("401 invalid_client");
        assertThat(error(http.form("/t/nosuchtenant/oauth/token", ok, client.id(), client.secret()))).startsWith("404");

        // client_secret_post works as well as client_secret_basic, and a granted scope is echoed.
        Response post = http.form("/t/errors/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "https://api.errors.test", "client_id", client.id(), "client_secret", client.secret(),
                "scope", "read:orders"), null, null);
        assertThat(post.status()).as(post.toString()).isEqualTo(200);
        assertThat(post.text("scope")).isEqualTo("read:orders");
    }

    @Test
    void ruleCreatedThroughTheManagementApiChangesTheNextTokensLifetime() throws Exception {
        TestHttp http = http();
        createTenant(http, "rules", null);
        createApi(http, "rules", "https://api.rules.test", 3600);
        Client onboarding = createMachineClient(http, "rules", Map.of("tier", "onboarding"));
        Client gold = createMachineClient(http, "rules", Map.of("tier", "gold"));
        assertThat(token(http, "rules", onboarding, "https://api.rules.test").json().get("expires_in").asLong()).isEqualTo(3600);

        Response rule = http.admin("POST", "/admin/tenants/rules/lifetime-rules", Map.of("name", "onboarding-m2m",
                "priority", 10, "condition", "has(client.metadata.tier) && client.metadata.tier == \"onboarding\"",
                "effects", Map.of("access_token_lifetime", 60)));
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);

        Response shortLived = token(http, "rules", onboarding, "https://api.rules.test");
        assertThat(shortLived.json().get("expires_in").asLong()).isEqualTo(60);
        JWTClaimsSet claims = SignedJWT.parse(shortLived.text("access_token")).getJWTClaimsSet();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(60_000);
        assertThat(token(http, "rules", gold, "https://api.rules.test").json().get("expires_in").asLong()).isEqualTo(3600);

        assertThat(http.admin("DELETE", "/admin/tenants/rules/lifetime-rules/" + rule.text("id"), null).status()).isEqualTo(204);
        assertThat(token(http, "rules", onboarding, "https://api.rules.test").json().get("expires_in").asLong()).isEqualTo(3600);
    }

    @Test
    void malformedRuleGets400NamingThePositionOfTheError() {
        TestHttp http = http();
        createTenant(http, "badrules", null);

        Response syntax = http.admin("POST", "/admin/tenants/badrules/lifetime-rules", Map.of("name", "broken",
                "condition", "client.app_type == \"spa\" &&", "effects", Map.of("access_token_lifetime", 60)));
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.header("Content-Type")).startsWith("application/problem+json");
        assertThat(syntax.text("field")).isEqualTo("condition");
        assertThat(syntax.json().get("line").asInt()).isEqualTo(1);
        assertThat(syntax.json().get("column").asInt()).as("just past the dangling &&").isEqualTo(28);
        assertThat(syntax.text("detail")).contains("line 1, column 28");

        Response unknownField = http.admin("POST", "/admin/tenants/badrules/lifetime-rules", Map.of("name", "typo",
                "condition", "client.tier == \"gold\"", "effects", Map.of("access_token_lifetime", 60)));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().get("line").asInt()).isEqualTo(1);
        assertThat(unknownField.json().get("column").asInt()).isPositive();

        Response notBoolean = http.admin("POST", "/admin/tenants/badrules/lifetime-rules", Map.of("name", "number",
                "condition", "1 + 1", "effects", Map.of("access_token_lifetime", 60)));
        assertThat(notBoolean.status()).isEqualTo(400);

        Response badTime = http.admin("POST", "/admin/tenants/badrules/lifetime-rules", Map.of("name", "late",
                "condition", "true", "effects", Map.of("expires_at", Map.of("daily_at", "24:30"))));
        assertThat(badTime.status()).isEqualTo(400);
        assertThat(badTime.text("field")).isEqualTo("effects.expires_at.daily_at");

        assertThat(http.admin("GET", "/admin/tenants/badrules/lifetime-rules", null).json().size()).isZero();
    }

    @Test
    void explainAgreesWithTheTokenActuallyIssuedAndItsIssuanceEvent() throws Exception {
        TestHttp http = http();
        createTenant(http, "explained", null);
        createApi(http, "explained", "https://api.explained.test", 3600);
        Client client = createMachineClient(http, "explained", Map.of("tier", "onboarding"));
        http.admin("POST", "/admin/tenants/explained/lifetime-rules", Map.of("name", "broken-for-gold", "priority", 1,
                "condition", "client.metadata.plan == \"gold\"", "effects", Map.of("access_token_lifetime", 30)));
        http.admin("POST", "/admin/tenants/explained/lifetime-rules", Map.of("name", "onboarding-m2m", "priority", 2,
                "condition", "client.metadata.tier == \"onboarding\"", "effects", Map.of("access_token_lifetime", 90)));

        Response explained = http.admin("GET", "/admin/tenants/explained/lifetimes/explain?client_id=" + client.id()
                + "&audience=https://api.explained.test&grant_type=client_credentials", null);
        assertThat(explained.status()).as(explained.toString()).isEqualTo(200);
        JsonNode access = explained.json().get("access_token");
        assertThat(access.get("lifetime").asLong()).isEqualTo(90);
        assertThat(access.get("decided_by").asString()).isEqualTo("rule:onboarding-m2m");
        assertThat(access.get("trace").toString()).isEqualTo("[{\"step\":\"api.token_lifetime\",\"value\":3600},"
                + "{\"step\":\"rule:broken-for-gold\",\"error\":" + access.get("trace").get(1).get("error").toString() + "},"
                + "{\"step\":\"rule:onboarding-m2m\",\"value\":90},"
                + "{\"step\":\"tenant.max_token_lifetime\",\"value\":90,\"clamped\":false}]");
        assertThat(explained.json().get("id_token").get("decided_by").asString()).isEqualTo("client.id_token_lifetime");
        assertThat(explained.json().get("id_token").get("lifetime").asLong()).isEqualTo(36000);

        Response issued = token(http, "explained", client, "https://api.explained.test");
        assertThat(issued.json().get("expires_in").asLong()).isEqualTo(access.get("lifetime").asLong());
        String jti = SignedJWT.parse(issued.text("access_token")).getJWTClaimsSet().getJWTID();
        String event = issuanceEvent(jti);
        assertThat(event).contains("\"lifetimeSeconds\":90").contains("\"decidedBy\":\"rule:onboarding-m2m\"")
                .contains("\"step\":\"rule:broken-for-gold\"");
    }

    @Test
    void ruleAskingMoreThanTheTenantMaximumIsClampedAndTheTraceSaysSo() {
        TestHttp http = http();
        createTenant(http, "clamped", null);
        assertThat(http.admin("PATCH", "/admin/tenants/clamped", Map.of("max_token_lifetime", 600, "max_token_lifetime_for_web", 600))
                .json().get("max_token_lifetime").asLong()).isEqualTo(600);
        createApi(http, "clamped", "https://api.clamped.test", 300);
        Client client = createMachineClient(http, "clamped", Map.of());
        http.admin("POST", "/admin/tenants/clamped/lifetime-rules", Map.of("name", "greedy", "condition", "true",
                "effects", Map.of("access_token_lifetime", 7200)));

        assertThat(token(http, "clamped", client, "https://api.clamped.test").json().get("expires_in").asLong()).isEqualTo(600);
        JsonNode access = http.admin("GET", "/admin/tenants/clamped/lifetimes/explain?client_id=" + client.id()
                + "&audience=https://api.clamped.test", null).json().get("access_token");
        assertThat(access.get("decided_by").asString()).isEqualTo("tenant.max_token_lifetime");
        JsonNode last = access.get("trace").get(access.get("trace").size() - 1);
        assertThat(last.get("step").asString()).isEqualTo("tenant.max_token_lifetime");
        assertThat(last.get("clamped").asBoolean()).isTrue();
        assertThat(last.get("value").asLong()).isEqualTo(600);
    }

    @Test
    void wallClockRuleEndsTokensAtTheNextLocalMidnightOfTheTenant() throws Exception {
        TestHttp http = http();
        createTenant(http, "midnight", null);
        http.admin("PATCH", "/admin/tenants/midnight", Map.of("time_zone", "Europe/Berlin"));
        createApi(http, "midnight", "https://api.midnight.test", 3600);
        Client client = createMachineClient(http, "midnight", Map.of());
        http.admin("POST", "/admin/tenants/midnight/lifetime-rules", Map.of("name", "midnight",
                "condition", "request.grant_type == \"client_credentials\"", "effects", Map.of("expires_at", Map.of("daily_at", "00:00"))));
        // The maximum would cut a token issued early in the day; lift it so the schedule alone decides.
        http.admin("PATCH", "/admin/tenants/midnight", Map.of("max_token_lifetime", 172800, "max_token_lifetime_for_web", 86400));

        Response issued = token(http, "midnight", client, "https://api.midnight.test");
        JWTClaimsSet claims = SignedJWT.parse(issued.text("access_token")).getJWTClaimsSet();
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        ZonedDateTime iat = claims.getIssueTime().toInstant().atZone(berlin);
        ZonedDateTime nextMidnight = iat.toLocalDate().plusDays(1).atStartOfDay(berlin);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(nextMidnight.toInstant());
        assertThat(issued.json().get("expires_in").asLong())
                .isEqualTo(nextMidnight.toEpochSecond() - iat.toEpochSecond());
    }

    @Test
    void clientIdTokenLifetimeAndTenantDefaultsShowInExplainIndependentlyOfTheAccessToken() {
        TestHttp http = http();
        createTenant(http, "idtokens", null);
        createApi(http, "idtokens", "https://api.idtokens.test", 3600);
        Response web = http.admin("POST", "/admin/tenants/idtokens/clients", Map.of("name", "web", "app_type", "spa",
                "id_token_lifetime", 1200));
        assertThat(web.status()).as(web.toString()).isEqualTo(201);
        http.admin("PATCH", "/admin/tenants/idtokens", Map.of("default_token_lifetime", 7200));
        http.admin("PATCH", "/admin/tenants/idtokens/apis/" + http.admin("GET", "/admin/tenants/idtokens/apis", null).json()
                .get(0).get("id").asString(), Map.of("token_lifetime_for_web", 900));

        JsonNode forApi = http.admin("GET", "/admin/tenants/idtokens/lifetimes/explain?client_id=" + web.text("client_id")
                + "&audience=https://api.idtokens.test&grant_type=authorization_code", null).json();
        assertThat(forApi.get("access_token").get("lifetime").asLong()).isEqualTo(900);
        assertThat(forApi.get("access_token").get("decided_by").asString()).isEqualTo("api.token_lifetime_for_web");
        assertThat(forApi.get("id_token").get("lifetime").asLong()).isEqualTo(1200);
        assertThat(forApi.get("id_token").get("decided_by").asString()).isEqualTo("client.id_token_lifetime");

        JsonNode userinfoOnly = http.admin("GET", "/admin/tenants/idtokens/lifetimes/explain?client_id=" + web.text("client_id")
                + "&grant_type=authorization_code", null).json();
        assertThat(userinfoOnly.get("access_token").get("lifetime").asLong()).isEqualTo(7200);
        assertThat(userinfoOnly.get("access_token").get("decided_by").asString()).isEqualTo("tenant.default_token_lifetime");

        assertThat(http.admin("GET", "/admin/tenants/idtokens/lifetimes/explain", null).status()).isEqualTo(400);
        assertThat(http.admin("GET", "/admin/tenants/idtokens/lifetimes/explain?client_id=" + web.text("client_id")
                + "&audience=https://nope", null).status()).isEqualTo(400);
        assertThat(http.admin("GET", "/admin/tenants/idtokens/lifetimes/explain?client_id=nope", null).status()).isEqualTo(404);
    }

    @Test
    void everyRuleChangeAppliesToTheVeryNextToken() {
        TestHttp http = http();
        createTenant(http, "propagation", null);
        createApi(http, "propagation", "https://api.propagation.test", 3600);
        Client client = createMachineClient(http, "propagation", Map.of());
        String ruleId = http.admin("POST", "/admin/tenants/propagation/lifetime-rules", Map.of("name", "moving",
                "condition", "true", "effects", Map.of("access_token_lifetime", 100))).text("id");
        int stale = 0;
        for (int i = 1; i <= 50; i++) {
            long wanted = 100 + i;
            assertThat(http.admin("PATCH", "/admin/tenants/propagation/lifetime-rules/" + ruleId,
                    Map.of("effects", Map.of("access_token_lifetime", wanted))).status()).isEqualTo(200);
            if (token(http, "propagation", client, "https://api.propagation.test").json().get("expires_in").asLong() != wanted) {
                stale++;
            }
        }
        assertThat(stale).as("tokens issued right after a 200 that did not see the change").isZero();
    }

    private String issuanceEvent(String jti) {
        for (byte[] payload : jdbc.queryForList("SELECT payload FROM domain_event_entry WHERE payload_type = ?", byte[].class,
                "dev.tally.kernel.token.TokenEvents$AccessTokenIssued")) {
            String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
            if (text.contains("\"jti\":\"" + jti + "\"")) {
                return text;
            }
        }
        throw new AssertionError("no AccessTokenIssued for jti " + jti);
    }

    private static String error(Response r) {
        return r.status() + " " + r.text("error");
    }
}
