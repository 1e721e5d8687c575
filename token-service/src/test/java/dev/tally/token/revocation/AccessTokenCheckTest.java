package dev.tally.token.revocation;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.api.TokenDialect;
import dev.tally.token.fixture.TestKeys;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.signing.TenantSigningKey;
import dev.tally.token.signing.TokenSigner;
import dev.tally.token.signing.TokenVerifier;
import dev.tally.token.view.RevocationView;
import dev.tally.token.view.TokenConfigState.TenantView;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An access token in either dialect is an access token; an ID token, though also {@code typ: JWT}, never is. */
class AccessTokenCheckTest {
    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private final TokenSigner signer = new TokenSigner();
    private TenantSigningKey key;

    @BeforeEach
    void world() {
        key = fx.tenant("acme", TestKeys.ec(1)).signingKey();
    }

    @Test
    void anAccessTokenOfEitherDialectIsAnAccessToken() {
        for (TokenDialect dialect : TokenDialect.values()) {
            String token = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of("https://api.test"),
                    null, T0, 600, null, null, dialect).value();
            assertThat(AccessTokenCheck.isAccessToken(token)).as(dialect.wireName()).isTrue();
        }
    }

    @Test
    void anIdTokenOrSomethingElseIsNot() {
        String access = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of("https://api.test"),
                null, T0, 600).value();
        String idToken = signer.idToken(key, "jti-2", issuer("acme"), "usr_1", "web", T0, 600, T0, "n", "ses_1",
                access).value();

        assertThat(AccessTokenCheck.isAccessToken(idToken)).isFalse();
        assertThat(AccessTokenCheck.isAccessToken(null)).isFalse();
        assertThat(AccessTokenCheck.isAccessToken("not.a.jwt")).isFalse();
        assertThat(AccessTokenCheck.isAccessToken("rtf_abc.def")).isFalse();
    }

    /**
     * {@link AccessTokenCheck#active} verifies the signature first and takes the type from what the verifier
     * remembers: an ID token signed by the tenant's own key is never active, the first time or when its signature is
     * remembered, and an access token is active both times.
     */
    @Test
    void onlyAnAccessTokenIsActiveAlsoWhenItsSignatureIsRemembered() {
        TokenVerifier verifier = fx.verifier();
        AccessTokenCheck check = new AccessTokenCheck(verifier, new RevocationView());
        TenantView tenant = fx.tenantView("acme");
        String access = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of("https://api.test"),
                null, T0, 600).value();
        String idToken = signer.idToken(key, "jti-2", issuer("acme"), "usr_1", "web", T0, 600, T0, "n", "ses_1",
                access).value();
        assertThat(verifier.verify(tenant.jwks(), issuer("acme"), idToken, true)).as("the ID token's signature is good")
                .isPresent();
        for (int round = 1; round <= 2; round++) {
            assertThat(check.active(tenant, issuer("acme"), access)).as("the access token, round %d", round).isPresent();
            assertThat(check.active(tenant, issuer("acme"), idToken)).as("the ID token, round %d", round).isEmpty();
        }
        assertThat(check.active(tenant, issuer("acme"), "not.a.jwt")).isEmpty();
        assertThat(check.active(tenant, issuer("acme"), null)).isEmpty();
    }
}
