package dev.tally.token.endpoint;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.grant.Grants;
import dev.tally.token.protocol.Issuers;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.settings.IssuerProperties;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/** The token endpoint's own steps, between the form and the grant, on Spring's servlet request stand-in. */
class TokenEndpointTest {
    static final String API = "https://api.acme.test";

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private TokenEndpoint endpoint;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        fx.api("acme", API, 600, true, "read:orders");
        fx.confidentialClient("acme", "m2m", "m2m-secret", GrantTypes.CLIENT_CREDENTIALS);
        fx.confidentialClient("acme", "legacy", "legacy-secret", GrantTypes.PASSWORD, GrantTypes.REFRESH_TOKEN);
        fx.user("acme", "alice", "pw");
        Grants grants = new Grants(List.of(fx.clientCredentialsGrant(), fx.authorizationCodeGrant(),
                fx.refreshTokenGrant(), fx.passwordGrant()));
        Issuers issuers = new Issuers(new IssuerProperties("https://tally.test//"));
        endpoint = new TokenEndpoint(fx.config, fx.clientAuthentication(), grants, issuers, fx.metrics);
    }

    @Test
    void tokenWhenIssuedThenAnUncachedBearerResponseWhoseExpiresInIsExpMinusIat() throws Exception {
        ResponseEntity<Map<String, Object>> response = endpoint.token("acme",
                post("m2m", "m2m-secret", "grant_type", "client_credentials", "audience", API, "scope", "read:orders"));

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(response.getHeaders().getCacheControl()).isEqualTo("no-store");
        assertThat(response.getHeaders().getFirst(HttpHeaders.PRAGMA)).isEqualTo("no-cache");
        Map<String, Object> body = response.getBody();
        assertThat(body).containsOnlyKeys("access_token", "token_type", "expires_in", "scope");
        assertThat(body).containsEntry("token_type", "Bearer").containsEntry("scope", "read:orders");
        JWTClaimsSet claims = SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet();
        long expMinusIat = (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
        assertThat(body.get("expires_in")).isEqualTo(600L).isEqualTo(expMinusIat);
        assertThat(claims.getIssuer()).as("tally.base-url, without its trailing slashes").isEqualTo(issuer("acme"));
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(T0);
    }

    @Test
    void tokenWhenOpenidAndOfflineAccessThenTheIdAndRefreshTokensAreInTheResponse() {
        ResponseEntity<Map<String, Object>> response = endpoint.token("acme", post("legacy", "legacy-secret",
                "grant_type", "password", "username", "alice", "password", "pw", "audience", API,
                "scope", "openid offline_access read:orders"));

        assertThat(response.getBody()).containsKeys("id_token", "refresh_token")
                .containsEntry("scope", "openid offline_access read:orders");
        assertThat((String) response.getBody().get("refresh_token")).startsWith("rtf_");
    }

    @Test
    void tokenWhenTheTenantIsUnknownThenNotFound() {
        OAuthError error = refusal(() -> endpoint.token("nope", post("m2m", "m2m-secret", "grant_type", "client_credentials",
                "audience", API)));

        assertThat(error.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.getMessage()).isEqualTo("no tenant 'nope'");
    }

    @Test
    void tokenWhenTheClientMayNotUseTheGrantTypeThenUnauthorizedClient() {
        OAuthError error = refusal(() -> endpoint.token("acme", post("m2m", "m2m-secret", "grant_type", "password",
                "username", "alice", "password", "pw")));

        assertThat(error.error()).isEqualTo("unauthorized_client");
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("this client may not use grant_type password");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void tokenWhenTheGrantTypeIsNotOfferedThenUnsupportedGrantType() {
        OAuthError error = refusal(() -> endpoint.token("acme", post("m2m", "m2m-secret",
                "grant_type", "urn:ietf:params:oauth:grant-type:device_code")));

        assertThat(error.error()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void tokenWhenNoGrantTypeThenInvalidRequest() {
        OAuthError error = refusal(() -> endpoint.token("acme", post("m2m", "m2m-secret", "audience", API)));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.getMessage()).isEqualTo("parameter 'grant_type' is required");
    }

    /** The client is authenticated before anything about its request is answered. */
    @Test
    void tokenWhenClientAuthenticationFailsThenInvalidClientWhateverTheRestOfTheRequest() {
        OAuthError error = refusal(() -> endpoint.token("acme", post("m2m", "wrong", "grant_type", "no-such-grant")));

        assertThat(error.error()).isEqualTo("invalid_client");
        assertThat(error.status()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    private static MockHttpServletRequest post(String clientId, String secret, String... namesAndValues) {
        MockHttpServletRequest http = new MockHttpServletRequest("POST", "/t/acme/oauth/token");
        http.setContentType("application/x-www-form-urlencoded");
        http.addHeader(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder()
                .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            http.addParameter(namesAndValues[i], namesAndValues[i + 1]);
        }
        http.setRemoteAddr("203.0.113.9");
        return http;
    }
}
