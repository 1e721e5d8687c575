package dev.tally.standalone;

import static dev.tally.standalone.LoginFlowEndToEndTest.CALLBACK;
import static dev.tally.standalone.LoginFlowEndToEndTest.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.kernel.user.PermissionChangePolicy;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import dev.tally.testsupport.Await;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
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
 * Introspection (RFC 7662), revocation (RFC 7009) and what a change of a user's permissions revokes, over real HTTP on
 * the standalone server (H2), with a clock the test advances. A resource server is a confidential client of the
 * tenant that introspects; the application is a public SPA that logs its user in with the code flow and refreshes.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RevocationEndToEndTest.Clocks.class)
class RevocationEndToEndTest {
    static final String ADMIN = "revocation-e2e-admin-token";
    static final String PASSWORD = "correct horse battery staple";
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock revocationTestClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-revocation");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    EventStorageEngine storage;

    /** The tenant's clients and user, as the tests use them. */
    record Setup(String tenant, String spa, String rsId, String rsSecret, String legacyId, String legacySecret,
                 String userId) {
        String api() {
            return "https://api." + tenant + ".test";
        }
    }

    /** The tokens of one code-flow login with offline access. */
    record Tokens(String access, String refresh, String id) {
    }

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    String issuer(String tenant) {
        return "http://localhost:" + port + "/t/" + tenant;
    }

    /**
     * A tenant with an API that allows offline access, a SPA that refreshes (absolute family lifetime two hours), a
     * resource server (confidential), a legacy confidential client with the password grant, and the user alice.
     */
    Setup setUp(String tenant, String onPermissionChange) {
        TestHttp http = http();
        Map<String, Object> tenantBody = new java.util.LinkedHashMap<>(Map.of("id", tenant, "name", tenant));
        if (onPermissionChange != null) {
            tenantBody.put("on_permission_change", onPermissionChange);
        }
        Response created = http.admin("POST", "/admin/tenants", tenantBody);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api." + tenant + ".test",
                "name", "API", "token_lifetime", 3600, "token_lifetime_for_web", 600, "scopes", List.of("read:orders"),
                "allow_offline_access", true)).status()).isEqualTo(201);
        Response spa = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Web app", "app_type", "spa",
                "callbacks", List.of(CALLBACK), "grant_types", List.of("authorization_code", "refresh_token"),
                "refresh_token", Map.of("rotation", "rotate", "token_lifetime", 7200)));
        assertThat(spa.status()).as(spa.toString()).isEqualTo(201);
        Response rs = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Orders API",
                "app_type", "non_interactive"));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        Response legacy = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "Legacy",
                "app_type", "regular_web", "grant_types", List.of("password")));
        assertThat(legacy.status()).as(legacy.toString()).isEqualTo(201);
        Response user = http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", PASSWORD, "roles", List.of("reader")));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return new Setup(tenant, spa.text("client_id"), rs.text("client_id"), rs.text("client_secret"),
                legacy.text("client_id"), legacy.text("client_secret"), user.text("user_id"));
    }

    /** Code flow with PKCE and offline_access in this browser (a login session starts, or is reused silently). */
    Tokens login(Browser browser, Setup s) {
        String code = LoginFlowEndToEndTest.login(browser, s.tenant(), s.spa(), PASSWORD, "openid offline_access read:orders");
        return exchange(s, code);
    }

    Tokens exchange(Setup s, String code) {
        Response tokens = http().form("/t/" + s.tenant() + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", s.spa(), "code", code, "redirect_uri", CALLBACK, "code_verifier", VERIFIER), null, null);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return new Tokens(tokens.text("access_token"), tokens.text("refresh_token"), tokens.text("id_token"));
    }

    /** {@code prompt=none}: a code if the session lives, else the error. */
    Map<String, String> silent(Browser browser, Setup s) {
        HttpResponse<String> r = browser.get(LoginFlowEndToEndTest.authorizePath(s.tenant(), s.spa(),
                "openid offline_access read:orders", "&prompt=none"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        return Browser.redirectParams(r);
    }

    Response refresh(Setup s, String refreshToken) {
        return http().form("/t/" + s.tenant() + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "client_id", s.spa(), "refresh_token", refreshToken), null, null);
    }

    /** The legacy client's password grant: no session, no family; only the user's "not before" can revoke it. */
    String passwordGrant(Setup s) {
        Response r = http().form("/t/" + s.tenant() + "/oauth/token", TestHttp.params("grant_type", "password",
                "username", "alice", "password", PASSWORD, "audience", s.api(), "scope", "openid read:orders"),
                s.legacyId(), s.legacySecret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.text("access_token");
    }

    /** Introspection by the resource server (client_secret_basic). */
    Response introspect(Setup s, String token) {
        Response r = http().form("/t/" + s.tenant() + "/oauth/introspect", TestHttp.params("token", token), s.rsId(), s.rsSecret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).contains("no-store");
        return r;
    }

    boolean active(Setup s, String token) {
        return introspect(s, token).json().get("active").asBoolean();
    }

    /** Revocation by the SPA (a public client: its client_id only). */
    Response revokeBySpa(Setup s, String token) {
        return http().form("/t/" + s.tenant() + "/oauth/revoke", TestHttp.params("client_id", s.spa(), "token", token), null, null);
    }

    Response userinfo(Setup s, String accessToken) {
        return new TestHttp("http://localhost:" + port, accessToken).admin("GET", "/t/" + s.tenant() + "/userinfo", null);
    }

    static JWTClaimsSet claims(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    // --- introspection

    @Test
    void activeTokensIntrospectActiveWithTheirClaimsAndInactiveOnceExpired() throws Exception {
        Setup s = setUp("intro", null);
        Tokens t = login(new Browser("http://localhost:" + port), s);
        JWTClaimsSet at = claims(t.access());
        String family = RefreshTokens.familyOf(t.refresh());
        assertThat(at.getStringClaim("sid")).startsWith("ses_");
        assertThat(at.getStringClaim("fid")).isEqualTo(family);

        JsonNode access = introspect(s, t.access()).json();
        assertThat(access.get("active").asBoolean()).isTrue();
        assertThat(access.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(access.get("client_id").asString()).isEqualTo(s.spa());
        assertThat(access.get("sub").asString()).isEqualTo(s.userId());
        assertThat(access.get("scope").asString()).isEqualTo("openid offline_access read:orders");
        assertThat(access.get("aud").values().stream().map(JsonNode::asString).toList())
                .containsExactly(s.api(), issuer("intro") + "/userinfo");
        assertThat(access.get("iss").asString()).isEqualTo(issuer("intro"));
        assertThat(access.get("iat").asLong()).isEqualTo(CLOCK.instant().getEpochSecond());
        assertThat(access.get("exp").asLong()).isEqualTo(CLOCK.instant().getEpochSecond() + 600);
        assertThat(access.get("jti").asString()).isEqualTo(at.getJWTID());
        assertThat(access.get("sid").asString()).isEqualTo(at.getStringClaim("sid"));
        assertThat(access.get("fid").asString()).isEqualTo(family);

        JsonNode refresh = introspect(s, t.refresh()).json();
        assertThat(refresh.get("active").asBoolean()).isTrue();
        assertThat(refresh.get("token_type").asString()).isEqualTo("refresh_token");
        assertThat(refresh.get("client_id").asString()).isEqualTo(s.spa());
        assertThat(refresh.get("sub").asString()).isEqualTo(s.userId());
        assertThat(refresh.get("scope").asString()).isEqualTo("openid offline_access read:orders");
        assertThat(refresh.get("iat").asLong()).isEqualTo(CLOCK.instant().getEpochSecond());
        assertThat(refresh.get("exp").asLong()).isEqualTo(CLOCK.instant().getEpochSecond() + 7200);
        assertThat(refresh.get("sid").asString()).isEqualTo(at.getStringClaim("sid"));
        assertThat(refresh.get("iss").asString()).isEqualTo(issuer("intro"));

        // An ID token is not an access token.
        assertThat(introspect(s, t.id()).json().toString()).isEqualTo("{\"active\":false}");

        CLOCK.advance(Duration.ofSeconds(600));
        assertThat(introspect(s, t.access()).json().toString()).as("expired").isEqualTo("{\"active\":false}");
        assertThat(active(s, t.refresh())).isTrue();
        CLOCK.advance(Duration.ofSeconds(6600));
        assertThat(introspect(s, t.refresh()).json().toString()).as("expired").isEqualTo("{\"active\":false}");
    }

    @Test
    void garbageAndAnotherTenantsTokensAreInactiveAndOnlyAuthenticatedConfidentialClientsMayAsk() {
        Setup s = setUp("intro-a", null);
        Setup other = setUp("intro-b", null);
        Tokens theirs = login(new Browser("http://localhost:" + port), other);
        assertThat(active(other, theirs.access())).isTrue();
        assertThat(active(other, theirs.refresh())).isTrue();

        for (String token : List.of(theirs.access(), theirs.refresh(), "garbage", "a.b.c", "rtf_x.y",
                RefreshTokens.familyOf(theirs.refresh()) + "." + "A".repeat(43))) {
            assertThat(introspect(s, token).json().toString()).as(token).isEqualTo("{\"active\":false}");
        }
        assertThat(active(other, theirs.refresh())).as("asking about it did no harm").isTrue();

        Response publicClient = http().form("/t/intro-a/oauth/introspect", TestHttp.params("client_id", s.spa(),
                "token", theirs.access()), null, null);
        assertThat(publicClient.status()).isEqualTo(401);
        assertThat(publicClient.text("error")).isEqualTo("invalid_client");
        Response wrongSecret = http().form("/t/intro-a/oauth/introspect", TestHttp.params("token", "x"), s.rsId(), "nope");
        assertThat(wrongSecret.status()).isEqualTo(401);
        Response noToken = http().form("/t/intro-a/oauth/introspect", TestHttp.params("token_type_hint", "access_token"),
                s.rsId(), s.rsSecret());
        assertThat(noToken.status()).isEqualTo(400);
        assertThat(noToken.text("error")).isEqualTo("invalid_request");
        Response post = http().form("/t/intro-a/oauth/introspect", TestHttp.params("token", "x", "client_id", s.rsId(),
                "client_secret", s.rsSecret()), null, null);
        assertThat(post.status()).as("client_secret_post").isEqualTo(200);
    }

    @Test
    void discoveryNamesBothEndpointsAndTheViewsLagIsAMetric() {
        setUp("disco", null);
        JsonNode metadata = http().get("/t/disco/.well-known/openid-configuration").json();
        assertThat(metadata.get("introspection_endpoint").asString()).isEqualTo(issuer("disco") + "/oauth/introspect");
        assertThat(metadata.get("revocation_endpoint").asString()).isEqualTo(issuer("disco") + "/oauth/revoke");
        assertThat(metadata.get("introspection_endpoint_auth_methods_supported").values().stream().map(JsonNode::asString)
                .toList()).containsExactly("client_secret_basic", "client_secret_post", "private_key_jwt");
        assertThat(metadata.get("revocation_endpoint_auth_methods_supported").values().stream().map(JsonNode::asString)
                .toList()).contains("none");

        Response lag = http().admin("GET", "/actuator/metrics/tally.revocation.view.lag", null);
        assertThat(lag.status()).as(lag.toString()).isEqualTo(200);
        assertThat(lag.text("name")).isEqualTo("tally.revocation.view.lag");
        assertThat(lag.json().get("measurements").values().stream()
                .filter(m -> m.get("statistic").asString().equals("COUNT")).findFirst().orElseThrow()
                .get("value").asDouble()).as("every issued token went through the view").isPositive();
        assertThat(http().admin("GET", "/actuator/env", null).status()).as("nothing sensitive is exposed").isEqualTo(404);
    }

    // --- RFC 7009

    @Test
    void revokingARefreshTokenEndsItsFamilyAndTheAccessTokensIssuedFromIt() {
        Setup s = setUp("rev-rt", null);
        Tokens first = login(new Browser("http://localhost:" + port), s);
        Response rotated = refresh(s, first.refresh());
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String refreshToken = rotated.text("refresh_token");
        String secondAccess = rotated.text("access_token");
        assertThat(active(s, secondAccess)).isTrue();

        Response revoked = revokeBySpa(s, refreshToken);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.body()).isEmpty();

        assertThat(refresh(s, refreshToken).text("error")).isEqualTo("invalid_grant");
        assertThat(active(s, refreshToken)).isFalse();
        assertThat(active(s, first.access())).as("issued with the family").isFalse();
        assertThat(active(s, secondAccess)).as("issued from the family").isFalse();
        assertThat(userinfo(s, secondAccess).status()).isEqualTo(401);

        RefreshTokenFamilyRevoked event = last(RefreshTokens.familyOf(refreshToken), RefreshTokenFamilyRevoked.class);
        assertThat(event.cause()).isEqualTo(RevocationCause.clientRequest(s.spa()));
        assertThat(revokeBySpa(s, refreshToken).status()).as("again: nothing to revoke").isEqualTo(200);
    }

    @Test
    void revokingAnAccessTokenMakesItInactiveAndUserinfoRefusesIt() throws Exception {
        Setup s = setUp("rev-at", null);
        Tokens t = login(new Browser("http://localhost:" + port), s);
        assertThat(userinfo(s, t.access()).status()).isEqualTo(200);

        Response revoked = revokeBySpa(s, t.access());
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.body()).isEmpty();

        assertThat(active(s, t.access())).isFalse();
        Response userinfo = userinfo(s, t.access());
        assertThat(userinfo.status()).isEqualTo(401);
        assertThat(userinfo.header("WWW-Authenticate")).contains("invalid_token");
        assertThat(active(s, t.refresh())).as("only the access token was revoked").isTrue();
        String jti = claims(t.access()).getJWTID();
        List<AccessTokenRevoked> records = all(AccessTokenRevoked.class).stream().filter(e -> e.jti().equals(jti)).toList();
        assertThat(records).singleElement().satisfies(e -> {
            assertThat(e.tenantId()).isEqualTo("rev-at");
            assertThat(e.cause()).isEqualTo(RevocationCause.clientRequest(s.spa()));
            assertThat(e.expiresAt()).isEqualTo(claims(t.access()).getExpirationTime().toInstant());
        });
        assertThat(revokeBySpa(s, t.access()).status()).isEqualTo(200);
        assertThat(all(AccessTokenRevoked.class).stream().filter(e -> e.jti().equals(jti))).as("recorded once").hasSize(1);
    }

    @Test
    void unknownOrExpiredTokensAreAnsweredOkAndAnotherClientsTokensAreRefused() throws Exception {
        Setup s = setUp("rev-misc", null);
        Tokens t = login(new Browser("http://localhost:" + port), s);

        for (String unknown : List.of("nonsense", "rtf_nosuchfamily." + "B".repeat(43), t.id())) {
            assertThat(revokeBySpa(s, unknown).status()).as(unknown).isEqualTo(200);
        }
        Response byOther = http().form("/t/rev-misc/oauth/revoke", TestHttp.params("token", t.refresh()), s.rsId(), s.rsSecret());
        assertThat(byOther.status()).isEqualTo(400);
        assertThat(byOther.text("error")).isEqualTo("unauthorized_client");
        Response accessByOther = http().form("/t/rev-misc/oauth/revoke", TestHttp.params("token", t.access()), s.rsId(),
                s.rsSecret());
        assertThat(accessByOther.status()).isEqualTo(400);
        assertThat(accessByOther.text("error")).isEqualTo("unauthorized_client");
        assertThat(active(s, t.refresh())).isTrue();
        assertThat(active(s, t.access())).isTrue();
        Response noToken = revokeBySpa(s, "");
        assertThat(noToken.status()).isEqualTo(400);
        assertThat(noToken.text("error")).isEqualTo("invalid_request");

        CLOCK.advance(Duration.ofSeconds(601));
        String jti = claims(t.access()).getJWTID();
        assertThat(revokeBySpa(s, t.access()).status()).as("expired").isEqualTo(200);
        assertThat(all(AccessTokenRevoked.class)).noneMatch(e -> e.jti().equals(jti));
    }

    // --- permission changes

    @Test
    void underTheDefaultPolicyAPermissionChangeEndsTheRefreshTokensAndTheirAccessTokensButNotTheSession() {
        Setup s = setUp("perm-default", null);
        Browser browser = new Browser("http://localhost:" + port);
        Tokens before = login(browser, s);
        String passwordToken = passwordGrant(s);
        CLOCK.advance(Duration.ofSeconds(1));

        String changeId = changePermissions(s, PermissionChangePolicy.REVOKE_REFRESH_TOKENS);

        assertThat(refresh(s, before.refresh()).text("error")).isEqualTo("invalid_grant");
        assertThat(active(s, before.refresh())).isFalse();
        assertThat(active(s, before.access())).isFalse();
        assertThat(active(s, passwordToken)).as("no family, no session: untouched under this policy").isTrue();
        RefreshTokenFamilyRevoked revoked = last(RefreshTokens.familyOf(before.refresh()), RefreshTokenFamilyRevoked.class);
        assertThat(revoked.cause()).isEqualTo(RevocationCause.permissionChange(changeId));

        // The session lives on: a silent login gets tokens issued after the change, and they work.
        CLOCK.advance(Duration.ofSeconds(1));
        Map<String, String> silent = silent(browser, s);
        assertThat(silent).containsKey("code");
        Tokens after = exchange(s, silent.get("code"));
        assertThat(active(s, after.access())).isTrue();
        assertThat(active(s, after.refresh())).isTrue();
        Response refreshed = refresh(s, after.refresh());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(active(s, refreshed.text("access_token"))).isTrue();
    }

    @Test
    void underRevokeAllAPermissionChangeAlsoEndsTheSessionAndEveryTokenIssuedBefore() throws Exception {
        Setup s = setUp("perm-all", "revoke_all");
        Browser browser = new Browser("http://localhost:" + port);
        Tokens before = login(browser, s);
        String passwordToken = passwordGrant(s);
        assertThat(userinfo(s, passwordToken).status()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(1));

        String changeId = changePermissions(s, PermissionChangePolicy.REVOKE_ALL);

        assertThat(refresh(s, before.refresh()).text("error")).isEqualTo("invalid_grant");
        assertThat(active(s, before.refresh())).isFalse();
        assertThat(active(s, before.access())).isFalse();
        assertThat(active(s, passwordToken)).as("refused by the user's not-before").isFalse();
        assertThat(userinfo(s, passwordToken).status()).isEqualTo(401);
        assertThat(silent(browser, s)).containsEntry("error", "login_required");

        String sessionId = claims(before.access()).getStringClaim("sid");
        assertThat(last(sessionId, SessionRevoked.class).cause()).isEqualTo(RevocationCause.permissionChange(changeId));
        assertThat(last(RefreshTokens.familyOf(before.refresh()), RefreshTokenFamilyRevoked.class).cause())
                .isEqualTo(RevocationCause.permissionChange(changeId));
        assertThat(last(s.userId(), UserTokensRevoked.class).cause()).isEqualTo(RevocationCause.permissionChange(changeId));

        // Tokens issued after the change (a second later) work.
        CLOCK.advance(Duration.ofSeconds(1));
        Tokens after = login(browser, s);
        String passwordAfter = passwordGrant(s);
        assertThat(active(s, after.access())).isTrue();
        assertThat(active(s, after.refresh())).isTrue();
        assertThat(active(s, passwordAfter)).isTrue();
        assertThat(userinfo(s, passwordAfter).status()).isEqualTo(200);
        assertThat(refresh(s, after.refresh()).status()).isEqualTo(200);
    }

    @Test
    void underNoneAPermissionChangeRevokesNothing() {
        Setup s = setUp("perm-none", null);
        Response policy = http().admin("PATCH", "/admin/tenants/perm-none", Map.of("on_permission_change", "none"));
        assertThat(policy.text("on_permission_change")).isEqualTo("none");
        Browser browser = new Browser("http://localhost:" + port);
        Tokens before = login(browser, s);
        String passwordToken = passwordGrant(s);
        CLOCK.advance(Duration.ofSeconds(1));

        changePermissions(s, PermissionChangePolicy.NONE);

        assertThat(active(s, before.access())).isTrue();
        assertThat(active(s, before.refresh())).isTrue();
        assertThat(active(s, passwordToken)).isTrue();
        assertThat(silent(browser, s)).containsKey("code");
        assertThat(refresh(s, before.refresh()).status()).isEqualTo(200);
        assertThat(eventsOf(RefreshTokens.familyOf(before.refresh()))).noneMatch(RefreshTokenFamilyRevoked.class::isInstance);
    }

    /** Changes alice's roles over the management API; answers the change id the history recorded. */
    String changePermissions(Setup s, PermissionChangePolicy expected) {
        Response changed = http().admin("PATCH", "/admin/tenants/" + s.tenant() + "/users/" + s.userId(),
                Map.of("roles", List.of("viewer")));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        UserPermissionsChanged change = last(s.userId(), UserPermissionsChanged.class);
        assertThat(change.onPermissionChange()).isEqualTo(expected);
        assertThat(change.changeId()).startsWith("pc_");
        return change.changeId();
    }

    // --- ending a session ends the families started in it

    @Test
    void loggingOutEndsTheFamiliesStartedInTheSessionAndEveryTokenIssuedFromThem() throws Exception {
        Setup s = setUp("end-logout", null);
        Browser browser = new Browser("http://localhost:" + port);
        Tokens t = login(browser, s);
        Response rotated = refresh(s, t.refresh());
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String sessionId = claims(t.access()).getStringClaim("sid");
        String family = RefreshTokens.familyOf(t.refresh());
        JWTClaimsSet refreshed = claims(rotated.text("access_token"));
        assertThat(refreshed.getStringClaim("sid")).as("a refresh's access token names the session too").isEqualTo(sessionId);
        assertThat(refreshed.getStringClaim("fid")).isEqualTo(family);

        HttpResponse<String> logout = browser.get("/t/" + s.tenant() + "/logout");
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(200);

        assertThat(refresh(s, rotated.text("refresh_token")).text("error")).isEqualTo("invalid_grant");
        assertThat(active(s, rotated.text("refresh_token"))).isFalse();
        assertThat(active(s, rotated.text("access_token"))).as("issued by the refresh").isFalse();
        assertThat(active(s, t.access())).as("issued at the login").isFalse();
        RefreshTokenFamilyRevoked ended = last(family, RefreshTokenFamilyRevoked.class);
        assertThat(ended.reason()).isEqualTo(FamilyEndReason.LOGOUT);
        assertThat(ended.cause()).isEqualTo(new RevocationCause(RevocationCause.LOGOUT, sessionId));
        assertThat(ended.sessionId()).isEqualTo(sessionId);
        awaitListed(s, family);
    }

    @Test
    void anAdministratorEndingASessionEndsItsFamiliesAndNoOtherSessions() throws Exception {
        Setup s = setUp("end-admin", null);
        Tokens ended = login(new Browser("http://localhost:" + port), s);
        Tokens elsewhere = login(new Browser("http://localhost:" + port), s);
        String sessionId = claims(ended.access()).getStringClaim("sid");
        assertThat(claims(elsewhere.access()).getStringClaim("sid")).as("another browser, another session").isNotEqualTo(sessionId);

        Response revoked = http().admin("DELETE", "/admin/tenants/" + s.tenant() + "/users/" + s.userId() + "/sessions/"
                + sessionId, null);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);

        String family = RefreshTokens.familyOf(ended.refresh());
        assertThat(refresh(s, ended.refresh()).text("error")).isEqualTo("invalid_grant");
        assertThat(active(s, ended.access())).isFalse();
        RefreshTokenFamilyRevoked event = last(family, RefreshTokenFamilyRevoked.class);
        assertThat(event.reason()).isEqualTo(FamilyEndReason.ADMINISTRATOR);
        assertThat(event.cause()).isEqualTo(new RevocationCause(RevocationCause.ADMINISTRATOR, null));
        awaitListed(s, family);
        Response other = refresh(s, elsewhere.refresh());
        assertThat(other.status()).as("the other session's family: " + other).isEqualTo(200);
    }

    /** Under the default {@code revoke_session}, a reuse ends the session, and so every other family started in it. */
    @Test
    void aReuseThatEndsTheSessionEndsTheSessionsOtherFamiliesToo() throws Exception {
        Setup s = setUp("end-reuse", null);
        Browser browser = new Browser("http://localhost:" + port);
        Tokens first = login(browser, s);
        Map<String, String> silently = silent(browser, s);
        assertThat(silently).containsKey("code");
        Tokens second = exchange(s, silently.get("code"));
        String sessionId = claims(first.access()).getStringClaim("sid");
        String reused = RefreshTokens.familyOf(first.refresh());
        String sibling = RefreshTokens.familyOf(second.refresh());
        assertThat(claims(second.access()).getStringClaim("sid")).as("the same session, reused silently").isEqualTo(sessionId);
        assertThat(sibling).isNotEqualTo(reused);
        Response rotated = refresh(s, first.refresh());
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(refresh(s, rotated.text("refresh_token")).status()).isEqualTo(200);

        assertThat(refresh(s, first.refresh()).text("error")).as("a token two generations old: a reuse, even within the "
                + "leeway").isEqualTo("invalid_grant");

        assertThat(last(sessionId, SessionRevoked.class).reason()).isEqualTo(SessionEndReason.REFRESH_TOKEN_REUSE);
        RefreshTokenFamilyRevoked event = last(sibling, RefreshTokenFamilyRevoked.class);
        assertThat(event.reason()).isEqualTo(FamilyEndReason.REUSE);
        assertThat(event.cause()).isEqualTo(new RevocationCause(RevocationCause.REFRESH_TOKEN_REUSE, reused));
        assertThat(refresh(s, second.refresh()).text("error")).isEqualTo("invalid_grant");
        assertThat(active(s, second.access())).isFalse();
        awaitListed(s, sibling);
    }

    /** The revocation list for resource servers names the family once the query side has it. */
    void awaitListed(Setup s, String familyId) {
        Await.await("family " + familyId + " in the revocation list", Duration.ofSeconds(30), () -> {
            Response r = http().admin("GET", "/t/" + s.tenant() + "/revocations?limit=1000", null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            for (JsonNode entry : r.json().get("revocations")) {
                if (entry.has("family_id") && entry.get("family_id").asString().equals(familyId)) {
                    return true;
                }
            }
            return false;
        });
    }

    // --- the event store, as Axon reads it

    List<Object> eventsOf(String aggregateId) {
        List<Object> payloads = new ArrayList<>();
        eventStore.readEvents(aggregateId).asStream().map(DomainEventMessage::getPayload).forEach(payloads::add);
        return payloads;
    }

    <T> T last(String aggregateId, Class<T> type) {
        List<Object> events = eventsOf(aggregateId);
        for (int i = events.size() - 1; i >= 0; i--) {
            if (type.isInstance(events.get(i))) {
                return type.cast(events.get(i));
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the history of " + aggregateId + ": " + events);
    }

    /** Every event of a type in the whole store (for plain events such as AccessTokenRevoked). */
    <T> List<T> all(Class<T> type) {
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(null, false)) {
            return events.filter(e -> type.equals(e.getPayloadType())).map(e -> type.cast(e.getPayload())).toList();
        }
    }
}
