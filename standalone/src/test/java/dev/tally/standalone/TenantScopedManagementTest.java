package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tenant-scoped management over real HTTP on the standalone server (H2): the platform administrator grants a
 * client of tenant A management scopes, the client obtains a management token with client credentials, and the
 * token opens tenant A's management API, by scope, and nothing of tenant B's or of the platform's.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(LoginFlowEndToEndTest.Clocks.class)
class TenantScopedManagementTest {
    static final String ADMIN = "tenant-scoped-management-admin-token";
    static final String MANAGEMENT = "urn:tally:management";
    static final MutableClock CLOCK = LoginFlowEndToEndTest.CLOCK;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-management");
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

    /** Calls with a management token in place of the administrator's. */
    TestHttp as(String token) {
        return new TestHttp("http://localhost:" + port, token);
    }

    record Client(String id, String secret) {
    }

    /** Tenants A and B with unique ids; A's tokens last 900 s by default. */
    String[] tenants() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String a = "a-" + suffix;
        String b = "b-" + suffix;
        assertThat(admin().admin("POST", "/admin/tenants", Map.of("id", a, "name", "A", "default_token_lifetime", 900)).status())
                .isEqualTo(201);
        assertThat(admin().admin("POST", "/admin/tenants", Map.of("id", b, "name", "B")).status()).isEqualTo(201);
        return new String[] {a, b};
    }

    Client machineClient(TestHttp http, String tenant, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "ops", "app_type", "non_interactive",
                "grant_types", List.of("client_credentials")));
        body.putAll(extra);
        Response created = http.admin("POST", "/admin/tenants/" + tenant + "/clients", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Client(created.text("client_id"), created.text("client_secret"));
    }

    Response token(String tenant, Client client, String audience, String scope) {
        Map<String, String> params = scope == null
                ? TestHttp.params("grant_type", "client_credentials", "audience", audience)
                : TestHttp.params("grant_type", "client_credentials", "audience", audience, "scope", scope);
        return admin().form("/t/" + tenant + "/oauth/token", params, client.id(), client.secret());
    }

    String managementToken(String tenant, Client client, String scope) {
        Response response = token(tenant, client, MANAGEMENT, scope);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.text("access_token");
    }

    static void assertProblem(Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        if (status == 401) {
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        }
    }

    @Test
    void aTenantAdminTokenManagesItsOwnTenantAndNothingElse() throws Exception {
        String[] t = tenants();
        String a = t[0];
        String b = t[1];
        Client ops = machineClient(admin(), a, Map.of());
        Response granted = admin().admin("PATCH", "/admin/tenants/" + a + "/clients/" + ops.id(),
                Map.of("management_scopes", List.of("tenant:admin")));
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        assertThat(granted.json().get("management_scopes").toString()).isEqualTo("[\"tenant:admin\"]");

        Response issued = token(a, ops, MANAGEMENT, null);
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        assertThat(issued.text("scope")).isEqualTo("tenant:admin");
        assertThat(issued.json().get("expires_in").asLong()).as("the tenant's default_token_lifetime").isEqualTo(900);
        String token = issued.text("access_token");

        SignedJWT jwt = SignedJWT.parse(token);
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(claims.getIssuer()).endsWith("/t/" + a);
        assertThat(claims.getAudience()).containsExactly(MANAGEMENT);
        assertThat(claims.getStringClaim("client_id")).isEqualTo(ops.id());
        assertThat(claims.getStringClaim("scope")).isEqualTo("tenant:admin");
        JWKSet jwks = JWKSet.parse(admin().get("/t/" + a + "/.well-known/jwks.json").body());
        assertThat(jwt.verify(new ECDSAVerifier(jwks.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey())))
                .as("signed with tenant A's key").isTrue();
        assertThat(jdbc.queryForList("SELECT payload FROM domain_event_entry WHERE payload_type LIKE '%AccessTokenIssued'", byte[].class)
                .stream().map(p -> new String(p, java.nio.charset.StandardCharsets.UTF_8)))
                .as("recorded like any other token").anySatisfy(p -> assertThat(p)
                        .contains(claims.getJWTID()).contains(MANAGEMENT).contains("tenant.default_token_lifetime"));

        TestHttp tenantAdmin = as(token);
        assertThat(tenantAdmin.admin("GET", "/admin/tenants/" + a + "/users", null).status()).isEqualTo(200);
        Response user = tenantAdmin.admin("POST", "/admin/tenants/" + a + "/users",
                Map.of("username", "alice", "password", "correct horse battery staple"));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        assertThat(tenantAdmin.admin("GET", "/admin/tenants/" + a, null).status()).isEqualTo(200);
        Response renamed = tenantAdmin.admin("PATCH", "/admin/tenants/" + a + "/clients/" + ops.id(), Map.of("name", "ops (renamed)"));
        assertThat(renamed.status()).as("managing its tenant's clients: " + renamed).isEqualTo(200);

        assertProblem(tenantAdmin.admin("GET", "/admin/tenants/" + b + "/users", null), 403);
        assertProblem(tenantAdmin.admin("GET", "/admin/tenants/" + b, null), 403);
        assertProblem(tenantAdmin.admin("POST", "/admin/tenants", Map.of("id", "c-" + a, "name", "C")), 403);
        assertProblem(tenantAdmin.admin("GET", "/admin/tenants", null), 403);
        assertProblem(tenantAdmin.admin("DELETE", "/admin/tenants/" + a, null), 403);
        assertThat(admin().admin("GET", "/admin/tenants/" + a, null).status()).as("A still exists").isEqualTo(200);
        assertProblem(tenantAdmin.admin("GET", "/admin/projections", null), 403);
        assertProblem(tenantAdmin.admin("GET", "/t/" + b + "/revocations", null), 403);
        assertThat(tenantAdmin.admin("GET", "/t/" + a + "/revocations", null).status()).as("its own revocation list is open to it")
                .isNotIn(401, 403);
        assertProblem(tenantAdmin.admin("GET", "/admin/tenants/" + a + "/../" + b + "/users", null), 403);

        // No escalation: the grant is the platform administrator's to give.
        Response widened = tenantAdmin.admin("PATCH", "/admin/tenants/" + a + "/clients/" + ops.id(),
                Map.of("management_scopes", List.of("tenant:admin", "revocations:read")));
        assertProblem(widened, 403);
        assertThat(widened.text("detail")).contains("management_scopes");
        int clientsBefore = admin().admin("GET", "/admin/tenants/" + a + "/clients", null).json().size();
        assertProblem(tenantAdmin.admin("POST", "/admin/tenants/" + a + "/clients", Map.of("name", "sidekick",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials"),
                "management_scopes", List.of("tenant:admin"))), 403);
        assertThat(admin().admin("GET", "/admin/tenants/" + a + "/clients", null).json().size()).isEqualTo(clientsBefore);
        assertThat(admin().admin("GET", "/admin/tenants/" + a + "/clients/" + ops.id(), null).json().get("management_scopes")
                .toString()).isEqualTo("[\"tenant:admin\"]");

        // The OAuth endpoints stay public: the filter guards only /admin and the revocation list.
        assertThat(new TestHttp("http://localhost:" + port, "none").get("/t/" + a + "/.well-known/openid-configuration").status())
                .isEqualTo(200);
    }

    @Test
    void aReaderMayReadAndARevocationReaderOnlyReadsRevocations() {
        String a = tenants()[0];
        Client reader = machineClient(admin(), a, Map.of("management_scopes", List.of("tenant:read")));
        assertThat(admin().admin("GET", "/admin/tenants/" + a + "/clients/" + reader.id(), null).json().get("management_scopes")
                .toString()).isEqualTo("[\"tenant:read\"]");
        TestHttp read = as(managementToken(a, reader, "tenant:read"));
        assertThat(read.admin("GET", "/admin/tenants/" + a + "/users", null).status()).isEqualTo(200);
        assertThat(read.admin("GET", "/admin/tenants/" + a + "/clients", null).status()).isEqualTo(200);
        assertProblem(read.admin("POST", "/admin/tenants/" + a + "/users", Map.of("username", "bob", "password", "correct horse battery")), 403);
        assertProblem(read.admin("DELETE", "/admin/tenants/" + a + "/clients/" + reader.id(), null), 403);

        Response notGranted = token(a, reader, MANAGEMENT, "tenant:admin");
        assertThat(notGranted.status()).isEqualTo(400);
        assertThat(notGranted.text("error")).isEqualTo("invalid_scope");

        Client resourceServer = machineClient(admin(), a, Map.of("management_scopes", List.of("revocations:read")));
        TestHttp revocations = as(managementToken(a, resourceServer, null));
        assertProblem(revocations.admin("GET", "/admin/tenants/" + a + "/users", null), 403);
        assertThat(revocations.admin("GET", "/t/" + a + "/revocations", null).status()).isNotIn(401, 403);
    }

    @Test
    void expiredInvalidAndForeignTokensAreUnauthorized() {
        String a = tenants()[0];
        Client ops = machineClient(admin(), a, Map.of("management_scopes", List.of("tenant:admin")));
        String token = managementToken(a, ops, null);
        assertThat(as(token).admin("GET", "/admin/tenants/" + a + "/users", null).status()).isEqualTo(200);

        assertProblem(admin().adminWithoutToken("GET", "/admin/tenants/" + a + "/users", null), 401);
        assertProblem(as("not-a-token").admin("GET", "/admin/tenants/" + a + "/users", null), 401);
        assertProblem(admin().adminWithoutToken("GET", "/t/" + a + "/revocations", null), 401);

        // A token for one of the tenant's APIs is no management token.
        assertThat(admin().admin("POST", "/admin/tenants/" + a + "/apis", Map.of("identifier", "https://api." + a + ".test",
                "name", "API", "token_lifetime", 3600)).status()).isEqualTo(201);
        Client plain = machineClient(admin(), a, Map.of());
        Response apiToken = token(a, plain, "https://api." + a + ".test", null);
        assertThat(apiToken.status()).isEqualTo(200);
        Response withApiToken = as(apiToken.text("access_token")).admin("GET", "/admin/tenants/" + a + "/users", null);
        assertProblem(withApiToken, 401);
        assertThat(withApiToken.text("detail")).contains("audience");

        CLOCK.advance(Duration.ofSeconds(901));
        Response expired = as(token).admin("GET", "/admin/tenants/" + a + "/users", null);
        assertProblem(expired, 401);
        assertThat(expired.header("WWW-Authenticate")).contains("invalid_token");
        assertThat(expired.text("detail")).contains("expired");
    }

    @Test
    void revokingTheGrantEndsTheClientsTokensAtOnce() {
        String a = tenants()[0];
        Client ops = machineClient(admin(), a, Map.of("management_scopes", List.of("tenant:admin", "tenant:read")));
        String token = managementToken(a, ops, null);
        assertThat(SignedJWTs.scope(token)).isEqualTo("tenant:admin tenant:read");
        assertThat(as(token).admin("POST", "/admin/tenants/" + a + "/users",
                Map.of("username", "carol", "password", "correct horse battery staple")).status()).isEqualTo(201);

        Response narrowed = admin().admin("PATCH", "/admin/tenants/" + a + "/clients/" + ops.id(),
                Map.of("management_scopes", List.of("tenant:read")));
        assertThat(narrowed.status()).isEqualTo(200);
        assertProblem(as(token).admin("POST", "/admin/tenants/" + a + "/users",
                Map.of("username", "dave", "password", "correct horse battery staple")), 403);
        assertThat(as(token).admin("GET", "/admin/tenants/" + a + "/users", null).status()).isEqualTo(200);

        assertThat(admin().admin("PATCH", "/admin/tenants/" + a + "/clients/" + ops.id(),
                Map.of("management_scopes", List.of())).status()).isEqualTo(200);
        assertProblem(as(token).admin("GET", "/admin/tenants/" + a + "/users", null), 401);
        Response again = token(a, ops, MANAGEMENT, null);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.text("error")).isEqualTo("invalid_target");
    }

    @Test
    void aClientWithoutAGrantGetsNoManagementTokenAndNoApiMayTakeItsAudience() {
        String a = tenants()[0];
        Client plain = machineClient(admin(), a, Map.of());

        Response refused = token(a, plain, MANAGEMENT, null);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.text("error")).isEqualTo("invalid_target");
        Response reserved = admin().admin("POST", "/admin/tenants/" + a + "/apis", Map.of("identifier", MANAGEMENT,
                "name", "Impostor", "token_lifetime", 3600));
        assertProblem(reserved, 400);
        assertThat(reserved.text("detail")).contains("reserved");
        Response publicClient = admin().admin("POST", "/admin/tenants/" + a + "/clients", Map.of("name", "spa", "app_type", "spa",
                "callbacks", List.of("https://app.test/cb"), "management_scopes", List.of("tenant:read")));
        assertProblem(publicClient, 400);
        assertThat(publicClient.json().get("field").asString()).isEqualTo("management_scopes");
        Response unknownScope = admin().admin("PATCH", "/admin/tenants/" + a + "/clients/" + plain.id(),
                Map.of("management_scopes", List.of("platform:admin")));
        assertProblem(unknownScope, 400);
        assertThat(unknownScope.json().get("field").asString()).isEqualTo("management_scopes");
    }

    /** Reads a claim of a token without verifying it (the tests above verify where it matters). */
    static final class SignedJWTs {
        static String scope(String token) {
            try {
                return SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("scope");
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A management token signed by a key the tenant revoked stops working within the verifier's key cache age. */
    @Test
    void aRevokedSigningKeysManagementTokensStopWorking() throws Exception {
        String a = tenants()[0];
        Client ops = machineClient(admin(), a, Map.of());
        assertThat(admin().admin("PATCH", "/admin/tenants/" + a + "/clients/" + ops.id(),
                Map.of("management_scopes", List.of("tenant:read"))).status()).isEqualTo(200);
        String token = managementToken(a, ops, null);
        TestHttp asOps = new TestHttp("http://localhost:" + port, token);
        assertThat(asOps.admin("GET", "/admin/tenants/" + a, null).status()).isEqualTo(200);

        String kid = SignedJWT.parse(token).getHeader().getKeyID();
        Response revoked = admin().admin("POST", "/admin/tenants/" + a + "/signing-keys/" + kid + "/revoke", null);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(61));

        assertProblem(asOps.admin("GET", "/admin/tenants/" + a, null), 401);
        String fresh = managementToken(a, ops, null);
        assertThat(SignedJWT.parse(fresh).getHeader().getKeyID()).isNotEqualTo(kid);
        assertThat(new TestHttp("http://localhost:" + port, fresh).admin("GET", "/admin/tenants/" + a, null).status())
                .as("the replacement key's tokens work").isEqualTo(200);
    }
}
