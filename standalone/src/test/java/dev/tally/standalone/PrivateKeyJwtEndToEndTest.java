package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 16, item 7: {@code private_key_jwt} over real HTTP on the standalone server. Clients register their public
 * keys ({@code jwks}, or a {@code jwks_uri} served here by a JDK HttpServer on loopback, which this test's platform
 * allows with {@code tally.client-jwks.allow-private-addresses} and {@code allow-http}) and authenticate at the
 * token, introspection and revocation endpoints with assertions built with Nimbus, on a clock the test moves.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(PrivateKeyJwtEndToEndTest.Clocks.class)
class PrivateKeyJwtEndToEndTest {
    static final String ADMIN = "private-key-jwt-admin-token";
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    static final AtomicInteger TENANTS = new AtomicInteger();
    static final AtomicInteger ADDRESSES = new AtomicInteger(30);
    static ECKey ecKey;
    static RSAKey rsaKey;
    static ECKey otherKey;
    static HttpServer jwksServer;
    static final AtomicReference<String> SERVED = new AtomicReference<>();
    static final AtomicInteger FETCHES = new AtomicInteger();

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock privateKeyJwtTestClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-private-key-jwt");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.client-jwks.allow-private-addresses", () -> "true");
        registry.add("tally.client-jwks.allow-http", () -> "true");
    }

    @BeforeAll
    static void keysAndServer() throws Exception {
        ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        otherKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks.json", exchange -> {
            FETCHES.incrementAndGet();
            byte[] body = SERVED.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwksServer.start();
    }

    @AfterAll
    static void stopServer() {
        jwksServer.stop(0);
    }

    @LocalServerPort
    int port;
    String tenant;
    TestHttp admin;
    TestHttp http;

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    String issuer() {
        return baseUrl() + "/t/" + tenant;
    }

    /** A tenant per test with an API; each test sends from a loopback address of its own (the throttle counts by it). */
    @BeforeEach
    void setUp() {
        tenant = "pkjwt-" + TENANTS.incrementAndGet();
        admin = new TestHttp(baseUrl(), ADMIN);
        http = new TestHttp(baseUrl(), ADMIN, TestHttp.loopback("127.0.1." + ADDRESSES.incrementAndGet()));
        assertThat(admin.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        assertThat(admin.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api.test",
                "name", "API", "token_lifetime", 600, "scopes", List.of("read:orders"))).status()).isEqualTo(201);
    }

    Response register(Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", "Orders service", "app_type", "non_interactive"));
        body.putAll(fields);
        return admin.admin("POST", "/admin/tenants/" + tenant + "/clients", body);
    }

    String keyClient(JWK... keys) {
        Response r = register(Map.of("token_endpoint_auth_method", "private_key_jwt",
                "jwks", new JWKSet(List.of(keys)).toJSONObject(true)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.text("client_id");
    }

    static JWTClaimsSet.Builder claims(String clientId, String audience) {
        Instant now = CLOCK.instant();
        return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID(UUID.randomUUID().toString());
    }

    static String signed(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
        return jwt.serialize();
    }

    String assertion(String clientId) throws Exception {
        return signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer() + "/oauth/token").build());
    }

    Response token(String assertion) {
        return http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "https://api.test", "client_assertion_type", JWT_BEARER, "client_assertion", assertion), null, null);
    }

    static void assertInvalidClient(Response r, String description) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.text("error")).isEqualTo("invalid_client");
        if (description != null) {
            assertThat(r.text("error_description")).contains(description);
        }
    }

    @Test
    void aKeyClientGetsATokenThenIntrospectsAndRevokesItWithAssertions() throws Exception {
        String clientId = keyClient(ecKey);

        Response issued = token(assertion(clientId));

        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        String accessToken = issued.text("access_token");
        Response introspected = http.form("/t/" + tenant + "/oauth/introspect", TestHttp.params("token", accessToken,
                "client_assertion_type", JWT_BEARER, "client_assertion",
                signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer() + "/oauth/introspect").build())), null, null);
        assertThat(introspected.status()).as(introspected.toString()).isEqualTo(200);
        assertThat(introspected.json().get("active").asBoolean()).isTrue();
        assertThat(introspected.text("client_id")).isEqualTo(clientId);
        Response revoked = http.form("/t/" + tenant + "/oauth/revoke", TestHttp.params("token", accessToken,
                "client_assertion_type", JWT_BEARER, "client_assertion",
                signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer()).build())), null, null);
        assertThat(revoked.status()).as("aud the issuer: " + revoked).isEqualTo(200);
        Response afterRevocation = http.form("/t/" + tenant + "/oauth/introspect", TestHttp.params("token", accessToken,
                "client_assertion_type", JWT_BEARER, "client_assertion",
                signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer()).build())), null, null);
        assertThat(afterRevocation.json().get("active").asBoolean()).as(afterRevocation.toString()).isFalse();
    }

    @Test
    void anRsaKeyClientAuthenticatesWithRs256AndPs256() throws Exception {
        String clientId = keyClient(rsaKey);

        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256)) {
            Response issued = token(signed(rsaKey, alg, claims(clientId, issuer() + "/oauth/token").build()));
            assertThat(issued.status()).as(alg + ": " + issued).isEqualTo(200);
        }
    }

    @Test
    void theSameAssertionTwiceIsRefusedTheSecondTime() throws Exception {
        String clientId = keyClient(ecKey);
        String assertion = assertion(clientId);

        assertThat(token(assertion).status()).isEqualTo(200);
        Response replayed = token(assertion);

        assertInvalidClient(replayed, "already used");
        assertThat(replayed.body()).doesNotContain(assertion.substring(0, 20));
    }

    @Test
    void assertionsWithTheWrongAudienceExpiredTooLongOrWithoutJtiAreRefused() throws Exception {
        String clientId = keyClient(ecKey);
        Instant now = CLOCK.instant();

        assertInvalidClient(token(signed(ecKey, JWSAlgorithm.ES256, claims(clientId, "https://elsewhere.test/token").build())),
                "aud");
        assertInvalidClient(token(signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer() + "/oauth/introspect").build())),
                "aud");
        assertInvalidClient(token(signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer())
                .issueTime(Date.from(now.minusSeconds(300))).expirationTime(Date.from(now.minusSeconds(60))).build())), "expired");
        assertInvalidClient(token(signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer())
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).build())), "too long");
        assertInvalidClient(token(signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer()).jwtID(null).build())), "jti");
        assertInvalidClient(token(signed(ecKey, JWSAlgorithm.ES256, claims(clientId, issuer()).issuer("someone-else").build())),
                "iss");
    }

    @Test
    void anAssertionSignedWithAnotherKeyOrWithHs256OrNoneIsRefused() throws Exception {
        String clientId = keyClient(ecKey);
        JWTClaimsSet claims = claims(clientId, issuer()).build();

        assertInvalidClient(token(signed(otherKey, JWSAlgorithm.ES256, claims)), "signature");
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(clientId, issuer()).build());
        hmac.sign(new MACSigner(new byte[32]));
        assertInvalidClient(token(hmac.serialize()), "algorithm");
        assertInvalidClient(token(new PlainJWT(claims(clientId, issuer()).build()).serialize()), "not a JWS");
        String forgedAlg = Base64URL.encode("{\"alg\":\"none\"}") + "." + claims.toPayload().toBase64URL() + ".";
        assertInvalidClient(token(forgedAlg), null);
    }

    @Test
    void aKeyClientCannotUseASecretNorASecretClientAnAssertion() throws Exception {
        Response keyClient = register(Map.of("token_endpoint_auth_method", "private_key_jwt",
                "jwks", new JWKSet(ecKey).toJSONObject(true)));
        assertThat(keyClient.text("client_secret")).as("a private_key_jwt client has no secret").isNull();
        Response secretClient = register(Map.of());
        String secret = secretClient.text("client_secret");

        Response withSecret = http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "https://api.test"), keyClient.text("client_id"), secret);
        Response withAssertion = token(assertion(secretClient.text("client_id")));

        assertInvalidClient(withSecret, null);
        assertInvalidClient(withAssertion, null);
        Response both = http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "client_assertion_type", JWT_BEARER, "client_assertion", assertion(keyClient.text("client_id"))),
                secretClient.text("client_id"), secret);
        assertThat(both.status()).as(both.toString()).isEqualTo(400);
        assertThat(both.text("error")).isEqualTo("invalid_request");
    }

    @Test
    void failedAssertionsCountForTheThrottle() throws Exception {
        String clientId = keyClient(ecKey);
        for (int i = 0; i < 10; i++) {
            assertInvalidClient(token(signed(otherKey, JWSAlgorithm.ES256, claims(clientId, issuer()).build())), null);
        }

        Response throttled = token(assertion(clientId));

        assertThat(throttled.status()).as(throttled.toString()).isEqualTo(429);
        assertThat(throttled.text("error")).isEqualTo("slow_down");
        CLOCK.advance(Duration.ofMinutes(1));
        assertThat(token(assertion(clientId)).status()).isEqualTo(200);
    }

    @Test
    void aJwksUriIsFetchedCachedAndFetchedAgainForANewKidAtMostOncePerInterval() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("rot-1").generate();
        ECKey second = new ECKeyGenerator(Curve.P_256).keyID("rot-2").generate();
        SERVED.set(new JWKSet(first).toString(true));
        Response registered = register(Map.of("token_endpoint_auth_method", "private_key_jwt",
                "jwks_uri", "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json"));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        String clientId = registered.text("client_id");
        int before = FETCHES.get();

        assertThat(token(signed(first, JWSAlgorithm.ES256, claims(clientId, issuer()).build())).status()).isEqualTo(200);
        assertThat(token(signed(first, JWSAlgorithm.ES256, claims(clientId, issuer()).build())).status()).isEqualTo(200);
        assertThat(FETCHES.get() - before).as("fetched once, then cached").isEqualTo(1);

        SERVED.set(new JWKSet(List.of(second, first)).toString(true));
        assertInvalidClient(token(signed(second, JWSAlgorithm.ES256, claims(clientId, issuer()).build())), "kid");
        assertThat(FETCHES.get() - before).as("a new kid right after a fetch waits for the interval").isEqualTo(1);
        CLOCK.advance(Duration.ofSeconds(30));
        Response rotated = token(signed(second, JWSAlgorithm.ES256, claims(clientId, issuer()).build()));
        assertThat(rotated.status()).as("the rotated key, fetched again: " + rotated).isEqualTo(200);
        assertThat(FETCHES.get() - before).isEqualTo(2);
        assertThat(token(signed(second, JWSAlgorithm.ES256, claims(clientId, issuer()).build())).status()).isEqualTo(200);
        assertThat(FETCHES.get() - before).as("and cached again").isEqualTo(2);
    }

    @Test
    void aJwksUriThatCannotBeFetchedIsInvalidClient() throws Exception {
        Response registered = register(Map.of("token_endpoint_auth_method", "private_key_jwt",
                "jwks_uri", "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/missing.json"));
        String clientId = registered.text("client_id");

        assertInvalidClient(token(assertion(clientId)), "jwks_uri");
    }

    @Test
    void registrationShowsTheMethodKeysAndIdTokenAlgorithmAndRefusesBadValues() throws Exception {
        Response plain = register(Map.of());
        assertThat(plain.text("token_endpoint_auth_method")).isEqualTo("client_secret_basic");
        assertThat(plain.text("id_token_signed_response_alg")).isEqualTo("RS256");
        Response spa = register(Map.of("app_type", "spa"));
        assertThat(spa.text("token_endpoint_auth_method")).isEqualTo("none");

        Response keyed = register(Map.of("token_endpoint_auth_method", "private_key_jwt",
                "jwks", new JWKSet(ecKey).toJSONObject(false), "id_token_signed_response_alg", "ES256"));
        assertThat(keyed.status()).as(keyed.toString()).isEqualTo(400);
        assertThat(keyed.text("detail")).contains("private");

        Response good = register(Map.of("token_endpoint_auth_method", "private_key_jwt",
                "jwks", new JWKSet(List.of(ecKey, rsaKey)).toJSONObject(true), "id_token_signed_response_alg", "ES256"));
        assertThat(good.status()).as(good.toString()).isEqualTo(201);
        Response shown = admin.admin("GET", "/admin/tenants/" + tenant + "/clients/" + good.text("client_id"), null);
        assertThat(shown.text("token_endpoint_auth_method")).isEqualTo("private_key_jwt");
        assertThat(shown.text("id_token_signed_response_alg")).isEqualTo("ES256");
        assertThat(shown.json().get("jwks").get("keys").size()).isEqualTo(2);
        assertThat(shown.body()).doesNotContain("\"d\"");

        Map<String, Object> symmetric = Map.of("keys", List.of(Map.of("kty", "oct", "kid", "s", "k", "AAAAAAAAAAAAAAAAAAAAAA")));
        Map<String, Object> noKids = new JWKSet(List.of(ecKey.toPublicJWK(), otherKey.toPublicJWK())).toJSONObject(true);
        ((List<Map<String, Object>>) noKids.get("keys")).forEach(k -> k.remove("kid"));
        String uri = "https://keys.example.test/jwks.json";
        for (Map<String, Object> refused : List.<Map<String, Object>>of(
                Map.of("token_endpoint_auth_method", "private_key_jwt", "jwks", symmetric),
                Map.of("token_endpoint_auth_method", "private_key_jwt", "jwks", noKids),
                Map.of("token_endpoint_auth_method", "private_key_jwt", "jwks", new JWKSet(ecKey).toJSONObject(true),
                        "jwks_uri", uri),
                Map.of("token_endpoint_auth_method", "private_key_jwt"),
                Map.of("token_endpoint_auth_method", "private_key_jwt", "jwks_uri", "ftp://keys.example.test/jwks"),
                Map.of("token_endpoint_auth_method", "magic"),
                Map.of("app_type", "spa", "token_endpoint_auth_method", "private_key_jwt", "jwks_uri", uri),
                Map.of("token_endpoint_auth_method", "none"),
                Map.of("id_token_signed_response_alg", "HS256"))) {
            Response r = register(refused);
            assertThat(r.status()).as(refused + ": " + r).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
    }

    @Test
    void aSecretClientTurnsToKeysAndBackGettingANewSecret() throws Exception {
        Response created = register(Map.of());
        String clientId = created.text("client_id");
        String oldSecret = created.text("client_secret");
        String path = "/admin/tenants/" + tenant + "/clients/" + clientId;

        Response keyed = admin.admin("PATCH", path, Map.of("token_endpoint_auth_method", "private_key_jwt",
                "jwks", new JWKSet(ecKey).toJSONObject(true)));
        assertThat(keyed.status()).as(keyed.toString()).isEqualTo(200);
        assertThat(token(assertion(clientId)).status()).isEqualTo(200);
        assertInvalidClient(http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "https://api.test"), clientId, oldSecret), null);
        assertThat(admin.admin("POST", path + "/rotate-secret", null).status()).isEqualTo(400);

        Response back = admin.admin("PATCH", path, Map.of("token_endpoint_auth_method", "client_secret_post"));
        assertThat(back.status()).as(back.toString()).isEqualTo(200);
        String newSecret = back.text("client_secret");
        assertThat(newSecret).isNotNull().isNotEqualTo(oldSecret);
        assertThat(http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "https://api.test", "client_id", clientId, "client_secret", newSecret), null, null).status())
                .isEqualTo(200);
        assertInvalidClient(token(assertion(clientId)), null);
    }

    @Test
    void discoveryListsPrivateKeyJwtAndItsAlgorithms() {
        Response metadata = http.get("/t/" + tenant + "/.well-known/openid-configuration");

        assertThat(metadata.status()).isEqualTo(200);
        for (String endpoint : List.of("token_endpoint", "introspection_endpoint", "revocation_endpoint")) {
            assertThat(metadata.json().get(endpoint + "_auth_methods_supported").toString()).contains("private_key_jwt");
            assertThat(metadata.json().get(endpoint + "_auth_signing_alg_values_supported").toString())
                    .contains("ES256", "PS256", "RS256").doesNotContain("HS256").doesNotContain("none");
        }
    }
}
