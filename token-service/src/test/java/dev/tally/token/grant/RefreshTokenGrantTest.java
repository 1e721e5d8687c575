package dev.tally.token.grant;

import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.issuance.Issued;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.UserView;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

/**
 * The family aggregate ({@code RefreshTokenFamily} in command-service) alone decides rotation, leeway, reuse and
 * expiry, and is tested there ({@code RefreshTokenFamilyTest}); its stand-in here answers with the outcomes it gives,
 * and these tests show what the grant asks it and what the grant does with each outcome.
 */
class RefreshTokenGrantTest {
    static final String API = "https://api.acme.test";
    static final String GRANTED = "offline_access read:orders write:orders";
    static final String REUSED = "the refresh token was already used; every token of its family is revoked";

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private RefreshTokenGrant grant;
    private UserView alice;
    private ApiView api;
    private String familyId;
    private String presented;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        api = fx.api("acme", API, 600, true, "read:orders", "write:orders");
        fx.confidentialClient("acme", "web", "web-secret", GrantTypes.AUTHORIZATION_CODE, GrantTypes.REFRESH_TOKEN);
        alice = fx.user("acme", "alice", "pw");
        familyId = RefreshTokens.newFamilyId();
        presented = RefreshTokens.newToken(familyId);
        fx.commands.answer(RevokeSession.class, command -> null);
        grant = fx.refreshTokenGrant();
    }

    @Test
    void typeIsRefreshToken() {
        assertThat(grant.type()).isEqualTo("refresh_token");
    }

    @Test
    void issueWhenTheFamilyRotatesThenANewRefreshTokenOfTheFamilyWhoseHashItWasGiven() throws Exception {
        familyAnswers(granted(true, GRANTED));

        Issued issued = grant.issue(refresh(presented));

        assertThat(issued.refreshToken()).isNotEqualTo(presented);
        assertThat(RefreshTokens.familyOf(issued.refreshToken())).isEqualTo(familyId);
        RotateRefreshToken rotate = fx.commands.sentOnce(RotateRefreshToken.class);
        assertThat(rotate.familyId()).isEqualTo(familyId);
        assertThat(rotate.tenantId()).isEqualTo("acme");
        assertThat(rotate.clientId()).isEqualTo("web");
        assertThat(rotate.presentedTokenHash()).isEqualTo(SecretHash.of(presented));
        assertThat(rotate.newTokenHash()).isEqualTo(SecretHash.of(issued.refreshToken()));
        assertThat(rotate.accessTokenId()).as("the family records which access token this use issued")
                .isEqualTo(issued.accessToken().jti());
    }

    @Test
    void issueWhenGrantedThenTheUsersAccessTokenAnswersToTheFamilyAndItsSession() throws Exception {
        familyAnswers(granted(true, GRANTED));

        Issued issued = grant.issue(refresh(presented));

        JWTClaimsSet claims = fx.verified("acme", issued.accessToken());
        assertThat(claims.getSubject()).isEqualTo(alice.userId());
        assertThat(claims.getAudience()).containsExactly(API);
        assertThat(claims.getStringClaim("scope")).isEqualTo(GRANTED);
        assertThat(claims.getStringClaim("fid")).isEqualTo(familyId);
        assertThat(claims.getStringClaim("sid")).as("the session the family was started in").isEqualTo("ses_1");
        assertThat(issued.idToken()).isNull();
        AccessTokenIssued record = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(record.grantType()).isEqualTo("refresh_token");
        assertThat(record.familyId()).isEqualTo(familyId);
        assertThat(record.sessionId()).isEqualTo("ses_1");
    }

    @Test
    void issueWhenOpenidWasGrantedThenAFreshIdTokenInTheSessionWithoutAuthTime() throws Exception {
        familyAnswers(granted(true, "openid offline_access read:orders"));

        Issued issued = grant.issue(refresh(presented));

        JWTClaimsSet id = fx.verified("acme", issued.idToken());
        assertThat(id.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(id.getClaims()).doesNotContainKeys("auth_time", "nonce");
    }

    /** Rotation none: the family keeps its one token, and the client keeps using it. */
    @Test
    void issueWhenTheFamilyDoesNotRotateThenTheSameRefreshTokenBack() {
        familyAnswers(granted(false, GRANTED));

        Issued issued = grant.issue(refresh(presented));

        assertThat(issued.refreshToken()).isEqualTo(presented);
    }

    /**
     * Two tabs refreshing at once, or a retry after a lost answer: every request that presents the same token names
     * the same successor to the family and, when granted, hands out that one token, with access tokens of their own.
     */
    @Test
    void issueWhenTheSameTokenIsPresentedAgainThenEveryRequestGetsTheSameSuccessorAndItsOwnAccessToken() {
        familyAnswers(granted(true, GRANTED));

        Issued first = grant.issue(refresh(presented));
        Issued second = grant.issue(refresh(presented));

        assertThat(first.refreshToken()).isEqualTo(second.refreshToken()).isNotEqualTo(presented)
                .startsWith(RefreshTokens.familyOf(presented) + ".");
        assertThat(first.accessToken()).isNotEqualTo(second.accessToken());
        assertThat(fx.commands.sent(RotateRefreshToken.class)).extracting(RotateRefreshToken::newTokenHash)
                .containsExactly(SecretHash.of(first.refreshToken()), SecretHash.of(first.refreshToken()));
        assertThat(fx.commands.sent(RotateRefreshToken.class)).extracting(RotateRefreshToken::accessTokenId)
                .doesNotHaveDuplicates();
    }

    /** The family refuses a wider scope before it spends the token: invalid_scope, and the requested scope was sent. */
    @Test
    void issueWhenTheFamilyRefusesTheScopeThenInvalidScopeAndTheRequestedScopeWasAsked() {
        familyAnswers(RefreshOutcome.scopeRefused("a refresh may narrow the granted scope, not widen it"));

        OAuthError error = refusal(() -> grant.issue(refresh(presented, "read:orders admin")));

        assertThat(error.error()).isEqualTo("invalid_scope");
        assertThat(fx.commands.sentOnce(RotateRefreshToken.class).requestedScope()).isEqualTo("read:orders admin");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenAReuseIsDetectedThenInvalidGrantAndTheLoginSessionIsRevoked() {
        familyAnswers(reuse("ses_1", REUSED));

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo(REUSED);
        assertThat(fx.commands.sentOnce(RevokeSession.class)).isEqualTo(new RevokeSession("ses_1", "acme",
                SessionEndReason.REFRESH_TOKEN_REUSE, new RevocationCause(RevocationCause.REFRESH_TOKEN_REUSE, familyId)));
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenAReuseIsDetectedAndTheTenantKeepsSessionsThenOnlyTheFamilyEnds() {
        fx.tenantRefresh("acme", new TenantRefreshSettings(RotationMode.ROTATE, 0, 0, false));
        familyAnswers(reuse("ses_1", REUSED));

        assertThat(refusal(() -> grant.issue(refresh(presented))).error()).isEqualTo("invalid_grant");
        assertThat(fx.commands.sent(RevokeSession.class)).isEmpty();
    }

    @Test
    void issueWhenAReuseIsDetectedOfAFamilyWithoutSessionThenNoSessionIsRevoked() {
        familyAnswers(reuse(null, REUSED));

        assertThat(refusal(() -> grant.issue(refresh(presented))).error()).isEqualTo("invalid_grant");
        assertThat(fx.commands.sent(RevokeSession.class)).isEmpty();
    }

    /** The family is revoked already; a session that cannot be ended now ends at its deadline. The refusal stands. */
    @Test
    void issueWhenTheSessionCannotBeRevokedAfterAReuseThenStillInvalidGrant() {
        familyAnswers(reuse("ses_1", REUSED));
        fx.commands.answer(RevokeSession.class, command -> {
            throw new EventStoreException("the store is down");
        });

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo(REUSED);
        assertThat(fx.commands.sent(RevokeSession.class)).hasSize(1);
    }

    @Test
    void issueWhenAReuseComesWithoutAReasonThenTheGrantSaysWhatHappened() {
        familyAnswers(reuse("ses_1", null));

        assertThat(refusal(() -> grant.issue(refresh(presented))).getMessage())
                .isEqualTo("the refresh token was used before; its family is revoked");
    }

    /** Each of the family's refusals (as RefreshTokenFamily words them) reaches the client as invalid_grant. */
    @ParameterizedTest
    @ValueSource(strings = {
            "the refresh token has expired",
            "the refresh token was issued to another client",
            "the refresh token was revoked after a reuse",
            "the refresh token was revoked",
            "too many refreshes of one token within the leeway",
            "unknown refresh token"})
    void issueWhenTheFamilyRefusesThenInvalidGrantWithItsReasonAndNoToken(String reason) {
        familyAnswers(RefreshOutcome.refused(reason));

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo(reason);
        assertThat(fx.commands.sent(RevokeSession.class)).isEmpty();
        assertThat(fx.store().recorded()).isEmpty();
    }

    /** The family compares the client it was issued to with the one that asks: the grant must send the asker. */
    @Test
    void issueWhenAnotherClientPresentsTheTokenThenTheFamilyIsAskedForThatClient() {
        fx.confidentialClient("acme", "other", "other-secret", GrantTypes.REFRESH_TOKEN);
        familyAnswers(RefreshOutcome.refused("the refresh token was issued to another client"));

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "other", "refresh_token", presented)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(fx.commands.sentOnce(RotateRefreshToken.class).clientId()).isEqualTo("other");
    }

    @Test
    void issueWhenTheRefreshTokenIsMissingThenInvalidRequest() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "scope", "read:orders")));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.getMessage()).isEqualTo("parameter 'refresh_token' is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "rtf_.abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq", "rtf_x.short",
            "fam_abc.abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq", "eyJhbGciOiJFUzI1NiJ9.e30.sig"})
    void issueWhenNotShapedLikeARefreshTokenThenInvalidGrantWithoutAskingAnyFamily(String token) {
        OAuthError error = refusal(() -> grant.issue(refresh(token)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("unknown refresh token");
        assertThat(fx.commands.sent()).isEmpty();
    }

    @Test
    void issueWhenNoSuchFamilyOrAnotherTenantsThenInvalidGrantUnknown() {
        fx.commands.answer(RotateRefreshToken.class, command -> {
            throw new AggregateNotFoundException(command.familyId(), "no family");
        });
        OAuthError unknown = refusal(() -> grant.issue(refresh(presented)));
        fx.commands.answer(RotateRefreshToken.class, command -> {
            throw new NotFound("no such refresh token family in tenant 'acme'");
        });
        OAuthError anotherTenants = refusal(() -> grant.issue(refresh(presented)));

        assertThat(unknown.error()).isEqualTo("invalid_grant");
        assertThat(unknown.getMessage()).isEqualTo("unknown refresh token");
        assertThat(anotherTenants.getMessage()).as("no different answer for another tenant's family")
                .isEqualTo(unknown.getMessage());
    }

    @Test
    void issueWhenTheFamilyLosesOneAppendRaceThenItIsAskedAgainAndGrants() {
        AtomicInteger asked = new AtomicInteger();
        familyAnswers(command -> {
            if (asked.incrementAndGet() == 1) {
                throw new ConcurrencyException("another node appended first");
            }
            return granted(true, GRANTED);
        });

        Issued issued = grant.issue(refresh(presented));

        assertThat(fx.commands.sent(RotateRefreshToken.class)).hasSize(2).allSatisfy(rotate ->
                assertThat(rotate.newTokenHash()).isEqualTo(SecretHash.of(issued.refreshToken())));
    }

    @Test
    void issueWhenTheFamilyKeepsLosingAppendRacesThenTemporarilyUnavailable() {
        familyAnswers(command -> {
            throw new ConcurrencyException("another node appended first");
        });

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("temporarily_unavailable");
        assertThat(error.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(error.getMessage()).isEqualTo("the refresh token is being used concurrently; retry");
        assertThat(fx.commands.sent(RotateRefreshToken.class)).hasSize(3);
    }

    @Test
    void issueWhenTheStoreFailsThenTemporarilyUnavailable() {
        familyAnswers(command -> {
            throw new EventStoreException("the store is down");
        });

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("temporarily_unavailable");
        assertThat(error.getMessage()).isEqualTo("the token store is unavailable; retry shortly");
    }

    @Test
    void issueWhenTheFamilyAnswersNothingThenInvalidGrant() {
        familyAnswers(command -> null);

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("the refresh token was refused");
    }

    @Test
    void issueWhenANarrowerScopeIsAskedThenTheTokenHasIt() throws Exception {
        familyAnswers(granted(true, GRANTED));

        Issued issued = grant.issue(refresh(presented, "read:orders"));

        assertThat(issued.scope()).isEqualTo(Scope.parse("read:orders"));
        assertThat(fx.verified("acme", issued.accessToken()).getStringClaim("scope")).isEqualTo("read:orders");
        assertThat(issued.refreshToken()).as("the family goes on with its granted scope").isNotNull();
    }

    @Test
    void issueWhenAWiderScopeIsAskedThenInvalidScopeAndNoToken() {
        familyAnswers(granted(true, GRANTED));

        OAuthError error = refusal(() -> grant.issue(refresh(presented, "read:orders admin")));

        assertThat(error.error()).isEqualTo("invalid_scope");
        assertThat(error.getMessage()).isEqualTo("a refresh may narrow the granted scope, not widen it");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenTheUserWasDeletedThenInvalidGrant() {
        familyAnswers(granted(true, GRANTED));
        fx.userDeleted(alice);

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("the user no longer exists");
    }

    @Test
    void issueWhenTheApiWasDeletedThenInvalidGrant() {
        familyAnswers(granted(true, GRANTED));
        fx.apiDeleted(api);

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("the API of this refresh token no longer exists");
    }

    // --- a family this node knows: tokens signed ahead, their records committed with the family's decision

    @Test
    void issueWhenThisNodeKnowsTheFamilyThenTheRecordsRideWithTheCommandAndNothingIsRecordedApart() throws Exception {
        familyAnswers(granted(true, GRANTED));
        Issued first = grant.issue(refresh(presented));
        assertThat(fx.commands.sentOnce(RotateRefreshToken.class).issued())
                .as("a family this node has not seen is asked first").isNull();
        assertThat(fx.store().recorded(AccessTokenIssued.class)).hasSize(1);

        Issued second = grant.issue(refresh(first.refreshToken()));

        RotateRefreshToken rotate = fx.commands.sent(RotateRefreshToken.class).get(1);
        assertThat(rotate.issued()).isNotNull();
        AccessTokenIssued record = rotate.issued().accessToken();
        assertThat(record.jti()).isEqualTo(second.accessToken().jti()).isEqualTo(rotate.accessTokenId());
        assertThat(record.subject()).isEqualTo(alice.userId());
        assertThat(record.clientId()).isEqualTo("web");
        assertThat(record.audience()).isEqualTo(API);
        assertThat(record.scope()).isEqualTo(GRANTED);
        assertThat(record.grantType()).isEqualTo("refresh_token");
        assertThat(record.sessionId()).isEqualTo("ses_1");
        assertThat(record.familyId()).isEqualTo(familyId);
        assertThat(record.expiresAt()).isEqualTo(second.accessToken().expiresAt());
        assertThat(rotate.issued().idToken()).isNull();
        assertThat(fx.store().recorded(AccessTokenIssued.class)).as("the family's command carries the record")
                .hasSize(1);
        JWTClaimsSet claims = fx.verified("acme", second.accessToken());
        assertThat(claims.getSubject()).isEqualTo(alice.userId());
        assertThat(claims.getStringClaim("fid")).isEqualTo(familyId);
        assertThat(claims.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(SecretHash.of(second.refreshToken())).as("the successor the family was told of")
                .isEqualTo(rotate.newTokenHash());
    }

    @Test
    void issueWhenThisNodeKnowsTheFamilyAndOpenidWasGrantedThenTheIdTokensRecordRidesToo() throws Exception {
        familyAnswers(granted(true, "openid offline_access read:orders"));
        Issued first = grant.issue(refresh(presented));

        Issued second = grant.issue(refresh(first.refreshToken()));

        RotateRefreshToken rotate = fx.commands.sent(RotateRefreshToken.class).get(1);
        assertThat(rotate.issued().idToken().jti()).isEqualTo(second.idToken().jti());
        assertThat(rotate.issued().idToken().subject()).isEqualTo(alice.userId());
        assertThat(rotate.issued().idToken().sessionId()).isEqualTo("ses_1");
        assertThat(fx.verified("acme", second.idToken()).getStringClaim("sid")).isEqualTo("ses_1");
    }

    /** The family still decides: a known family's refusal hands nothing out, and the node forgets the family. */
    @Test
    void issueWhenAKnownFamilyRefusesThenNothingHandedOutAndTheFamilyIsAskedFirstNextTime() {
        familyAnswers(granted(true, GRANTED));
        String current = grant.issue(refresh(presented)).refreshToken();
        familyAnswers(reuse("ses_1", REUSED));

        OAuthError error = refusal(() -> grant.issue(refresh(presented)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(fx.commands.sent(RotateRefreshToken.class).get(1).issued()).isNotNull();
        familyAnswers(RefreshOutcome.refused("the refresh token was revoked after a reuse"));
        refusal(() -> grant.issue(refresh(current)));
        assertThat(fx.commands.sent(RotateRefreshToken.class).get(2).issued()).as("forgotten after the refusal").isNull();
        assertThat(fx.store().recorded(AccessTokenIssued.class)).hasSize(1);
    }

    /** A known family's API never changes: a refresh naming another is refused before the family is asked at all. */
    @Test
    void issueWhenAKnownFamilyIsAskedForAnotherApiThenInvalidTargetWithoutAskingTheFamily() {
        familyAnswers(granted(true, GRANTED));
        String current = grant.issue(refresh(presented)).refreshToken();

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "refresh_token", current,
                "resource", "https://billing.acme.test")));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(fx.commands.sent(RotateRefreshToken.class)).hasSize(1);
        assertThat(fx.commands.sent(InspectRefreshToken.class)).isEmpty();
    }

    /** Tokens that cannot be signed ahead (the user is gone) are not: the family is asked first, as before. */
    @Test
    void issueWhenAKnownFamilysUserIsGoneThenTheFamilyIsAskedFirstAndTheGrantRefused() {
        familyAnswers(granted(true, GRANTED));
        String current = grant.issue(refresh(presented)).refreshToken();
        fx.userDeleted(alice);

        OAuthError error = refusal(() -> grant.issue(refresh(current)));

        assertThat(error.getMessage()).isEqualTo("the user no longer exists");
        assertThat(fx.commands.sent(RotateRefreshToken.class).get(1).issued()).isNull();
    }

    private GrantRequest refresh(String token) {
        return fx.grantRequest("acme", "web", "grant_type", "refresh_token", "refresh_token", token);
    }

    private GrantRequest refresh(String token, String scope) {
        return fx.grantRequest("acme", "web", "grant_type", "refresh_token", "refresh_token", token, "scope", scope);
    }

    private void familyAnswers(RefreshOutcome outcome) {
        familyAnswers(command -> outcome);
    }

    private void familyAnswers(Function<RotateRefreshToken, RefreshOutcome> answer) {
        fx.commands.answer(RotateRefreshToken.class, answer);
    }

    /** As the family answers a use it grants: alice's, in login session ses_1, for the API. */
    private RefreshOutcome granted(boolean rotated, String scope) {
        return new RefreshOutcome(true, rotated, false, null, alice.userId(), "ses_1", scope, API, 2);
    }

    /** As the family answers a reuse it detected (and has revoked the family for). */
    private RefreshOutcome reuse(String sessionId, String failure) {
        return new RefreshOutcome(false, false, true, failure, alice.userId(), sessionId, null, null, 0);
    }

    // --- resource (RFC 8707 §2.2) at a refresh: the family's API, or nothing spent

    @Test
    void issueWhenTheResourceIsTheFamilysApiThenRotatedAndATokenForIt() throws Exception {
        familyIs(API);
        familyAnswers(granted(true, GRANTED));

        Issued issued = grant.issue(fx.grantRequest("acme", "web", "refresh_token", presented, "resource", API));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(API);
        fx.commands.sentOnce(RotateRefreshToken.class);
    }

    @Test
    void issueWhenTheResourceNamesAnotherApiThenInvalidTargetAndTheTokenIsNotSpent() {
        familyIs(API);
        familyAnswers(granted(true, GRANTED));

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "refresh_token", presented,
                "resource", "https://billing.acme.test")));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(error.getMessage()).isEqualTo("the refresh token was issued for API 'https://api.acme.test'; a refresh cannot name another");
        assertThat(fx.commands.sent(RotateRefreshToken.class)).as("the family was not asked to rotate").isEmpty();
        assertThat(fx.store().recorded()).isEmpty();
    }

    /** Within the leeway the presented token is no longer the family's current one: the family's answer decides. */
    @Test
    void issueWhenTheResourceNamesAnotherApiAndTheTokenIsNotTheCurrentOneThenStillInvalidTarget() {
        fx.commands.answer(InspectRefreshToken.class, command -> RefreshTokenIntrospection.INACTIVE);
        familyAnswers(granted(true, GRANTED));

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "refresh_token", presented,
                "audience", "https://billing.acme.test")));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenTheResourceIsMalformedThenInvalidTargetWithoutAskingTheFamily() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "refresh_token", presented,
                "resource", "not a uri")));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(fx.commands.sent()).isEmpty();
    }

    private void familyIs(String audience) {
        fx.commands.answer(InspectRefreshToken.class, command -> new RefreshTokenIntrospection(true, "web",
                alice.userId(), "ses_1", GRANTED, audience, fx.clock.instant(), fx.clock.instant().plusSeconds(3600)));
    }
}
