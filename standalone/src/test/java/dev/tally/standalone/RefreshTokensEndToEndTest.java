package dev.tally.standalone;

import static dev.tally.standalone.LoginFlowEndToEndTest.CALLBACK;
import static dev.tally.standalone.LoginFlowEndToEndTest.CLOCK;
import static dev.tally.standalone.LoginFlowEndToEndTest.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.platform.axon.GroupCommitCommandBus;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.FaultyTcpProxy;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Refresh tokens over real HTTP on the standalone server with PostgreSQL as the event store, reached through a
 * proxy that can cut the connection in the middle of a statement: rotation, replay of an old token, leeway, and a
 * connection lost while a rotation is in flight.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(LoginFlowEndToEndTest.Clocks.class)
class RefreshTokensEndToEndTest {
    static final String ADMIN = "refresh-e2e-admin-token";
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_refresh_e2e");
    static final FaultyTcpProxy PROXY = FaultyTcpProxy.before(DB);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-refresh");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        DB.registerThrough(registry, PROXY.port());
    }

    @AfterAll
    static void closeProxy() throws Exception {
        PROXY.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    GroupCommitCommandBus commandBus;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /** A tenant whose API allows offline access, a SPA client that may refresh, and the user alice. */
    String setUp(String tenant, Map<String, Object> refreshSettings) {
        TestHttp http = http();
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api." + tenant + ".test",
                "name", "API", "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true)).status())
                .isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Web app", "app_type", "spa",
                "callbacks", List.of(CALLBACK), "grant_types", List.of("authorization_code", "refresh_token"),
                "refresh_token", refreshSettings));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", "correct horse battery staple")).status()).isEqualTo(201);
        return client.text("client_id");
    }

    /** Code flow with offline_access: answers the first refresh token. */
    String firstRefreshToken(Browser browser, String tenant, String clientId) {
        String code = LoginFlowEndToEndTest.login(browser, tenant, clientId, "correct horse battery staple",
                "openid offline_access read:orders");
        Response tokens = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", clientId, "code", code, "redirect_uri", CALLBACK, "code_verifier", VERIFIER), null, null);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(tokens.text("scope")).contains("offline_access");
        return tokens.text("refresh_token");
    }

    Response refresh(String tenant, String clientId, String refreshToken) {
        return http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "client_id", clientId, "refresh_token", refreshToken), null, null);
    }

    @Test
    void rotationThenReplayOfTheFirstTokenRevokesTheWholeFamilyAndTheSession() {
        String clientId = setUp("rotation", Map.of("rotation", "rotate"));
        Browser browser = new Browser("http://localhost:" + port);
        String first = firstRefreshToken(browser, "rotation", clientId);
        long groupedBefore = commandBus.groupedCommands();

        Response second = refresh("rotation", clientId, first);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.text("access_token")).isNotBlank();
        assertThat(second.text("refresh_token")).isNotEqualTo(first);
        Response third = refresh("rotation", clientId, second.text("refresh_token"));
        assertThat(third.status()).isEqualTo(200);
        String newest = third.text("refresh_token");
        assertThat(commandBus.groupedCommands() - groupedBefore).as("rotations are group-committed").isEqualTo(2);

        Response replay = refresh("rotation", clientId, first);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.text("error")).isEqualTo("invalid_grant");
        Response newestAfter = refresh("rotation", clientId, newest);
        assertThat(newestAfter.text("error")).as("every token of the family is dead").isEqualTo("invalid_grant");

        assertThat(events("ReuseDetected")).hasSize(1);
        assertThat(events("RefreshTokenFamilyRevoked")).anySatisfy(p -> assertThat(p).contains("\"reason\":\"REUSE\""));
        assertThat(events("SessionRevoked")).anySatisfy(p -> assertThat(p).contains("\"reason\":\"REFRESH_TOKEN_REUSE\""));
        // No token or hash of a token appears in clear: only SHA-256 hashes are stored.
        assertThat(events("TokenRotated")).noneSatisfy(p -> assertThat(p).contains(first));
    }

    @Test
    void theConnectionDroppingDuringARotationLeavesTheFamilyAsItWasAndTheSameTokenWorksAfterwards() {
        String clientId = setUp("fault", Map.of("rotation", "rotate"));
        Browser browser = new Browser("http://localhost:" + port);
        String token = firstRefreshToken(browser, "fault", clientId);
        int rotatedBefore = events("TokenRotated").size();
        int cutsBefore = PROXY.cuts();

        PROXY.cutWhenClientSends("INSERT INTO domain_event_entry");
        Response during = refresh("fault", clientId, token);
        assertThat(PROXY.cuts()).as("the proxy cut the connection mid-append").isEqualTo(cutsBefore + 1);
        assertThat(during.status()).as(during.toString()).isEqualTo(503);
        assertThat(during.text("error")).isEqualTo("temporarily_unavailable");
        assertThat(events("TokenRotated")).hasSize(rotatedBefore);
        assertThat(events("RefreshTokenFamilyRevoked")).noneSatisfy(p -> assertThat(p).contains("fault"));

        Response after = refresh("fault", clientId, token);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(refresh("fault", clientId, after.text("refresh_token")).status()).isEqualTo(200);
    }

    /**
     * A refresh's decision and its tokens' records commit together (this node knows the family, started here, so the
     * records ride with the rotation): a connection cut as the record is sent leaves neither, the answer is 503, and
     * the same token then rotates as if nothing had happened (not a replay, never a reuse).
     */
    @Test
    void aConnectionCutWhileARefreshsRecordIsSentLeavesNeitherTheRotationNorTheRecordAndTheSameTokenWorks() {
        String clientId = setUp("spent", Map.of("rotation", "rotate"));
        Browser browser = new Browser("http://localhost:" + port);
        String token = firstRefreshToken(browser, "spent", clientId);
        int rotatedBefore = events("TokenRotated").size();
        int issuedBefore = events("AccessTokenIssued").size();
        int cutsBefore = PROXY.cuts();

        PROXY.cutWhenClientSends("TokenEvents$AccessTokenIssued");
        Response during = refresh("spent", clientId, token);
        assertThat(PROXY.cuts()).as("the proxy cut the issuance record in flight").isEqualTo(cutsBefore + 1);
        assertThat(during.status()).as(during.toString()).isEqualTo(503);
        assertThat(during.text("error")).isEqualTo("temporarily_unavailable");
        assertThat(events("TokenRotated")).as("the rotation went with its record").hasSize(rotatedBefore);
        assertThat(events("AccessTokenIssued")).hasSize(issuedBefore);

        Response retry = refresh("spent", clientId, token);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
        assertThat(events("TokenRotated")).hasSize(rotatedBefore + 1);
        String jti = StandaloneCrashTest.jti(retry.text("access_token"));
        assertThat(events("AccessTokenIssued")).hasSize(issuedBefore + 1)
                .anySatisfy(p -> assertThat(p).contains("\"jti\":\"" + jti + "\""));
        assertThat(events("RefreshTokenReplayed")).noneSatisfy(p -> assertThat(p).contains("spent"));
        assertThat(events("ReuseDetected")).noneSatisfy(p -> assertThat(p).contains("spent"));
        assertThat(refresh("spent", clientId, retry.text("refresh_token")).status()).isEqualTo(200);
    }

    /**
     * A login that starts a family sends its tokens' records with the start, one transaction: a connection cut as the
     * records are sent leaves neither the family nor a record, the answer is 503, and the next login starts a family
     * whose records are in the store with it.
     */
    @Test
    void aConnectionCutWhileALoginsRecordsAreSentLeavesNeitherTheFamilyNorTheRecords() {
        String clientId = setUp("startcut", Map.of("rotation", "rotate"));
        String code = LoginFlowEndToEndTest.login(new Browser("http://localhost:" + port), "startcut", clientId,
                "correct horse battery staple", "openid offline_access read:orders");
        int startedBefore = events("RefreshTokenFamilyStarted").size();
        int accessBefore = events("AccessTokenIssued").size();
        int idBefore = events("IdTokenIssued").size();
        int cutsBefore = PROXY.cuts();

        PROXY.cutWhenClientSends("TokenEvents$AccessTokenIssued");
        Response during = http().form("/t/startcut/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", clientId, "code", code, "redirect_uri", CALLBACK, "code_verifier", VERIFIER), null, null);
        assertThat(PROXY.cuts()).as("the proxy cut the login's records in flight").isEqualTo(cutsBefore + 1);
        assertThat(during.status()).as(during.toString()).isEqualTo(503);
        assertThat(during.text("error")).isEqualTo("temporarily_unavailable");
        assertThat(events("RefreshTokenFamilyStarted")).as("the family went with its records").hasSize(startedBefore);
        assertThat(events("AccessTokenIssued")).hasSize(accessBefore);
        assertThat(events("IdTokenIssued")).hasSize(idBefore);

        String token = firstRefreshToken(new Browser("http://localhost:" + port), "startcut", clientId);
        String familyId = RefreshTokens.familyOf(token);
        assertThat(events("RefreshTokenFamilyStarted")).hasSize(startedBefore + 1)
                .anySatisfy(p -> assertThat(p).contains("\"familyId\":\"" + familyId + "\""));
        assertThat(events("AccessTokenIssued")).hasSize(accessBefore + 1)
                .anySatisfy(p -> assertThat(p).contains("\"familyId\":\"" + familyId + "\""));
        assertThat(events("IdTokenIssued")).hasSize(idBefore + 1);
        assertThat(refresh("startcut", clientId, token).status()).isEqualTo(200);
    }

    @Test
    void withinTheLeewayThePreviousTokenGetsTheSameSuccessorAndAfterItIsReuse() {
        String clientId = setUp("leeway", Map.of("rotation", "rotate", "leeway", 10));
        Browser browser = new Browser("http://localhost:" + port);
        String first = firstRefreshToken(browser, "leeway", clientId);
        Response firstTab = refresh("leeway", clientId, first);
        assertThat(firstTab.status()).isEqualTo(200);

        Response secondTab = refresh("leeway", clientId, first);
        assertThat(secondTab.status()).as("a second tab refreshing at once").isEqualTo(200);
        assertThat(secondTab.text("refresh_token")).as("the same successor").isEqualTo(firstTab.text("refresh_token"));
        assertThat(secondTab.text("access_token")).isNotEqualTo(firstTab.text("access_token"));
        CLOCK.advance(Duration.ofSeconds(11));
        assertThat(refresh("leeway", clientId, first).text("error")).isEqualTo("invalid_grant");
        assertThat(refresh("leeway", clientId, secondTab.text("refresh_token")).text("error")).isEqualTo("invalid_grant");
    }

    @Test
    void rotationNoneKeepsTheSameTokenWorking() {
        String clientId = setUp("norotation", Map.of("rotation", "none"));
        Browser browser = new Browser("http://localhost:" + port);
        String token = firstRefreshToken(browser, "norotation", clientId);
        for (int i = 0; i < 3; i++) {
            Response r = refresh("norotation", clientId, token);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text("refresh_token")).isEqualTo(token);
        }
    }

    @Test
    void aFamilyIdWithAnInventedSecretIsRefusedWithoutHarmingTheFamily() {
        String clientId = setUp("forged", Map.of());
        Browser browser = new Browser("http://localhost:" + port);
        String token = firstRefreshToken(browser, "forged", clientId);
        String forged = token.substring(0, token.indexOf('.') + 1) + "A".repeat(43);
        assertThat(refresh("forged", clientId, forged).text("error")).isEqualTo("invalid_grant");
        assertThat(refresh("forged", clientId, token).status()).isEqualTo(200);
    }

    @Test
    void aRefreshTokenOfAnotherTenantIsAnInvalidGrantNotAnError() {
        String clientA = setUp("refresh-a", Map.of());
        String clientB = setUp("refresh-b", Map.of());
        String tokenOfA = firstRefreshToken(new Browser("http://localhost:" + port), "refresh-a", clientA);

        Response crossTenant = refresh("refresh-b", clientB, tokenOfA);
        assertThat(crossTenant.status()).isEqualTo(400);
        assertThat(crossTenant.text("error")).isEqualTo("invalid_grant");
        assertThat(refresh("refresh-a", clientA, tokenOfA).status()).as("and the family is untouched").isEqualTo(200);
    }

    List<String> events(String type) {
        return jdbc.queryForList("SELECT payload FROM domain_event_entry WHERE payload_type LIKE ?", byte[].class, "%$" + type)
                .stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }
}
