package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 15: client-secret guessing is throttled at the token, introspection and revocation endpoints, over real HTTP
 * on the standalone server with the default limits (10 failures per client and address, 30 per address, in a minute)
 * and a clock the test moves. The guesser and the client itself send from different loopback addresses
 * (127.0.0.0/8 is all this machine's), so the server sees them as two places.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ClientAuthThrottleEndToEndTest.Clocks.class)
class ClientAuthThrottleEndToEndTest {
    static final String ADMIN = "client-auth-throttle-admin-token";
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    /** The client's own address; each test guesses from an address of its own. */
    static final String CLIENT_ADDRESS = "127.0.0.2";

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock clientAuthThrottleTestClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-client-auth-throttle");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    static final AtomicInteger TENANTS = new AtomicInteger();

    @LocalServerPort
    int port;
    String tenant;
    String clientId;
    String secret;

    TestHttp from(String address) {
        return new TestHttp(baseUrl(), ADMIN, TestHttp.loopback(address));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A tenant per test, with an API and a machine client (confidential, client credentials). */
    @BeforeEach
    void setUp() {
        tenant = "throttle-" + TENANTS.incrementAndGet();
        TestHttp admin = new TestHttp(baseUrl(), ADMIN);
        assertThat(admin.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        assertThat(admin.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api.test",
                "name", "API", "token_lifetime", 600, "scopes", List.of("read:orders"))).status()).isEqualTo(201);
        Response client = admin.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Orders service",
                "app_type", "non_interactive"));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        clientId = client.text("client_id");
        secret = client.text("client_secret");
    }

    Response call(String endpoint, TestHttp http, String id, String secret) {
        Map<String, String> form = switch (endpoint) {
            case "token" -> TestHttp.params("grant_type", "client_credentials", "audience", "https://api.test");
            default -> TestHttp.params("token", "not-a-token");
        };
        return http.form("/t/" + tenant + "/oauth/" + endpoint, form, id, secret);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"token", "introspect", "revoke"})
    void tenWrongSecretsFromAnAddressMakeItWaitWithRetryAfterWhileTheClientFromItsOwnAddressGoesOn(String endpoint) {
        String guesser = switch (endpoint) {
            case "token" -> "127.0.0.11";
            case "introspect" -> "127.0.0.12";
            default -> "127.0.0.13";
        };
        TestHttp attacker = from(guesser);
        for (int i = 0; i < 10; i++) {
            Response wrong = call(endpoint, attacker, clientId, "guess-" + i);
            assertThat(wrong.status()).as("guess %d: %s", i, wrong).isEqualTo(401);
            assertThat(wrong.text("error")).isEqualTo("invalid_client");
        }

        Response throttled = call(endpoint, attacker, clientId, secret);

        assertThat(throttled.status()).as("even the right secret, from there: " + throttled).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isEqualTo("60");
        assertThat(throttled.header("Content-Type")).startsWith("application/json");
        assertThat(throttled.header("Cache-Control")).isEqualTo("no-store");
        assertThat(throttled.json().properties()).extracting(Map.Entry::getKey).containsExactly("error", "error_description");
        assertThat(throttled.text("error")).isEqualTo("slow_down");
        assertThat(throttled.text("error_description")).isEqualTo("too many failed client authentications; retry in 60 s");
        Response guessThrottled = call(endpoint, attacker, clientId, "guess-10");
        assertThat(guessThrottled.status()).as("a wrong secret gets the same answer").isEqualTo(429);

        Response own = call(endpoint, from(CLIENT_ADDRESS), clientId, secret);
        assertThat(own.status()).as("the client from its own address: " + own).isEqualTo(200);

        CLOCK.advance(Duration.ofSeconds(59));
        assertThat(call(endpoint, attacker, clientId, secret).header("Retry-After")).isEqualTo("1");
        CLOCK.advance(Duration.ofSeconds(1));
        Response afterTheWindow = call(endpoint, attacker, clientId, secret);
        assertThat(afterTheWindow.status()).as("the window has passed: " + afterTheWindow).isEqualTo(200);
        assertThat(afterTheWindow.header("Retry-After")).isNull();
        Response wrongAgain = call(endpoint, attacker, clientId, "guess-11");
        assertThat(wrongAgain.status()).as("and a wrong secret is a plain 401 again").isEqualTo(401);
    }

    @Test
    void thirtyFailuresFromOneAddressWhateverTheClientMakeEveryClientThereWait() {
        TestHttp scanner = from("127.0.0.21");
        for (int i = 0; i < 30; i++) {
            Response wrong = call(i % 3 == 0 ? "token" : i % 3 == 1 ? "introspect" : "revoke", scanner,
                    "no-such-client-" + i, "x");
            assertThat(wrong.status()).as("attempt %d: %s", i, wrong).isEqualTo(401);
        }

        Response throttled = call("token", scanner, clientId, secret);

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isEqualTo("60");
        assertThat(call("token", from(CLIENT_ADDRESS), clientId, secret).status()).isEqualTo(200);
        CLOCK.advance(Duration.ofMinutes(1));
        assertThat(call("token", scanner, clientId, secret).status()).isEqualTo(200);
    }
}
