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
import java.util.Map;
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
        assertThat(error(http.form("/t/errors/oauth/token", TestHttp.params("grant_type", "password", "audience", "x"), client.id(), client.secret())))
                .isEqualTo("400 unsupported_grant_type");
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

    private static String error(Response r) {
        return r.status() + " " + r.text("error");
    }
}
