package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.Await;
import dev.tally.testsupport.FaultyTcpProxy;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Users are read from the store when a request needs one; when that read is cut (the database connection drops in the
 * middle of it), the answer is {@code 503 temporarily_unavailable}, never "no such user" and never a 500, and the next
 * request, on a new connection, is answered as before. PostgreSQL reached through a proxy that cuts the connection
 * carrying a chosen statement; no user is cached ({@code tally.token.users.cache-size=0}), so every request reads.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UsersStoreOutageOnPostgresTest {
    static final String ADMIN = "users-outage-admin-token";
    static final String PASSWORD = "a password for the outage";
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_users_outage");
    static final FaultyTcpProxy PROXY = FaultyTcpProxy.before(DB);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-users-outage");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.token.users.cache-size", () -> 0);
        DB.registerThrough(registry, PROXY.port());
    }

    @AfterAll
    static void closeProxy() throws Exception {
        PROXY.close();
    }

    @LocalServerPort
    int port;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /** Every view of the query side is at the store's head. */
    static void quiet(TestHttp http) {
        Await.await("the query side at the store's head", Duration.ofSeconds(30), () -> {
            Response projections = http.adminGet("/admin/projections", "application/json");
            if (projections.status() != 200) {
                return false;
            }
            for (var view : projections.json().get("projections")) {
                if (view.get("lag_events").asLong() != 0) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void aCutReadOfAUserIsA503AndTheNextRequestIsAnsweredAsBefore() {
        TestHttp http = http();
        String tenant = "outage";
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api.outage.test",
                "name", "API", "token_lifetime", 600, "scopes", List.of("read"))).status()).isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Legacy",
                "app_type", "regular_web", "grant_types", List.of("password")));
        assertThat(client.status()).isEqualTo(201);
        Response user = http.admin("POST", "/admin/tenants/" + tenant + "/users",
                Map.of("username", "olive", "password", PASSWORD));
        assertThat(user.status()).isEqualTo(201);
        String userId = user.text("user_id");
        Map<String, String> grant = TestHttp.params("grant_type", "password", "username", "olive", "password", PASSWORD,
                "audience", "https://api.outage.test", "scope", "openid");

        Response before = http.form("/t/" + tenant + "/oauth/token", grant, client.text("client_id"), client.text("client_secret"));
        assertThat(before.status()).as(before.toString()).isEqualTo(200);
        String accessToken = before.text("access_token");

        int rounds = 5;
        for (int i = 0; i < rounds; i++) {
            // the username index's read
            int cuts = PROXY.cuts();
            PROXY.cutWhenClientSends("user_catalog");
            Response cutIndex = http.form("/t/" + tenant + "/oauth/token", grant, client.text("client_id"),
                    client.text("client_secret"));
            PROXY.disarm();
            assertThat(PROXY.cuts()).as("round %d: the index's read was cut", i).isEqualTo(cuts + 1);
            assertThat(cutIndex.status()).as("round %d: %s", i, cutIndex).isEqualTo(503);
            assertThat(cutIndex.text("error")).isEqualTo("temporarily_unavailable");

            // the user's own stream, read by userinfo for the token's subject; the query side must not be writing
            // the user's id at that moment (the audit view's rows of the last grant carry it), or its write is cut
            quiet(http);
            cuts = PROXY.cuts();
            PROXY.cutWhenClientSends(userId);
            Response cutStream = http.bearer("/t/" + tenant + "/userinfo", accessToken);
            PROXY.disarm();
            assertThat(PROXY.cuts()).as("round %d: the stream's read was cut", i).isEqualTo(cuts + 1);
            assertThat(cutStream.status()).as("round %d: %s", i, cutStream).isEqualTo(503);

            Response after = http.form("/t/" + tenant + "/oauth/token", grant, client.text("client_id"), client.text("client_secret"));
            assertThat(after.status()).as("round %d, after the cut: %s", i, after).isEqualTo(200);
            Response userinfo = http.bearer("/t/" + tenant + "/userinfo", accessToken);
            assertThat(userinfo.status()).as("round %d, after the cut: %s", i, userinfo).isEqualTo(200);
            assertThat(userinfo.text("sub")).isEqualTo(userId);
        }
    }
}
