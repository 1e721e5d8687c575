package dev.tally.command.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.code.CodeCommands.IssueAuthorizationCode;
import dev.tally.kernel.code.CodeCommands.RedeemAuthorizationCode;
import dev.tally.kernel.code.CodeEvents.AuthorizationCodeIssued;
import dev.tally.kernel.code.CodeEvents.AuthorizationCodeRedeemed;
import dev.tally.kernel.code.CodeEvents.AuthorizationCodeReused;
import dev.tally.kernel.code.CodeRedemption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthorizationCodeTest {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    /** RFC 7636 appendix B's example pair. */
    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    static final AuthorizationCodeIssued ISSUED = new AuthorizationCodeIssued("code:1", "acme", "spa", "usr_1", "ses_1",
            "https://app.test/cb", CHALLENGE, "openid", null, "n-1", T0, T0, T0.plusSeconds(60));

    private AggregateTestFixture<AuthorizationCode> fixture;
    private final Instant[] now = {T0};

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(AuthorizationCode.class);
        fixture.registerInjectableResource(new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        });
    }

    @Test
    void issueThenIssuedForSixtySeconds() {
        fixture.givenNoPriorActivity()
                .when(new IssueAuthorizationCode("code:1", "acme", "spa", "usr_1", "ses_1", "https://app.test/cb", CHALLENGE,
                        "openid", null, "n-1", T0, 60))
                .expectEvents(ISSUED);
    }

    @Test
    void pkceVerifierFromRfc7636HashesToItsChallenge() {
        assertThat(AuthorizationCode.s256(VERIFIER)).isEqualTo(CHALLENGE);
    }

    @Test
    void redeemWithTheRightVerifierThenRedeemedAndGrantReturned() {
        now[0] = T0.plusSeconds(59);
        fixture.given(ISSUED)
                .when(new RedeemAuthorizationCode("code:1", "acme", "spa", "https://app.test/cb", VERIFIER, List.of("jti-1")))
                .expectEvents(new AuthorizationCodeRedeemed("code:1", "acme", "spa", "usr_1", List.of("jti-1"), T0.plusSeconds(59)))
                .expectResultMessagePayload(new CodeRedemption(true, null, "usr_1", "ses_1", "openid", null, "n-1", T0));
    }

    @Test
    void redeemWithAWrongVerifierThenRefusedAndTheCodeStaysUnused() {
        fixture.given(ISSUED)
                .when(new RedeemAuthorizationCode("code:1", "acme", "spa", "https://app.test/cb", "wrong-verifier-wrong-verifier-wrong-verifier", List.of("j")))
                .expectNoEvents()
                .expectResultMessagePayload(CodeRedemption.refused("code_verifier does not match the code_challenge"));
    }

    @Test
    void redeemAfterSixtySecondsThenExpired() {
        now[0] = T0.plusSeconds(60);
        fixture.given(ISSUED)
                .when(new RedeemAuthorizationCode("code:1", "acme", "spa", "https://app.test/cb", VERIFIER, List.of("j")))
                .expectNoEvents()
                .expectResultMessagePayload(CodeRedemption.refused("the code has expired"));
    }

    @Test
    void redeemWithAnotherRedirectUriThenRefused() {
        fixture.given(ISSUED)
                .when(new RedeemAuthorizationCode("code:1", "acme", "spa", "https://evil.test/cb", VERIFIER, List.of("j")))
                .expectNoEvents()
                .expectResultMessagePayload(CodeRedemption.refused("redirect_uri differs from the one the code was issued for"));
    }

    @Test
    void redeemByAnotherClientThenRefusedWithoutRecordingAnything() {
        fixture.given(ISSUED)
                .when(new RedeemAuthorizationCode("code:1", "acme", "other", "https://app.test/cb", VERIFIER, List.of("j")))
                .expectNoEvents()
                .expectResultMessagePayload(CodeRedemption.refused("the code was not issued to this client"));
    }

    @Test
    void secondUseThenRefusedAndTheFirstUsesTokensRevoked() {
        AuthorizationCodeRedeemed first = new AuthorizationCodeRedeemed("code:1", "acme", "spa", "usr_1", List.of("jti-1", "jti-2"), T0);
        now[0] = T0.plusSeconds(5);
        fixture.given(ISSUED, first)
                .when(new RedeemAuthorizationCode("code:1", "acme", "spa", "https://app.test/cb", VERIFIER, List.of("jti-3")))
                .expectEvents(new AuthorizationCodeReused("code:1", "acme", "spa", "usr_1", List.of("jti-1", "jti-2"), T0.plusSeconds(5)))
                .expectResultMessagePayload(CodeRedemption.refused("the code was already used; the tokens it issued are revoked"));
    }

    @Test
    void thirdUseThenRefusedWithoutRevokingAgain() {
        AuthorizationCodeRedeemed first = new AuthorizationCodeRedeemed("code:1", "acme", "spa", "usr_1", List.of("jti-1"), T0);
        AuthorizationCodeReused second = new AuthorizationCodeReused("code:1", "acme", "spa", "usr_1", List.of("jti-1"), T0);
        fixture.given(ISSUED, first, second)
                .when(new RedeemAuthorizationCode("code:1", "acme", "spa", "https://app.test/cb", VERIFIER, List.of("j")))
                .expectNoEvents();
    }

    @Test
    void codeIssuedWithoutChallengeRejectsAVerifier() {
        AuthorizationCodeIssued confidential = new AuthorizationCodeIssued("code:2", "acme", "web", "usr_1", "ses_1",
                "https://app.test/cb", null, "openid", null, null, T0, T0, T0.plusSeconds(60));
        fixture.given(confidential)
                .when(new RedeemAuthorizationCode("code:2", "acme", "web", "https://app.test/cb", VERIFIER, List.of("j")))
                .expectNoEvents()
                .expectResultMessagePayload(CodeRedemption.refused("code_verifier sent for a code issued without code_challenge"));
    }
}
