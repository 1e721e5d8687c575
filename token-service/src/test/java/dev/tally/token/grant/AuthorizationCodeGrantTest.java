package dev.tally.token.grant;

import static dev.tally.token.fixture.TokenFixtures.CALLBACK;
import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.code.CodeCommands.RedeemAuthorizationCode;
import dev.tally.kernel.code.CodeRedemption;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.issuance.Issued;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.UserView;
import java.time.Instant;
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
 * The code's aggregate ({@code AuthorizationCode} in command-service) decides client, redirect URI, PKCE, expiry and
 * single use, and is tested there; its stand-in here answers as it does, and these tests show what the grant sends it
 * and what the grant makes of each answer.
 */
class AuthorizationCodeGrantTest {
    static final String API = "https://api.acme.test";
    static final String CODE = "SplxlOBeZQQYbYS6WxSbIA-the-code";
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    static final Instant AUTH_TIME = T0.minusSeconds(20);

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private AuthorizationCodeGrant grant;
    private UserView alice;
    private ApiView api;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        api = fx.api("acme", API, 600, true, "read:orders");
        fx.confidentialClient("acme", "web", "web-secret", GrantTypes.AUTHORIZATION_CODE, GrantTypes.REFRESH_TOKEN);
        fx.publicClient("acme", "spa", GrantTypes.AUTHORIZATION_CODE, GrantTypes.REFRESH_TOKEN);
        alice = fx.user("acme", "alice", "pw");
        grant = fx.authorizationCodeGrant();
    }

    @Test
    void typeIsAuthorizationCode() {
        assertThat(grant.type()).isEqualTo("authorization_code");
    }

    @Test
    void issueWhenRedeemedThenTheUsersTokensCarryTheLoginsSessionNonceAndAuthTime() throws Exception {
        redeemsAs("openid read:orders", API);

        Issued issued = grant.issue(fx.grantRequest("acme", "spa", "code", CODE, "redirect_uri", CALLBACK,
                "code_verifier", VERIFIER));

        JWTClaimsSet access = fx.verified("acme", issued.accessToken());
        assertThat(access.getSubject()).isEqualTo(alice.userId());
        assertThat(access.getAudience()).containsExactly(API, issuer("acme") + "/userinfo");
        assertThat(access.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(access.getStringClaim("scope")).isEqualTo("openid read:orders");
        JWTClaimsSet id = fx.verified("acme", issued.idToken());
        assertThat(id.getStringClaim("nonce")).isEqualTo("n-0S6");
        assertThat(id.getLongClaim("auth_time")).isEqualTo(AUTH_TIME.getEpochSecond());
        assertThat(id.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(issued.scope()).isEqualTo(Scope.parse("openid read:orders"));
        assertThat(fx.store().recordedOnce(AccessTokenIssued.class).grantType()).isEqualTo("authorization_code");
    }

    @Test
    void issueWhenRedeemedThenTheCodeWasAskedByItsHashForThisClientRedirectAndVerifier() {
        redeemsAs("read:orders", API);

        grant.issue(fx.grantRequest("acme", "spa", "code", CODE, "redirect_uri", CALLBACK, "code_verifier", VERIFIER));

        RedeemAuthorizationCode redeem = fx.commands.sentOnce(RedeemAuthorizationCode.class);
        assertThat(redeem.codeId()).isEqualTo("code:" + SecretHash.of(CODE));
        assertThat(redeem.tenantId()).isEqualTo("acme");
        assertThat(redeem.clientId()).isEqualTo("spa");
        assertThat(redeem.redirectUri()).isEqualTo(CALLBACK);
        assertThat(redeem.codeVerifier()).isEqualTo(VERIFIER);
    }

    /** A code used twice must name what its first use issued, so the ids go to the code before the tokens exist. */
    @Test
    void issueWhenRedeemedThenTheTokenIdsGivenToTheCodeAreTheIssuedTokensIds() {
        redeemsAs("openid read:orders", API);

        Issued issued = grant.issue(fx.grantRequest("acme", "spa", "code", CODE, "redirect_uri", CALLBACK,
                "code_verifier", VERIFIER));

        assertThat(fx.commands.sentOnce(RedeemAuthorizationCode.class).tokenIds())
                .containsExactly(issued.accessToken().jti(), issued.idToken().jti());
        assertThat(fx.store().recordedOnce(AccessTokenIssued.class).jti()).isEqualTo(issued.accessToken().jti());
        assertThat(fx.store().recordedOnce(IdTokenIssued.class).jti()).isEqualTo(issued.idToken().jti());
    }

    @Test
    void issueWhenOfflineAccessWasGrantedThenAFamilyInTheLoginSession() {
        redeemsAs("offline_access read:orders", API);

        Issued issued = grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK));

        assertThat(issued.refreshToken()).isNotNull();
        assertThat(fx.commands.sentOnce(StartRefreshTokenFamily.class).sessionId()).isEqualTo("ses_1");
    }

    @Test
    void issueWhenTheCodeHasNoAudienceThenAUserinfoToken() {
        redeemsAs("openid", null);

        Issued issued = grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(issuer("acme") + "/userinfo");
    }

    @Test
    void issueWhenCodeOrRedirectUriMissingThenInvalidRequestAndNothingIsRedeemed() {
        OAuthError noCode = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "redirect_uri", CALLBACK)));
        OAuthError noRedirect = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE)));

        assertThat(noCode.error()).isEqualTo("invalid_request");
        assertThat(noCode.getMessage()).isEqualTo("parameter 'code' is required");
        assertThat(noRedirect.getMessage()).isEqualTo("parameter 'redirect_uri' is required");
        assertThat(fx.commands.sent()).isEmpty();
    }

    /** RFC 9700 §2.1.1: a public client proves with PKCE that it is the one that started the flow. */
    @Test
    void issueWhenAPublicClientSendsNoVerifierThenInvalidRequestAndTheCodeIsNotSpent() {
        redeemsAs("read:orders", API);

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "spa", "code", CODE,
                "redirect_uri", CALLBACK)));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.getMessage()).isEqualTo("code_verifier is required for public clients (PKCE)");
        assertThat(fx.commands.sent(RedeemAuthorizationCode.class)).isEmpty();
    }

    @Test
    void issueWhenAConfidentialClientSendsNoVerifierThenTheCodeDecides() {
        redeemsAs("read:orders", API);

        grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK));

        assertThat(fx.commands.sentOnce(RedeemAuthorizationCode.class).codeVerifier()).isNull();
    }

    /** Each of the code's refusals (as AuthorizationCode words them) reaches the client as invalid_grant, unchanged. */
    @ParameterizedTest
    @ValueSource(strings = {
            "code_verifier does not match the code_challenge",
            "the code was already used; the tokens it issued are revoked",
            "redirect_uri differs from the one the code was issued for",
            "the code has expired",
            "the code was not issued to this client",
            "code_verifier sent for a code issued without code_challenge"})
    void issueWhenTheCodeRefusesThenInvalidGrantWithItsReasonAndNoToken(String reason) {
        fx.commands.answer(RedeemAuthorizationCode.class, command -> CodeRedemption.refused(reason));

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "spa", "code", CODE,
                "redirect_uri", CALLBACK, "code_verifier", VERIFIER)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo(reason);
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenTheCodeAnswersNothingThenInvalidGrant() {
        fx.commands.answer(RedeemAuthorizationCode.class, command -> null);

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("the code was refused");
    }

    @Test
    void issueWhenNoSuchCodeThenInvalidGrant() {
        fx.commands.answer(RedeemAuthorizationCode.class, command -> {
            throw new AggregateNotFoundException(command.codeId(), "no code");
        });

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("unknown authorization code");
    }

    /** Two redemptions at once: the store lets one append; the other lost the race for a single-use code. */
    @Test
    void issueWhenTheRedemptionLosesAnAppendRaceThenInvalidGrantAlreadyUsed() {
        fx.commands.answer(RedeemAuthorizationCode.class, command -> {
            throw new ConcurrencyException("another redemption appended first");
        });

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("the code was already used");
        assertThat(fx.commands.sent(RedeemAuthorizationCode.class)).as("a single-use code is not asked again").hasSize(1);
    }

    /** The store could not be asked: nothing was decided, the code is still good, and the client may retry. */
    @Test
    void issueWhenTheStoreFailsThenTemporarilyUnavailable() {
        fx.commands.answer(RedeemAuthorizationCode.class, command -> {
            throw new EventStoreException("the store is down");
        });

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK)));

        assertThat(error.error()).isEqualTo("temporarily_unavailable");
        assertThat(error.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(error.getMessage()).isEqualTo("the token store is unavailable; retry shortly");
        assertThat(fx.store().recorded()).as("no token was issued").isEmpty();
    }

    @Test
    void issueWhenTheRedemptionFailsOtherwiseThenTheFailureIsNotTurnedIntoARefusal() {
        fx.commands.answer(RedeemAuthorizationCode.class, command -> {
            throw new IllegalStateException("something else broke");
        });

        assertThatThrownBy(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK)))
                .isInstanceOf(IllegalStateException.class).hasMessage("something else broke");
    }

    @Test
    void issueWhenTheUserWasDeletedSinceTheLoginThenInvalidGrant() {
        redeemsAs("read:orders", API);
        fx.userDeleted(alice);

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("the user no longer exists");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenTheApiWasDeletedSinceTheLoginThenInvalidGrant() {
        redeemsAs("read:orders", API);
        fx.apiDeleted(api);

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK)));

        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.getMessage()).isEqualTo("the API of this code no longer exists");
    }

    /** The code answers as AuthorizationCode does on a redemption it grants: what the login decided. */
    private void redeemsAs(String scope, String audience) {
        fx.commands.answer(RedeemAuthorizationCode.class, command -> new CodeRedemption(true, null, alice.userId(),
                "ses_1", scope, audience, "n-0S6", AUTH_TIME));
    }

    // --- resource (RFC 8707) at the code exchange

    @Test
    void issueWhenTheResourceOrAudienceIsTheCodesApiThenTheTokensForIt() throws Exception {
        redeemsAs("read:orders", API);

        Issued issued = grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK,
                "resource", API, "audience", API));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(API);
    }

    @Test
    void issueWhenTheResourceNamesAnotherApiThanTheCodesThenInvalidTargetAndNoToken() {
        redeemsAs("read:orders", API);

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK,
                "resource", "https://billing.acme.test")));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(error.getMessage()).isEqualTo("the code was issued for API 'https://api.acme.test', not the one this request names");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenTheResourceIsMalformedOrResourcesDifferThenInvalidTargetBeforeTheCodeIsSpent() {
        redeemsAs("read:orders", API);

        assertThat(refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK,
                "resource", "orders"))).error()).isEqualTo("invalid_target");
        assertThat(refusal(() -> grant.issue(fx.grantRequest("acme", "web", "code", CODE, "redirect_uri", CALLBACK,
                "resource", API, "resource", "https://billing.acme.test"))).error()).isEqualTo("invalid_target");
        assertThat(fx.commands.sent(RedeemAuthorizationCode.class)).isEmpty();
    }
}
