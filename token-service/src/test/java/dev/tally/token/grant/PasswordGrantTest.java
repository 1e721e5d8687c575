package dev.tally.token.grant;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.issuance.Issued;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfigState.UserView;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

class PasswordGrantTest {
    static final String API = "https://api.acme.test";
    static final String PASSWORD = "correct horse battery staple";

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private PasswordGrant grant;
    private UserView alice;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        fx.api("acme", API, 600, true, "read:orders");
        fx.confidentialClient("acme", "legacy", "legacy-secret", GrantTypes.PASSWORD, GrantTypes.REFRESH_TOKEN);
        alice = fx.user("acme", "alice", PASSWORD);
        grant = fx.passwordGrant();
    }

    @Test
    void typeIsPassword() {
        assertThat(grant.type()).isEqualTo("password");
    }

    /**
     * The management API no longer gives a public client the password grant, but one registered before that still
     * holds it in its history: it must not become an unauthenticated password oracle. Refused even with the right
     * password, and nothing is recorded.
     */
    @Test
    void issueWhenTheClientIsPublicThenUnauthorizedClientEvenWithTheRightPassword() {
        fx.publicClient("acme", "old-spa", GrantTypes.PASSWORD);

        OAuthError refused = refusal(() -> grant.issue(fx.grantRequest("acme", "old-spa", "username", "alice",
                "password", PASSWORD)));

        assertThat(refused.error()).isEqualTo("unauthorized_client");
        assertThat(refused.getMessage()).isEqualTo("the password grant needs a confidential client");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenUsernameOrPasswordMissingThenInvalidRequest() {
        OAuthError noUsername = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "password", PASSWORD)));
        OAuthError noPassword = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice")));

        assertThat(noUsername.error()).isEqualTo("invalid_request");
        assertThat(noUsername.getMessage()).isEqualTo("parameter 'username' is required");
        assertThat(noPassword.getMessage()).isEqualTo("parameter 'password' is required");
    }

    @Test
    void issueWhenThePasswordIsRightThenTheUsersTokenForTheApi() throws Exception {
        Issued issued = grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD,
                "audience", API, "scope", "read:orders"));

        JWTClaimsSet claims = fx.verified("acme", issued.accessToken());
        assertThat(claims.getSubject()).isEqualTo(alice.userId());
        assertThat(claims.getStringClaim("client_id")).isEqualTo("legacy");
        assertThat(claims.getAudience()).containsExactly(API);
        assertThat(claims.getStringClaim("scope")).isEqualTo("read:orders");
        assertThat(claims.getStringClaim("sid")).as("the password grant has no login session").isNull();
        assertThat(issued.idToken()).isNull();
        assertThat(issued.refreshToken()).isNull();
        AccessTokenIssued record = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(record.grantType()).isEqualTo("password");
        assertThat(record.subject()).isEqualTo(alice.userId());
    }

    @Test
    void issueWhenTheUsernameDiffersOnlyInCaseThenTheSameUser() {
        Issued issued = grant.issue(fx.grantRequest("acme", "legacy", "username", "ALICE", "password", PASSWORD,
                "audience", API));

        assertThat(fx.verified("acme", issued.accessToken()).getSubject()).isEqualTo(alice.userId());
    }

    /** The user authenticates now: auth_time is the clock's second, and there is no session or nonce. */
    @Test
    void issueWhenOpenidThenAnIdTokenWhoseAuthTimeIsNow() throws Exception {
        fx.clock.advance(Duration.ofMillis(1_500));

        Issued issued = grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD,
                "scope", "openid email"));

        JWTClaimsSet id = fx.verified("acme", issued.idToken());
        assertThat(id.getLongClaim("auth_time")).isEqualTo(T0.plusSeconds(1).getEpochSecond());
        assertThat(id.getClaims()).doesNotContainKeys("nonce", "sid");
        assertThat(fx.verified("acme", issued.accessToken()).getAudience())
                .as("no audience asked: the token is for userinfo only").containsExactly(issuer("acme") + "/userinfo");
        assertThat(fx.store().recordedOnce(IdTokenIssued.class).sessionId()).isNull();
    }

    @Test
    void issueWhenOfflineAccessForAnApiThatAllowsItThenARefreshTokenOfANewFamily() {
        Issued issued = grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD,
                "audience", API, "scope", "offline_access read:orders"));

        assertThat(issued.refreshToken()).isNotNull();
        StartRefreshTokenFamily start = fx.commands.sentOnce(StartRefreshTokenFamily.class);
        assertThat(start.familyId()).isEqualTo(RefreshTokens.familyOf(issued.refreshToken()));
        assertThat(start.userId()).isEqualTo(alice.userId());
        assertThat(start.sessionId()).isNull();
        assertThat(start.clientId()).isEqualTo("legacy");
        // the access token's record rides with the start, committed with it; nothing is recorded apart
        assertThat(start.issued().accessToken().jti()).isEqualTo(issued.accessToken().jti());
        assertThat(start.issued().accessToken().grantType()).isEqualTo(GrantTypes.PASSWORD);
        assertThat(start.issued().idToken()).isNull();
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenThePasswordIsWrongThenInvalidGrant() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                "password", "wrong", "audience", API)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("wrong username or password");
        assertThat(fx.store().recorded()).isEmpty();
    }

    /** The same answer as a wrong password: the response must not tell which usernames exist. */
    @Test
    void issueWhenTheUserIsUnknownThenTheSameInvalidGrant() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "mallory",
                "password", PASSWORD)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("wrong username or password");
    }

    @Test
    void issueWhenTheUserIsAnotherTenantsThenInvalidGrant() {
        fx.tenant("globex");
        fx.confidentialClient("globex", "g", "g-secret", GrantTypes.PASSWORD);

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("globex", "g", "username", "alice",
                "password", PASSWORD)));

        assertThat(error.error()).isEqualTo("invalid_grant");
    }

    @Test
    void issueWhenTheUserWasDeletedThenInvalidGrant() {
        fx.userDeleted(alice);

        assertThat(refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                "password", PASSWORD))).error()).isEqualTo("invalid_grant");
    }

    /** The default limit is five failures per user and address in fifteen minutes; then even the right password waits. */
    @Test
    void issueWhenTooManyFailuresFromAnAddressThenSlowDownThereEvenWithTheRightPasswordUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 5; i++) {
            fx.clock.advance(Duration.ofSeconds(10));
            assertThat(refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                    "password", "guess"))).getMessage()).isEqualTo("wrong username or password");
        }

        OAuthError throttled = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                "password", PASSWORD)));

        assertThat(throttled.error()).isEqualTo("slow_down");
        assertThat(throttled.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        // the oldest failure was at T0+10s; it leaves the 15-minute window at T0+910s; now is T0+50s
        assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(860));
        assertThat(throttled.getMessage()).isEqualTo("too many failed attempts; retry in 860 s");
        assertThat(fx.store().recorded()).isEmpty();

        fx.clock.set(T0.plusSeconds(911));
        assertThat(grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD))
                .accessToken()).isNotNull();
    }

    /** Issue 15's lock-out: wrong passwords from anywhere used to refuse the real user for fifteen minutes. */
    @Test
    void issueWhenAnotherAddressFailedForTheUserUntilThrottledThenTheUserStillSignsInFromTheirOwn() {
        for (int i = 0; i < 5; i++) {
            assertThat(refusal(() -> grant.issue(fx.grantRequestFrom("192.0.2.66", "acme", "legacy", "username", "alice",
                    "password", "guess"))).error()).isEqualTo("invalid_grant");
        }
        assertThat(refusal(() -> grant.issue(fx.grantRequestFrom("192.0.2.66", "acme", "legacy", "username", "alice",
                "password", PASSWORD))).error()).as("the guesser's address waits").isEqualTo("slow_down");

        assertThat(grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD))
                .accessToken()).isNotNull();
    }

    @Test
    void issueWhenTheAudienceIsNoApiOfTheTenantThenInvalidTarget() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                "password", PASSWORD, "audience", "https://nope.test")));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(error.getMessage()).isEqualTo("no API with identifier 'https://nope.test' in this tenant");
    }

    @Test
    void issueWhenAScopeNeitherTheApiNorOpenIdConnectDefinesThenInvalidScope() {
        OAuthError withApi = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                "password", PASSWORD, "audience", API, "scope", "openid write:orders")));
        OAuthError withoutApi = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                "password", PASSWORD, "scope", "openid read:orders")));

        assertThat(withApi.error()).isEqualTo("invalid_scope");
        assertThat(withApi.getMessage()).isEqualTo("scope 'write:orders' is not defined by API " + API);
        assertThat(withoutApi.getMessage()).isEqualTo("scope 'read:orders' is not defined");
    }

    @Test
    void issueWhenOnlyUserScopesWithoutAnApiThenGranted() {
        Issued issued = grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD,
                "scope", "openid profile email"));

        assertThat(issued.scope()).isEqualTo(Scope.parse("openid profile email"));
    }

    // --- resource (RFC 8707) and default_audience

    @Test
    void issueWhenTheResourceNamesTheApiThenTheUsersTokenForIt() throws Exception {
        Issued issued = grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD,
                "resource", API, "scope", "read:orders"));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(API);
    }

    @Test
    void issueWhenAudienceAndResourceAreEqualThenTheTokenForTheApiAndWhenTheyDifferInvalidTarget() throws Exception {
        Issued issued = grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD,
                "audience", API, "resource", API));
        OAuthError differ = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                "password", PASSWORD, "audience", API, "resource", "https://billing.acme.test")));
        OAuthError malformed = refusal(() -> grant.issue(fx.grantRequest("acme", "legacy", "username", "alice",
                "password", PASSWORD, "resource", "https://api.acme.test#orders")));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(API);
        assertThat(differ.error()).isEqualTo("invalid_target");
        assertThat(malformed.error()).isEqualTo("invalid_target");
        assertThat(malformed.getMessage()).isEqualTo("resource must not include a fragment (RFC 8707 §2)");
    }

    @Test
    void issueWhenNeitherIsNamedThenTheDefaultAudienceElseTheUserinfoEndpointOnly() throws Exception {
        Issued before = grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD));
        fx.defaultAudience("acme", API);
        Issued after = grant.issue(fx.grantRequest("acme", "legacy", "username", "alice", "password", PASSWORD,
                "scope", "read:orders"));

        assertThat(fx.verified("acme", before.accessToken()).getAudience())
                .containsExactly(TokenFixtures.issuer("acme") + "/userinfo");
        assertThat(fx.verified("acme", after.accessToken()).getAudience()).containsExactly(API);
        assertThat(fx.verified("acme", after.accessToken()).getStringClaim("scope")).isEqualTo("read:orders");
    }
}
