package dev.tally.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.TestHttp.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Tally issue 16: Spring Security's OpenID Connect login accepts Tally's ID tokens. The parts {@code oauth2Login}
 * uses, without its web layer: a {@link ClientRegistration} built from the issuer's discovery document, the
 * authorization request with PKCE, the code exchanged by Spring's token response client, and the ID token checked by
 * {@link OidcIdTokenDecoderFactory}'s decoder, which expects RS256 unless told otherwise.
 */
@ExtendWith(Tally.Server.class)
class SpringOidcLoginInteropTest {
    static final String TENANT = "spring-login";
    static final String ORDERS = "https://orders.spring-login.test";
    static final String CALLBACK = "https://app.spring-login.test/login/oauth2/code/tally";

    static Tally tally;
    static String clientId;
    static String clientSecret;

    @BeforeAll
    static void tenantWithAWebClientAndAUser(Tally server) {
        tally = server;
        tally.tenant(TENANT);
        tally.api(TENANT, ORDERS, Map.of());
        Response client = tally.client(TENANT, Map.of("name", "web", "app_type", "regular_web",
                "grant_types", List.of("authorization_code"), "callbacks", List.of(CALLBACK)));
        clientId = client.text("client_id");
        clientSecret = client.text("client_secret");
        tally.user(TENANT, "alice");
    }

    @Test
    void defaultOidcIdTokenDecoderAcceptsTheIdTokenOfTheCodeFlow() {
        ClientRegistration registration = ClientRegistrations.fromIssuerLocation(tally.issuer(TENANT))
                .registrationId("tally").clientId(clientId).clientSecret(clientSecret).redirectUri(CALLBACK)
                .scope("openid", "read:orders").build();
        OAuth2AuthorizationRequest.Builder builder = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(registration.getProviderDetails().getAuthorizationUri()).clientId(clientId)
                .redirectUri(CALLBACK).scopes(registration.getScopes()).state("spring-state")
                .additionalParameters(Map.of(OidcParameterNames.NONCE, "spring-nonce", "audience", ORDERS));
        OAuth2AuthorizationRequestCustomizers.withPkce().accept(builder);
        OAuth2AuthorizationRequest authorization = builder.build();

        URI callback = tally.signIn(URI.create(authorization.getAuthorizationRequestUri()), TENANT, "alice");
        Map<String, String> params = UriComponentsBuilder.fromUri(callback).build().getQueryParams().toSingleValueMap();
        assertThat(params).as("the redirect to %s", callback).containsEntry("state", "spring-state").containsKey("code");
        OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(params.get("code"))
                .redirectUri(CALLBACK).state(params.get("state")).build();
        OAuth2AccessTokenResponse tokens = new RestClientAuthorizationCodeTokenResponseClient().getTokenResponse(
                new OAuth2AuthorizationCodeGrantRequest(registration,
                        new OAuth2AuthorizationExchange(authorization, response)));
        String idToken = (String) tokens.getAdditionalParameters().get(OidcParameterNames.ID_TOKEN);
        assertThat(idToken).as("the token response's id_token").isNotNull();

        JwtDecoder decoder = new OidcIdTokenDecoderFactory().createDecoder(registration);
        Jwt decoded = decoder.decode(idToken);

        assertThat(decoded.getHeaders()).containsEntry("alg", "RS256");
        assertThat(decoded.getIssuer().toString()).isEqualTo(tally.issuer(TENANT));
        assertThat(decoded.getAudience()).containsExactly(clientId);
        assertThat(decoded.getClaimAsString("nonce")).isEqualTo("spring-nonce");
        assertThat(decoded.getSubject()).startsWith("usr_");
        assertThat(Set.copyOf(tokens.getAccessToken().getScopes())).contains("openid");
    }
}
