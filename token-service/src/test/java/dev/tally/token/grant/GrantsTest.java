package dev.tally.token.grant;

import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.protocol.OAuthError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GrantsTest {
    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();

    @Test
    void ofWhenAGrantTypeIsOfferedThenItsGrant() {
        ClientCredentialsGrant clientCredentials = fx.clientCredentialsGrant();
        RefreshTokenGrant refresh = fx.refreshTokenGrant();
        Grants grants = new Grants(List.of(clientCredentials, refresh));

        assertThat(grants.of("client_credentials")).isSameAs(clientCredentials);
        assertThat(grants.of("refresh_token")).isSameAs(refresh);
        assertThat(grants.types()).containsExactly("client_credentials", "refresh_token");
    }

    @Test
    void ofWhenAGrantTypeIsNotOfferedThenUnsupportedGrantTypeListingTheOffered() {
        Grants grants = new Grants(List.of(fx.clientCredentialsGrant(), fx.authorizationCodeGrant()));

        OAuthError error = refusal(() -> grants.of("password"));

        assertThat(error.error()).isEqualTo("unsupported_grant_type");
        assertThat(error.getMessage())
                .isEqualTo("grant_type 'password' is not supported; supported: [client_credentials, authorization_code]");
        assertThat(refusal(() -> grants.of(null)).error()).isEqualTo("unsupported_grant_type");
    }
}
