package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.tally.command.tenant.SigningKeySweeper;
import dev.tally.testsupport.Await;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Signing-key rotation over real HTTP on the standalone server, with a clock the test advances and the key sweep run
 * by the test: the JWKS before, during and after the pre-publication and the retirement, tokens of the old key
 * verifying until they expire, and an emergency revocation that unpublishes a key, makes its tokens inactive and is
 * listed for resource servers.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(SigningKeyRotationEndToEndTest.Clocks.class)
class SigningKeyRotationEndToEndTest {
    static final String ADMIN = "signing-key-e2e-admin-token";
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    static final Duration PRE_PUBLICATION = Duration.ofMinutes(10);

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock signingKeyTestClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-signing-keys");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.signing-keys.pre-publication", () -> "10m");
        // the test takes the steps itself, by its clock
        registry.add("tally.signing-keys.sweep-interval", () -> "1h");
    }

    @LocalServerPort
    int port;
    @Autowired
    SigningKeySweeper sweeper;

    record Setup(String tenant, String clientId, String secret, String api) {
    }

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /** A tenant whose tokens may live a day; an API with two-hour tokens; a confidential client that also introspects. */
    Setup setUp(String tenant) {
        TestHttp http = http();
        Response created = http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant,
                "max_token_lifetime", 86_400, "max_token_lifetime_for_web", 86_400));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String api = "https://api." + tenant + ".test";
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", api, "name", "API",
                "token_lifetime", 7_200, "scopes", List.of("read:orders"))).status()).isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Service",
                "app_type", "non_interactive"));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        return new Setup(tenant, client.text("client_id"), client.text("client_secret"), api);
    }

    String token(Setup s) {
        Response r = http().form("/t/" + s.tenant() + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", s.api()), s.clientId(), s.secret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.text("access_token");
    }

    boolean active(Setup s, String token) {
        Response r = http().form("/t/" + s.tenant() + "/oauth/introspect", TestHttp.params("token", token), s.clientId(), s.secret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }

    List<String> jwks(Setup s) {
        Response r = http().get("/t/" + s.tenant() + "/.well-known/jwks.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).contains("max-age=300");
        List<String> kids = new ArrayList<>();
        for (JsonNode key : r.json().get("keys")) {
            assertThat(key.has("d")).as("never a private part").isFalse();
            kids.add(key.get("kid").asString());
        }
        return kids;
    }

    JsonNode keys(Setup s) {
        Response r = http().admin("GET", "/admin/tenants/" + s.tenant() + "/signing-keys", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    static String status(JsonNode keys, String kid) {
        for (JsonNode k : keys) {
            if (k.get("kid").asString().equals(kid)) {
                return k.get("status").asString();
            }
        }
        throw new AssertionError("no key " + kid + " in " + keys);
    }

    @Test
    void rotateThenTheNewKeyIsPublishedFirstSignsAfterThePrePublicationAndTheOldRetiresWhenItsTokensHaveExpired()
            throws Exception {
        Setup s = setUp("rotating");
        List<String> before = jwks(s);
        assertThat(before).as("one key per algorithm").hasSize(2);
        String first = token(s);
        String oldKid = kid(first);

        Response rotated = http().admin("POST", "/admin/tenants/rotating/signing-keys/rotate", Map.of("alg", "ES256"));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(202);
        String newKid = rotated.json().get(0).get("kid").asString();
        assertThat(rotated.json().get(0).get("status").asString()).isEqualTo("pending");

        // pre-publication: in the JWKS, not signing
        assertThat(jwks(s)).containsExactlyInAnyOrderElementsOf(plus(before, newKid));
        CLOCK.advance(PRE_PUBLICATION.minusSeconds(1));
        sweeper.sweep();
        String during = token(s);
        assertThat(kid(during)).as("still the old key until the pre-publication is over").isEqualTo(oldKid);

        CLOCK.advance(Duration.ofSeconds(1));
        sweeper.sweep();
        String after = token(s);
        assertThat(kid(after)).isEqualTo(newKid);
        assertThat(status(keys(s), oldKid)).isEqualTo("retiring");
        assertThat(jwks(s)).as("the old key stays published").contains(oldKid, newKid);
        assertThat(active(s, first)).as("a token of the old key verifies until it expires").isTrue();
        assertThat(active(s, during)).isTrue();
        assertThat(active(s, after)).isTrue();

        CLOCK.advance(Duration.ofHours(2));
        assertThat(active(s, during)).as("expired by itself").isFalse();
        // retirement: a day (the tenant's longest token lifetime) after the new key started signing
        CLOCK.advance(Duration.ofHours(22).minusSeconds(1));
        sweeper.sweep();
        assertThat(jwks(s)).contains(oldKid);
        CLOCK.advance(Duration.ofSeconds(1));
        sweeper.sweep();
        assertThat(jwks(s)).doesNotContain(oldKid).contains(newKid).hasSize(2);
        assertThat(status(keys(s), oldKid)).isEqualTo("retired");
        assertThat(active(s, token(s))).isTrue();
    }

    @Test
    void revokeTheSigningKeyThenItIsUnpublishedItsTokensAreInactiveListedAndANewKeySigns() throws Exception {
        Setup s = setUp("compromised");
        String token = token(s);
        String leaked = kid(token);
        assertThat(active(s, token)).isTrue();

        Response revoked = http().admin("POST", "/admin/tenants/compromised/signing-keys/" + leaked + "/revoke",
                Map.of("reason", "private key found in a backup"));
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().get("status").asString()).isEqualTo("revoked");
        assertThat(revoked.json().get("revocation_reason").asString()).isEqualTo("private key found in a backup");

        assertThat(jwks(s)).doesNotContain(leaked).hasSize(2);
        assertThat(active(s, token)).as("a token of a revoked key, though unexpired").isFalse();
        String next = token(s);
        assertThat(kid(next)).isNotEqualTo(leaked);
        assertThat(active(s, next)).isTrue();
        Await.await("the key in the revocation list", Duration.ofSeconds(30), () -> {
            Response r = http().admin("GET", "/t/compromised/revocations?limit=1000", null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            for (JsonNode entry : r.json().get("revocations")) {
                if (entry.get("kind").asString().equals("signing_key") && entry.get("kid").asString().equals(leaked)) {
                    return true;
                }
            }
            return false;
        });

        assertThat(http().admin("POST", "/admin/tenants/compromised/signing-keys/" + leaked + "/revoke", null).status())
                .as("already revoked").isEqualTo(409);
        assertThat(http().admin("POST", "/admin/tenants/compromised/signing-keys/nope/revoke", null).status()).isEqualTo(404);
        assertThat(http().admin("POST", "/admin/tenants/compromised/signing-keys/rotate", Map.of("alg", "HS256")).status())
                .isEqualTo(400);
    }

    @Test
    void scheduleThenKeysRotateByThemselves() throws Exception {
        Setup s = setUp("scheduled");
        Response patched = http().admin("PATCH", "/admin/tenants/scheduled", Map.of("signing_key_rotation_interval", 86_400));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("signing_key_rotation_interval").asLong()).isEqualTo(86_400);
        assertThat(http().admin("PATCH", "/admin/tenants/scheduled", Map.of("signing_key_rotation_interval", 60)).status())
                .isEqualTo(400);
        String oldKid = kid(token(s));

        CLOCK.advance(Duration.ofDays(1));
        sweeper.sweep();
        assertThat(jwks(s)).as("two new keys pre-published").hasSize(4);
        CLOCK.advance(PRE_PUBLICATION);
        sweeper.sweep();
        assertThat(kid(token(s))).isNotEqualTo(oldKid);
    }

    /** OpenID Connect Registration: RS256 unless the client registered {@code id_token_signed_response_alg}. */
    @Test
    void idTokensAreSignedWithTheClientsAlgorithmRs256ByDefault() throws Exception {
        Setup s = setUp("idtokens");
        assertThat(http().admin("POST", "/admin/tenants/idtokens/users", Map.of("username", "alice",
                "password", "correct horse battery staple")).status()).isEqualTo(201);
        Response discovery = http().get("/t/idtokens/.well-known/openid-configuration");
        assertThat(discovery.json().get("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"RS256\",\"ES256\"]");

        for (String alg : new String[] {null, "ES256", "RS256"}) {
            Map<String, Object> client = new java.util.LinkedHashMap<>(Map.of("name", "SPA " + alg, "app_type", "spa",
                    "callbacks", List.of(LoginFlowEndToEndTest.CALLBACK), "grant_types", List.of("authorization_code")));
            if (alg != null) {
                client.put("id_token_signed_response_alg", alg);
            }
            Response spa = http().admin("POST", "/admin/tenants/idtokens/clients", client);
            assertThat(spa.status()).as(spa.toString()).isEqualTo(201);
            String clientId = spa.text("client_id");
            String code = LoginFlowEndToEndTest.login(new Browser("http://localhost:" + port), "idtokens", clientId,
                    "correct horse battery staple");
            Response tokens = http().form("/t/idtokens/oauth/token", TestHttp.params("grant_type", "authorization_code",
                    "client_id", clientId, "code", code, "redirect_uri", LoginFlowEndToEndTest.CALLBACK,
                    "code_verifier", LoginFlowEndToEndTest.VERIFIER), null, null);
            assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
            SignedJWT id = SignedJWT.parse(tokens.text("id_token"));
            assertThat(id.getHeader().getAlgorithm().getName()).as("client asking %s", alg).isEqualTo(alg == null ? "RS256" : alg);
            assertThat(jwks(s)).contains(id.getHeader().getKeyID());
            assertThat(SignedJWT.parse(tokens.text("access_token")).getHeader().getAlgorithm().getName())
                    .as("access tokens keep the tenant's algorithm").isEqualTo("ES256");
        }
        assertThat(http().admin("POST", "/admin/tenants/idtokens/clients", Map.of("name", "bad", "app_type", "spa",
                "callbacks", List.of(LoginFlowEndToEndTest.CALLBACK), "id_token_signed_response_alg", "none")).status())
                .isEqualTo(400);
    }

    /** An API may sign its access tokens with another algorithm than the tenant's; cleared, it follows the tenant. */
    @Test
    void anApisSigningAlgChoosesItsAccessTokensAlgorithm() throws Exception {
        Setup s = setUp("apialg");
        assertThat(SignedJWT.parse(token(s)).getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        String apiId = http().admin("GET", "/admin/tenants/apialg/apis", null).json().get(0).get("id").asString();

        Response rs = http().admin("PATCH", "/admin/tenants/apialg/apis/" + apiId, Map.of("signing_alg", "RS256"));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(200);
        assertThat(rs.json().get("signing_alg").asString()).isEqualTo("RS256");
        String token = token(s);
        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(jwks(s)).contains(kid(token));
        assertThat(active(s, token)).isTrue();

        assertThat(http().admin("PATCH", "/admin/tenants/apialg/apis/" + apiId, Map.of("signing_alg", "none")).status())
                .isEqualTo(400);
        assertThat(http().admin("PATCH", "/admin/tenants/apialg/apis/" + apiId, Map.of("signing_alg", "")).status())
                .isEqualTo(200);
        assertThat(SignedJWT.parse(token(s)).getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    }

    private static List<String> plus(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }
}
