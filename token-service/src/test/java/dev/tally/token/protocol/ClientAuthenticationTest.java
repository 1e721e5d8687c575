package dev.tally.token.protocol;

import static dev.tally.token.fixture.TokenFixtures.form;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

class ClientAuthenticationTest {
    static final String SECRET = "s3cret-of-the-web-app-0123456789";

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private ClientAuthentication authentication;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        fx.confidentialClient("acme", "web", SECRET, GrantTypes.AUTHORIZATION_CODE, GrantTypes.CLIENT_CREDENTIALS);
        fx.publicClient("acme", "spa", GrantTypes.AUTHORIZATION_CODE);
        authentication = fx.clientAuthentication();
    }

    @Test
    void authenticateWhenClientSecretBasicThenTheClient() {
        ClientView client = authentication.authenticate("acme", basic("web", SECRET), form("grant_type", "x"));

        assertThat(client.clientId()).isEqualTo("web");
        assertThat(client.tenantId()).isEqualTo("acme");
    }

    @Test
    void authenticateWhenBasicSchemeInAnyCaseThenAccepted() {
        String header = basic("web", SECRET).replace("Basic ", "bAsIc ");

        assertThat(authentication.authenticate("acme", header, form()).clientId()).isEqualTo("web");
    }

    /** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
    @Test
    void authenticateWhenBasicCredentialsAreFormUrlEncodedThenDecodedFirst() {
        String secret = "a+b%c:d é";
        fx.confidentialClient("acme", "id:with space", secret, GrantTypes.CLIENT_CREDENTIALS);
        String header = "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode("id:with space", StandardCharsets.UTF_8)
                + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));

        assertThat(authentication.authenticate("acme", header, form()).clientId()).isEqualTo("id:with space");
    }

    @Test
    void authenticateWhenBasicAndTheSameClientIdInTheBodyThenTheClient() {
        assertThat(authentication.authenticate("acme", basic("web", SECRET), form("client_id", "web")).clientId())
                .isEqualTo("web");
    }

    @Test
    void authenticateWhenBasicAndAnotherClientIdInTheBodyThenInvalidRequest() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", basic("web", SECRET), form("client_id", "spa")));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.getMessage()).isEqualTo("client_id in the body differs from the authenticated client");
    }

    @Test
    void authenticateWhenClientSecretPostThenTheClient() {
        ClientView client = authentication.authenticate("acme", null, form("client_id", "web", "client_secret", SECRET));

        assertThat(client.clientId()).isEqualTo("web");
    }

    @Test
    void authenticateWhenBothBasicAndClientSecretPostThenInvalidRequest() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", basic("web", SECRET),
                form("client_id", "web", "client_secret", SECRET)));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("use one client authentication method, not both Basic and client_secret");
    }

    @Test
    void authenticateWhenWrongSecretThenInvalidClient() {
        OAuthError basic = refusal(() -> authentication.authenticate("acme", basic("web", SECRET + "x"), form()));
        OAuthError post = refusal(() -> authentication.authenticate("acme", null,
                form("client_id", "web", "client_secret", "wrong")));

        for (OAuthError error : new OAuthError[] {basic, post}) {
            assertThat(error.error()).isEqualTo("invalid_client");
            assertThat(error.status()).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(error.getMessage()).isEqualTo("client authentication failed");
        }
    }

    /** The same answer as for a wrong secret: the response must not tell which client ids exist. */
    @Test
    void authenticateWhenUnknownClientThenTheSameInvalidClientAsAWrongSecret() {
        OAuthError unknown = refusal(() -> authentication.authenticate("acme", basic("nobody", SECRET), form()));
        OAuthError wrongSecret = refusal(() -> authentication.authenticate("acme", basic("web", "wrong"), form()));

        assertThat(unknown.error()).isEqualTo("invalid_client");
        assertThat(unknown.getMessage()).isEqualTo(wrongSecret.getMessage());
        assertThat(unknown.status()).isEqualTo(wrongSecret.status());
    }

    @Test
    void authenticateWhenTheClientIsAnotherTenantsThenInvalidClient() {
        fx.tenant("globex");

        OAuthError error = refusal(() -> authentication.authenticate("globex", basic("web", SECRET), form()));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.getMessage()).isEqualTo("client authentication failed");
    }

    @Test
    void authenticateWhenNoClientIdAtAllThenInvalidClient() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", null, form("grant_type", "client_credentials")));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.getMessage()).contains("client authentication is required");
    }

    @Test
    void authenticateWhenAnotherSchemeThanBasicThenItIsNotClientAuthentication() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", "Bearer " + SECRET, form()));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.getMessage()).contains("client authentication is required");
    }

    @Test
    void authenticateWhenConfidentialClientSendsNoSecretThenInvalidClient() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", null, form("client_id", "web")));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.getMessage()).isEqualTo("client authentication failed");
    }

    @Test
    void authenticateWhenPublicClientSendsOnlyItsIdThenTheClient() {
        ClientView client = authentication.authenticate("acme", null, form("client_id", "spa"));

        assertThat(client.clientId()).isEqualTo("spa");
        assertThat(client.confidential()).isFalse();
    }

    /** A public client has no secret: one that presents any is not it. */
    @Test
    void authenticateWhenPublicClientPresentsASecretThenInvalidClient() {
        OAuthError post = refusal(() -> authentication.authenticate("acme", null,
                form("client_id", "spa", "client_secret", "guess")));
        OAuthError basicEmpty = refusal(() -> authentication.authenticate("acme", basic("spa", ""), form()));

        assertThat(post.error()).isEqualTo("invalid_client");
        assertThat(basicEmpty.error()).isEqualTo("invalid_client");
    }

    @Test
    void authenticateWhenBasicIsNotBase64OrHasNoColonOrBadEscapesThenInvalidClient() {
        String noColon = "Basic " + Base64.getEncoder().encodeToString("web".getBytes(StandardCharsets.UTF_8));
        String badEscape = "Basic " + Base64.getEncoder().encodeToString("web:%zz".getBytes(StandardCharsets.UTF_8));

        for (String header : new String[] {"Basic !!!not-base64!!!", noColon, badEscape}) {
            OAuthError error = refusal(() -> authentication.authenticate("acme", header, form()));
            assertThat(error.error()).as(header).isEqualTo("invalid_client");
            assertThat(error.getMessage()).as(header).isEqualTo("malformed Basic credentials");
        }
    }

    @Test
    void authenticateWhenTheSecretWasRotatedThenOnlyTheNewOneWorks() {
        fx.secretRotated("acme", "web", "the-new-secret");

        assertThat(refusal(() -> authentication.authenticate("acme", basic("web", SECRET), form())).error())
                .isEqualTo("invalid_client");
        assertThat(authentication.authenticate("acme", basic("web", "the-new-secret"), form()).clientId()).isEqualTo("web");
    }

    static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }
}
