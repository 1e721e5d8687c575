package dev.tally.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.AccessTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.tally.testsupport.TestHttp.Response;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tally issue 16: the Nimbus OAuth 2.0 SDK ({@code com.nimbusds:oauth2-oidc-sdk}) as a client of Tally over HTTP:
 * discovery at both of an issuer's locations, client credentials with each client authentication method, RFC 8707
 * {@code resource}, access tokens checked as RFC 9068 says, and the code flow with PKCE through Tally's login page
 * ending in an RS256 ID token the SDK's validator accepts. Every request is built and every answer parsed by the SDK;
 * nothing here speaks the protocol by hand except the user at the login form.
 */
@ExtendWith(Tally.Server.class)
class NimbusSdkInteropTest {
    static final String TENANT = "nimbus";
    static final String ORDERS = "https://orders.nimbus.test";
    static final URI CALLBACK = URI.create("https://app.nimbus.test/callback");

    static Tally tally;
    static Issuer issuer;
    static OIDCProviderMetadata provider;
    static ClientID machine;
    static Secret machineSecret;

    @BeforeAll
    static void tenantWithAnApiAndAMachineClient(Tally server) throws Exception {
        tally = server;
        tally.tenant(TENANT);
        tally.api(TENANT, ORDERS, Map.of());
        Response client = tally.client(TENANT, Map.of("name", "billing", "app_type", "non_interactive",
                "grant_types", List.of("client_credentials")));
        machine = new ClientID(client.text("client_id"));
        machineSecret = new Secret(client.text("client_secret"));
        issuer = new Issuer(tally.issuer(TENANT));
        provider = OIDCProviderMetadata.resolve(issuer);
    }

    @Test
    void openIdDiscoveryUnderTheIssuerResolvesAndNamesTheIssuer() {
        assertThat(provider.getIssuer()).isEqualTo(issuer);
        assertThat(provider.getTokenEndpointURI()).isEqualTo(URI.create(issuer + "/oauth/token"));
        assertThat(provider.getJWKSetURI()).isEqualTo(URI.create(issuer + "/.well-known/jwks.json"));
        assertThat(provider.getCodeChallengeMethods()).contains(CodeChallengeMethod.S256);
    }

    /** RFC 8414 §3.1: for an issuer with a path, the well-known segment goes between the host and the path. */
    @Test
    void authorizationServerMetadataAtThePathInsertedLocationParsesAndNamesTheIssuer() throws Exception {
        URI location = URI.create(tally.baseUrl() + "/.well-known/oauth-authorization-server/t/" + TENANT);
        HTTPResponse answer = new HTTPRequest(HTTPRequest.Method.GET, location).send();
        assertThat(answer.getStatusCode()).as(answer.getBody()).isEqualTo(200);

        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(answer.getBodyAsJSONObject());
        // RFC 8414 §3.3: the issuer in the document must be the one the location was made from
        assertThat(metadata.getIssuer()).isEqualTo(issuer);
        assertThat(metadata.getTokenEndpointURI()).isEqualTo(provider.getTokenEndpointURI());
        assertThat(metadata.getJWKSetURI()).isEqualTo(provider.getJWKSetURI());
    }

    @Test
    void clientSecretBasicGetsAnAccessTokenThatPassesRfc9068Validation() throws Exception {
        AccessToken token = clientCredentials(new ClientSecretBasic(machine, machineSecret), null);

        assertThat(rfc9068Claims(token, ORDERS, machine).getSubject()).isEqualTo(machine.getValue());
    }

    @Test
    void clientSecretPostGetsAnAccessTokenThatPassesRfc9068Validation() throws Exception {
        AccessToken token = clientCredentials(new ClientSecretPost(machine, machineSecret), null);

        assertThat(rfc9068Claims(token, ORDERS, machine).getStringClaim("scope")).isEqualTo("read:orders");
    }

    /** RFC 8707: the SDK sends {@code resource}, not {@code audience}; the token's audience is the API it names. */
    @Test
    void resourceParameterGetsATokenForTheApiItNames() throws Exception {
        String invoices = "https://invoices.nimbus.test";
        tally.api(TENANT, invoices, Map.of());

        AccessToken token = clientCredentials(new ClientSecretBasic(machine, machineSecret), URI.create(invoices));

        assertThat(rfc9068Claims(token, invoices, machine).getAudience()).containsExactly(invoices);
    }

    /** RFC 7523 §2.2: the SDK signs the assertion with the client's private key; Tally holds only the public JWK. */
    @Test
    void privateKeyJwtClientGetsAnAccessTokenThatPassesRfc9068Validation() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("signer-1").keyUse(KeyUse.SIGNATURE).generate();
        Response registered = tally.client(TENANT, Map.of("name", "signer", "app_type", "non_interactive",
                "grant_types", List.of("client_credentials"), "token_endpoint_auth_method", "private_key_jwt",
                "jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject()))));
        ClientID signer = new ClientID(registered.text("client_id"));
        Date now = new Date();
        JWTAuthenticationClaimsSet assertion = new JWTAuthenticationClaimsSet(signer,
                List.of(new Audience(provider.getTokenEndpointURI())), new Date(now.getTime() + 60_000), null, now,
                new JWTID());

        AccessToken token = clientCredentials(new PrivateKeyJWT(assertion, JWSAlgorithm.RS256, key.toRSAPrivateKey(),
                key.getKeyID(), null), null);

        assertThat(rfc9068Claims(token, ORDERS, signer).getSubject()).isEqualTo(signer.getValue());
    }

    /**
     * The code flow as an OpenID Connect relying party runs it with the SDK: an authentication request with state,
     * nonce and PKCE, the user at Tally's login page, the code exchanged with client_secret_basic, and the ID token
     * checked by the SDK's validator for RS256, the algorithm OpenID Connect assumes when a client registered none.
     */
    @Test
    void codeFlowWithPkceEndsInAnRs256IdTokenTheSdkValidates() throws Exception {
        Response registered = tally.client(TENANT, Map.of("name", "web", "app_type", "regular_web",
                "grant_types", List.of("authorization_code"), "callbacks", List.of(CALLBACK.toString())));
        ClientID web = new ClientID(registered.text("client_id"));
        Secret webSecret = new Secret(registered.text("client_secret"));
        tally.user(TENANT, "alice");
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest authorize = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "read:orders"), web, CALLBACK).endpointURI(provider.getAuthorizationEndpointURI())
                .state(state).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256)
                .customParameter("audience", ORDERS).build();

        AuthenticationResponse redirect = AuthenticationResponseParser.parse(tally.signIn(authorize.toURI(), TENANT, "alice"));
        assertThat(redirect.indicatesSuccess()).as("the authorization response").isTrue();
        assertThat(redirect.getState()).isEqualTo(state);
        AuthorizationCode code = redirect.toSuccessResponse().getAuthorizationCode();
        TokenResponse answer = OIDCTokenResponseParser.parse(new TokenRequest(provider.getTokenEndpointURI(),
                new ClientSecretBasic(web, webSecret), new AuthorizationCodeGrant(code, CALLBACK, verifier)).toHTTPRequest().send());
        assertThat(answer.indicatesSuccess()).as("the token response: %s", answer.toHTTPResponse().getBody()).isTrue();
        OIDCTokenResponse tokens = (OIDCTokenResponse) answer.toSuccessResponse();

        IDTokenValidator validator = new IDTokenValidator(issuer, web, JWSAlgorithm.RS256,
                provider.getJWKSetURI().toURL());
        IDTokenClaimsSet idToken = validator.validate(tokens.getOIDCTokens().getIDToken(), nonce);
        assertThat(idToken.getAudience()).containsExactly(new Audience(web));
        assertThat(idToken.getAccessTokenHash()).isNotNull();
        AccessTokenValidator.validate(tokens.getOIDCTokens().getAccessToken(), JWSAlgorithm.RS256,
                idToken.getAccessTokenHash());
    }

    private static AccessToken clientCredentials(ClientAuthentication authentication, URI resource) throws Exception {
        TokenRequest request = resource == null
                ? new TokenRequest(provider.getTokenEndpointURI(), authentication, new ClientCredentialsGrant(),
                        new Scope("read:orders"), null, Map.of("audience", List.of(ORDERS)))
                : new TokenRequest(provider.getTokenEndpointURI(), authentication, new ClientCredentialsGrant(),
                        new Scope("read:orders"), List.of(resource), Map.of());
        TokenResponse answer = TokenResponse.parse(request.toHTTPRequest().send());
        assertThat(answer.indicatesSuccess()).as("the token response: %s", answer.toHTTPResponse().getBody()).isTrue();
        return answer.toSuccessResponse().getTokens().getAccessToken();
    }

    /**
     * RFC 9068 §4 with Nimbus JOSE, as a resource server that knows only the issuer's metadata: {@code typ}
     * {@code at+jwt}, a signature by one of the issuer's published keys, the issuer, the audience, and the claims the
     * profile requires.
     */
    private static JWTClaimsSet rfc9068Claims(AccessToken token, String audience, ClientID client) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                JWKSourceBuilder.create(provider.getJWKSetURI().toURL()).build()));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer.getValue()).claim("client_id", client.getValue()).build(),
                Set.of("iss", "exp", "aud", "sub", "client_id", "iat", "jti")));
        return processor.process(token.getValue(), null);
    }
}
