package dev.tally.token.protocol;

import static dev.tally.token.fixture.TokenFixtures.form;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

class ClientAuthenticationTest {
    static final String SECRET = "s3cret-of-the-web-app-0123456789";
    static final String ADDRESS = "198.51.100.20";

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
        ClientView client = authentication.authenticate("acme", basic("web", SECRET), form("grant_type", "x"), ADDRESS);

        assertThat(client.clientId()).isEqualTo("web");
        assertThat(client.tenantId()).isEqualTo("acme");
    }

    @Test
    void authenticateWhenBasicSchemeInAnyCaseThenAccepted() {
        String header = basic("web", SECRET).replace("Basic ", "bAsIc ");

        assertThat(authentication.authenticate("acme", header, form(), ADDRESS).clientId()).isEqualTo("web");
    }

    /** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
    @Test
    void authenticateWhenBasicCredentialsAreFormUrlEncodedThenDecodedFirst() {
        String secret = "a+b%c:d é";
        fx.confidentialClient("acme", "id:with space", secret, GrantTypes.CLIENT_CREDENTIALS);
        String header = "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode("id:with space", StandardCharsets.UTF_8)
                + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));

        assertThat(authentication.authenticate("acme", header, form(), ADDRESS).clientId()).isEqualTo("id:with space");
    }

    @Test
    void authenticateWhenBasicAndTheSameClientIdInTheBodyThenTheClient() {
        assertThat(authentication.authenticate("acme", basic("web", SECRET), form("client_id", "web"), ADDRESS).clientId())
                .isEqualTo("web");
    }

    @Test
    void authenticateWhenBasicAndAnotherClientIdInTheBodyThenInvalidRequest() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", basic("web", SECRET), form("client_id", "spa"),
                ADDRESS));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.getMessage()).isEqualTo("client_id in the body differs from the authenticated client");
    }

    @Test
    void authenticateWhenClientSecretPostThenTheClient() {
        ClientView client = authentication.authenticate("acme", null, form("client_id", "web", "client_secret", SECRET), ADDRESS);

        assertThat(client.clientId()).isEqualTo("web");
    }

    @Test
    void authenticateWhenBothBasicAndClientSecretPostThenInvalidRequest() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", basic("web", SECRET),
                form("client_id", "web", "client_secret", SECRET), ADDRESS));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("use one client authentication method, not both Basic and client_secret");
    }

    @Test
    void authenticateWhenWrongSecretThenInvalidClient() {
        OAuthError basic = refusal(() -> authentication.authenticate("acme", basic("web", SECRET + "x"), form(), ADDRESS));
        OAuthError post = refusal(() -> authentication.authenticate("acme", null,
                form("client_id", "web", "client_secret", "wrong"), ADDRESS));

        for (OAuthError error : new OAuthError[] {basic, post}) {
            assertThat(error.error()).isEqualTo("invalid_client");
            assertThat(error.status()).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(error.getMessage()).isEqualTo("client authentication failed");
        }
    }

    /** The same answer as for a wrong secret: the response must not tell which client ids exist. */
    @Test
    void authenticateWhenUnknownClientThenTheSameInvalidClientAsAWrongSecret() {
        OAuthError unknown = refusal(() -> authentication.authenticate("acme", basic("nobody", SECRET), form(), ADDRESS));
        OAuthError wrongSecret = refusal(() -> authentication.authenticate("acme", basic("web", "wrong"), form(), ADDRESS));

        assertThat(unknown.error()).isEqualTo("invalid_client");
        assertThat(unknown.getMessage()).isEqualTo(wrongSecret.getMessage());
        assertThat(unknown.status()).isEqualTo(wrongSecret.status());
    }

    @Test
    void authenticateWhenTheClientIsAnotherTenantsThenInvalidClient() {
        fx.tenant("globex");

        OAuthError error = refusal(() -> authentication.authenticate("globex", basic("web", SECRET), form(), ADDRESS));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.getMessage()).isEqualTo("client authentication failed");
    }

    @Test
    void authenticateWhenNoClientIdAtAllThenInvalidClient() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", null, form("grant_type", "client_credentials"), ADDRESS));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.getMessage()).contains("client authentication is required");
    }

    @Test
    void authenticateWhenAnotherSchemeThanBasicThenItIsNotClientAuthentication() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", "Bearer " + SECRET, form(), ADDRESS));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.getMessage()).contains("client authentication is required");
    }

    @Test
    void authenticateWhenConfidentialClientSendsNoSecretThenInvalidClient() {
        OAuthError error = refusal(() -> authentication.authenticate("acme", null, form("client_id", "web"), ADDRESS));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.getMessage()).isEqualTo("client authentication failed");
    }

    @Test
    void authenticateWhenPublicClientSendsOnlyItsIdThenTheClient() {
        ClientView client = authentication.authenticate("acme", null, form("client_id", "spa"), ADDRESS);

        assertThat(client.clientId()).isEqualTo("spa");
        assertThat(client.confidential()).isFalse();
    }

    /** A public client has no secret: one that presents any is not it. */
    @Test
    void authenticateWhenPublicClientPresentsASecretThenInvalidClient() {
        OAuthError post = refusal(() -> authentication.authenticate("acme", null,
                form("client_id", "spa", "client_secret", "guess"), ADDRESS));
        OAuthError basicEmpty = refusal(() -> authentication.authenticate("acme", basic("spa", ""), form(), ADDRESS));

        assertThat(post.error()).isEqualTo("invalid_client");
        assertThat(basicEmpty.error()).isEqualTo("invalid_client");
    }

    @Test
    void authenticateWhenBasicIsNotBase64OrHasNoColonOrBadEscapesThenInvalidClient() {
        String noColon = "Basic " + Base64.getEncoder().encodeToString("web".getBytes(StandardCharsets.UTF_8));
        String badEscape = "Basic " + Base64.getEncoder().encodeToString("web:%zz".getBytes(StandardCharsets.UTF_8));

        for (String header : new String[] {"Basic !!!not-base64!!!", noColon, badEscape}) {
            OAuthError error = refusal(() -> authentication.authenticate("acme", header, form(), ADDRESS));
            assertThat(error.error()).as(header).isEqualTo("invalid_client");
            assertThat(error.getMessage()).as(header).isEqualTo("malformed Basic credentials");
        }
    }

    @Test
    void authenticateWhenTheSecretWasRotatedThenOnlyTheNewOneWorks() {
        fx.secretRotated("acme", "web", "the-new-secret");

        assertThat(refusal(() -> authentication.authenticate("acme", basic("web", SECRET), form(), ADDRESS)).error())
                .isEqualTo("invalid_client");
        assertThat(authentication.authenticate("acme", basic("web", "the-new-secret"), form(), ADDRESS).clientId()).isEqualTo("web");
    }

    // ---- the throttle (tally.client-auth.* defaults: 10 per client and address, 30 per address, in a minute)

    /** Checked before the secret: a throttled address learns nothing, not even from the right secret. */
    @Test
    void authenticateWhenTheClientFailedTenTimesFromAnAddressThenSlowDownThereEvenWithTheRightSecret() {
        for (int i = 0; i < 10; i++) {
            fx.clock.advance(Duration.ofSeconds(1));
            String guess = "guess-" + i;
            assertThat(refusal(() -> authentication.authenticate("acme", basic("web", guess), form(), ADDRESS))
                    .error()).isEqualTo("invalid_client");
        }

        OAuthError throttled = refusal(() -> authentication.authenticate("acme", basic("web", SECRET), form(), ADDRESS));

        assertThat(throttled.error()).isEqualTo("slow_down");
        assertThat(throttled.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        // the first failure was at T0+1s and leaves the one-minute window at T0+61s; now is T0+10s
        assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(51));
        assertThat(throttled.getMessage()).isEqualTo("too many failed client authentications; retry in 51 s");
        assertThat(authentication.authenticate("acme", basic("web", SECRET), form(), "192.0.2.99").clientId())
                .as("the client from its own address").isEqualTo("web");

        fx.clock.advance(Duration.ofSeconds(51));
        assertThat(authentication.authenticate("acme", basic("web", SECRET), form(), ADDRESS).clientId()).isEqualTo("web");
    }

    @Test
    void authenticateWhenAnAddressFailedThirtyTimesWithWhateverCredentialsThenEveryClientThereWaits() {
        String malformed = "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 30; i++) {
            int n = i;
            OAuthError failed = refusal(() -> authentication.authenticate("acme", switch (n % 3) {
                case 0 -> basic("nobody-" + n, "x");
                case 1 -> malformed;
                default -> null;
            }, n % 3 == 2 ? form("client_id", "spa", "client_secret", "guess") : form(), ADDRESS));
            assertThat(failed.error()).as("attempt %d", n).isEqualTo("invalid_client");
        }

        OAuthError publicClient = refusal(() -> authentication.authenticate("acme", null, form("client_id", "spa"), ADDRESS));

        assertThat(publicClient.error()).isEqualTo("slow_down");
        assertThat(publicClient.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(authentication.authenticate("acme", null, form("client_id", "spa"), "192.0.2.99").clientId())
                .isEqualTo("spa");
    }

    @Test
    void authenticateWhenSuccessesOrMalformedRequestsThenNothingIsCounted() {
        for (int i = 0; i < 50; i++) {
            authentication.authenticate("acme", basic("web", SECRET), form(), ADDRESS);
            assertThat(refusal(() -> authentication.authenticate("acme", basic("web", SECRET),
                    form("client_secret", SECRET), ADDRESS)).error()).isEqualTo("invalid_request");
        }

        assertThat(authentication.authenticate("acme", basic("web", SECRET), form(), ADDRESS).clientId()).isEqualTo("web");
    }

    static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }
}
