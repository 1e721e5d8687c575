package dev.tally.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A private_key_jwt client's assertion is accepted once across two token-service nodes on one PostgreSQL database
 * (the shared {@code client_assertion_jti} table): used on one node, it is refused on the other; sent to both at the
 * same moment, exactly one node accepts it. The nodes share one issuer ({@code TALLY_BASE_URL}), so the assertion's
 * {@code aud} is right for both and only its {@code jti} decides.
 */
class PrivateKeyJwtAcrossTokenNodesOnPostgresTest {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_dist_pkjwt");
    static final String TENANT = "keys";
    static final String ISSUER = "https://id.keys.test/t/" + TENANT;
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final List<ConfigurableApplicationContext> services = new ArrayList<>();
    static ECKey key;
    static String clientId;
    static String nodeA;
    static String nodeB;

    static Map<String, String> environment() {
        Map<String, String> env = Services.environment(DB);
        env.put("TALLY_DB_POOL_SIZE", "4");
        env.put("TALLY_BASE_URL", "https://id.keys.test");
        return env;
    }

    @BeforeAll
    static void deploy() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ConfigurableApplicationContext command = start(Services.command(environment()));
        TestHttp admin = new TestHttp(Services.url(command), Services.ADMIN_TOKEN);
        created(admin.admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", "Keys")));
        created(admin.admin("POST", "/admin/tenants/" + TENANT + "/apis", Map.of("identifier", "https://api.keys.test",
                "name", "API", "token_lifetime", 600, "scopes", List.of("read"))));
        clientId = created(admin.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "Batch job",
                "app_type", "non_interactive", "token_endpoint_auth_method", "private_key_jwt",
                "jwks", new JWKSet(key).toJSONObject(true)))).text("client_id");
        nodeA = Services.url(start(Services.token(environment(), Services.url(command))));
        nodeB = Services.url(start(Services.token(environment(), Services.url(command))));
    }

    @AfterAll
    static void undeploy() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }

    static String assertion() throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(ISSUER + "/oauth/token")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
                        .jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static Response token(String node, String assertion) {
        return new TestHttp(node, null).form("/t/" + TENANT + "/oauth/token", TestHttp.params("grant_type",
                "client_credentials", "audience", "https://api.keys.test", "client_assertion_type", JWT_BEARER,
                "client_assertion", assertion), null, null);
    }

    @Test
    void anAssertionUsedOnOneNodeIsRefusedOnTheOther() throws Exception {
        String assertion = assertion();

        Response onA = token(nodeA, assertion);
        Response onB = token(nodeB, assertion);

        assertThat(onA.status()).as(onA.toString()).isEqualTo(200);
        assertThat(onB.status()).as(onB.toString()).isEqualTo(401);
        assertThat(onB.text("error")).isEqualTo("invalid_client");
        assertThat(onB.text("error_description")).contains("already used");
        assertThat(token(nodeB, assertion()).status()).as("a fresh assertion on the second node").isEqualTo(200);
    }

    @Test
    void oneAssertionSentToBothNodesAtTheSameMomentIsAcceptedOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= 10; round++) {
                String assertion = assertion();
                CountDownLatch ready = new CountDownLatch(2);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Response>> answers = new ArrayList<>();
                for (String node : List.of(nodeA, nodeB)) {
                    answers.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return token(node, assertion);
                    }));
                }
                assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
                go.countDown();
                Response a = answers.get(0).get(60, TimeUnit.SECONDS);
                Response b = answers.get(1).get(60, TimeUnit.SECONDS);
                assertThat(List.of(a.status(), b.status())).as("round %d: %s / %s", round, a, b)
                        .containsExactlyInAnyOrder(200, 401);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ConfigurableApplicationContext start(ConfigurableApplicationContext service) {
        services.add(service);
        return service;
    }

    private static Response created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response;
    }
}
