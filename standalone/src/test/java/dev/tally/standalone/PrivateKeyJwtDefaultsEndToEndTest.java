package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The platform's defaults for {@code jwks_uri} ({@code tally.client-jwks.*} unset): an {@code http} URI is refused at
 * registration, and a URI on loopback is never fetched (the server listening there is never called), so an
 * assertion that depends on it is {@code invalid_client}.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrivateKeyJwtDefaultsEndToEndTest {
    static final String ADMIN = "private-key-jwt-defaults-admin-token";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-private-key-jwt-defaults");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;

    @Test
    void aJwksUriOnLoopbackIsNeverFetchedAndHttpIsRefusedAtRegistration() throws Exception {
        TestHttp admin = new TestHttp("http://127.0.0.1:" + port, ADMIN);
        assertThat(admin.admin("POST", "/admin/tenants", Map.of("id", "defaults", "name", "Defaults")).status()).isEqualTo(201);
        assertThat(admin.admin("POST", "/admin/tenants/defaults/apis", Map.of("identifier", "https://api.test",
                "name", "API", "token_lifetime", 600, "scopes", List.of("read"))).status()).isEqualTo(201);
        HttpServer keys = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        keys.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        keys.start();
        try {
            Response http = admin.admin("POST", "/admin/tenants/defaults/clients", Map.of("name", "Job",
                    "app_type", "non_interactive", "token_endpoint_auth_method", "private_key_jwt",
                    "jwks_uri", "http://127.0.0.1:" + keys.getAddress().getPort() + "/jwks.json"));
            assertThat(http.status()).as(http.toString()).isEqualTo(400);
            assertThat(http.text("detail")).contains("https");

            Response registered = admin.admin("POST", "/admin/tenants/defaults/clients", Map.of("name", "Job",
                    "app_type", "non_interactive", "token_endpoint_auth_method", "private_key_jwt",
                    "jwks_uri", "https://127.0.0.1:" + keys.getAddress().getPort() + "/jwks.json"));
            assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
            String clientId = registered.text("client_id");
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
            Instant now = Instant.now();
            SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(),
                    new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
                            .audience("http://127.0.0.1:" + port + "/t/defaults").issueTime(Date.from(now))
                            .expirationTime(Date.from(now.plusSeconds(60))).jwtID(UUID.randomUUID().toString()).build());
            assertion.sign(new ECDSASigner(key));

            Response token = admin.form("/t/defaults/oauth/token", TestHttp.params("grant_type", "client_credentials",
                    "audience", "https://api.test", "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion.serialize()),
                    null, null);

            assertThat(token.status()).as(token.toString()).isEqualTo(401);
            assertThat(token.text("error")).isEqualTo("invalid_client");
            assertThat(token.text("error_description")).contains("may not be reached");
            assertThat(calls.get()).as("the loopback server was never called").isZero();
        } finally {
            keys.stop(0);
        }
    }
}
