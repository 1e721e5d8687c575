package dev.tally.token.revocation;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.api.TokenDialect;
import dev.tally.token.fixture.TestKeys;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.signing.TenantSigningKey;
import dev.tally.token.signing.TokenSigner;
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
}
