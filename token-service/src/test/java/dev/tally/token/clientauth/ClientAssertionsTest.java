package dev.tally.token.clientauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientAuthSettings;
import dev.tally.kernel.client.ClientEvents.ClientAuthenticationChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.client.TokenEndpointAuthMethod;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.platform.clientkeys.ClientJwksProperties;
import dev.tally.platform.clientkeys.ClientKeySets;
import dev.tally.token.fixture.TestKeys;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.settings.ClientAssertionProperties;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Each rule of a private_key_jwt client assertion, one refusal at a time, against a client with registered keys. */
class ClientAssertionsTest {
    static final String ISSUER = TokenFixtures.issuer("acme");
    static final String TOKEN_ENDPOINT = ISSUER + "/oauth/token";
    static final Set<String> AUDIENCES = Set.of(ISSUER, TOKEN_ENDPOINT);

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    final ECKey key = TestKeys.ec(41);
    final RSAKey rsa = TestKeys.rsa();
    ClientAssertions assertions;
    ClientView client;
    ClientView secretClient;

    @BeforeEach
    void setUp() {
        String url = "jdbc:h2:mem:client-assertions-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration/tally").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(url, "sa", ""));
        assertions = new ClientAssertions(new ClientKeys(ClientJwksProperties.defaults(), fx.clock),
                new AssertionReplay(jdbc, fx.clock), ClientAssertionProperties.defaults(), fx.clock);
        fx.tenant("acme");
        client = keyClient("svc", key, rsa);
        secretClient = fx.confidentialClient("acme", "web", "s3cret", "client_credentials");
    }

    ClientView keyClient(String clientId, JWK... keys) {
        fx.apply("Client", clientId, new ClientRegistered(clientId, "acme", "Service", AppType.NON_INTERACTIVE,
                List.of("client_credentials"), null, Map.of(), 3600, ClientUrls.NONE, ClientSessionLimits.NONE,
                fx.clock.instant()));
        fx.apply("Client", clientId, new ClientAuthenticationChanged(clientId, "acme", new ClientAuthSettings(
                TokenEndpointAuthMethod.PRIVATE_KEY_JWT, ClientKeySets.normalized(new JWKSet(List.of(keys)).toPublicJWKSet()),
                null, "RS256")));
        return fx.clientView("acme", clientId);
    }

    JWTClaimsSet.Builder claims() {
        Instant now = fx.clock.instant();
        return new JWTClaimsSet.Builder().issuer("svc").subject("svc").audience(TOKEN_ENDPOINT)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60))).jwtID(UUID.randomUUID().toString());
    }

    static SignedJWT signed(JWK with, JWSAlgorithm alg, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(with instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) with));
        return ClientAssertions.parse(jwt.serialize());
    }

    SignedJWT signed(JWTClaimsSet claims) throws Exception {
        return signed(key, JWSAlgorithm.ES256, key.getKeyID(), claims);
    }

    void refused(SignedJWT jwt, String reason) {
        assertThatThrownBy(() -> assertions.verify(jwt, client, AUDIENCES))
                .isInstanceOf(ClientAssertions.Refused.class).hasMessageContaining(reason);
    }

    @Test
    void anAssertionSignedByTheClientsKeyForTheTokenEndpointOrTheIssuerIsAccepted() throws Exception {
        assertThatCode(() -> assertions.verify(signed(claims().build()), client, AUDIENCES)).doesNotThrowAnyException();
        assertThatCode(() -> assertions.verify(signed(claims().audience(ISSUER).build()), client, AUDIENCES))
                .doesNotThrowAnyException();
        assertThatCode(() -> assertions.verify(signed(rsa, JWSAlgorithm.RS256, rsa.getKeyID(), claims().build()), client,
                AUDIENCES)).doesNotThrowAnyException();
    }

    @Test
    void theClientViewShowsTheRegisteredIdTokenAlgorithmAndRs256ByDefault() {
        fx.apply("Client", "svc", new ClientAuthenticationChanged("svc", "acme", new ClientAuthSettings(
                TokenEndpointAuthMethod.PRIVATE_KEY_JWT, client.authentication().jwks(), null, "ES256")));

        assertThat(fx.clientView("acme", "svc").idTokenSignedResponseAlg()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(secretClient.idTokenSignedResponseAlg()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(secretClient.tokenEndpointAuthMethod()).isEqualTo(TokenEndpointAuthMethod.CLIENT_SECRET_BASIC);
    }

    @Test
    void verifyWhenTheKeySaysRs256ThenPs256WithItIsRefused() throws Exception {
        refused(signed(rsa, JWSAlgorithm.PS256, rsa.getKeyID(), claims().build()), "PS256");
    }

    @Test
    void parseWhenNotAJwsThenRefused() {
        assertThatThrownBy(() -> ClientAssertions.parse("not.a.jwt")).isInstanceOf(ClientAssertions.Refused.class)
                .hasMessageContaining("not a JWS");
        assertThatThrownBy(() -> ClientAssertions.parse(new PlainJWT(claims().build()).serialize()))
                .isInstanceOf(ClientAssertions.Refused.class).hasMessageContaining("not a JWS");
    }

    @Test
    void parseWhenHs256ThenRefusedWhateverTheKey() throws Exception {
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        hmac.sign(new MACSigner(new byte[32]));

        assertThatThrownBy(() -> ClientAssertions.parse(hmac.serialize())).isInstanceOf(ClientAssertions.Refused.class)
                .hasMessageContaining("algorithm that is not accepted");
    }

    @Test
    void verifyWhenTheClientIsNotRegisteredForPrivateKeyJwtThenRefused() throws Exception {
        SignedJWT jwt = signed(claims().issuer("web").subject("web").build());

        assertThatThrownBy(() -> assertions.verify(jwt, secretClient, AUDIENCES)).isInstanceOf(ClientAssertions.Refused.class);
    }

    @Test
    void verifyWhenSignedByAnotherKeyThenRefused() throws Exception {
        refused(signed(TestKeys.ec(42), JWSAlgorithm.ES256, key.getKeyID(), claims().build()), "signature");
    }

    @Test
    void verifyWhenTheKidIsUnknownThenRefused() throws Exception {
        refused(signed(key, JWSAlgorithm.ES256, "no-such-kid", claims().build()), "kid");
    }

    @Test
    void verifyWhenTheAlgorithmDoesNotFitTheKeyThenRefused() throws Exception {
        refused(signed(rsa, JWSAlgorithm.RS256, key.getKeyID(), claims().build()), "RS256");
    }

    @Test
    void verifyWhenIssOrSubIsNotTheClientThenRefused() throws Exception {
        refused(signed(claims().issuer("other").build()), "iss and sub");
        refused(signed(claims().subject("other").build()), "iss and sub");
    }

    @Test
    void verifyWhenAudIsNeitherTheIssuerNorTheEndpointThenRefused() throws Exception {
        refused(signed(claims().audience(ISSUER + "/oauth/introspect").build()), "aud");
        refused(signed(claims().audience((String) null).build()), "aud");
    }

    @Test
    void verifyWhenExpIsMissingThenRefused() throws Exception {
        refused(signed(claims().expirationTime(null).build()), "no exp");
    }

    @Test
    void verifyWhenExpiredBeyondTheSkewThenRefusedAndWithinItAccepted() throws Exception {
        Instant now = fx.clock.instant();
        refused(signed(claims().issueTime(Date.from(now.minusSeconds(90))).expirationTime(Date.from(now.minusSeconds(31)))
                .build()), "expired");
        assertThatCode(() -> assertions.verify(signed(claims().issueTime(Date.from(now.minusSeconds(90)))
                .expirationTime(Date.from(now.minusSeconds(29))).build()), client, AUDIENCES)).doesNotThrowAnyException();
    }

    @Test
    void verifyWhenIatOrNbfIsInTheFutureBeyondTheSkewThenRefused() throws Exception {
        Instant now = fx.clock.instant();
        refused(signed(claims().issueTime(Date.from(now.plusSeconds(31))).build()), "iat");
        refused(signed(claims().notBeforeTime(Date.from(now.plusSeconds(31))).build()), "nbf");
    }

    @Test
    void verifyWhenValidForMoreThanFiveMinutesThenRefused() throws Exception {
        Instant now = fx.clock.instant();
        refused(signed(claims().expirationTime(Date.from(now.plus(Duration.ofMinutes(5)).plusSeconds(1))).build()),
                "too long");
        refused(signed(claims().issueTime(null).expirationTime(Date.from(now.plus(Duration.ofMinutes(6)))).build()),
                "too long");
        assertThatCode(() -> assertions.verify(signed(claims().expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .build()), client, AUDIENCES)).doesNotThrowAnyException();
    }

    @Test
    void verifyWhenJtiIsMissingOrTooLongThenRefused() throws Exception {
        refused(signed(claims().jwtID(null).build()), "no jti");
        refused(signed(claims().jwtID("x".repeat(257)).build()), "longer than 256");
    }

    @Test
    void verifyWhenTheJtiWasUsedThenRefusedUntilTheAssertionHasExpired() throws Exception {
        JWTClaimsSet claims = claims().build();
        assertions.verify(signed(claims), client, AUDIENCES);

        refused(signed(claims), "already used");
        fx.clock.advance(Duration.ofSeconds(95));
        SignedJWT sameJtiLater = signed(claims().jwtID(claims.getJWTID()).build());
        assertThatCode(() -> assertions.verify(sameJtiLater, client, AUDIENCES))
                .as("the first assertion has expired (with the skew): its jti may come again").doesNotThrowAnyException();
    }

    @Test
    void aRefusedAssertionDoesNotSpendItsJti() throws Exception {
        JWTClaimsSet claims = claims().build();
        refused(signed(TestKeys.ec(42), JWSAlgorithm.ES256, key.getKeyID(), claims), "signature");

        assertThatCode(() -> assertions.verify(signed(claims), client, AUDIENCES)).doesNotThrowAnyException();
    }

    @Test
    void refusalsNeverRepeatTheAssertion() throws Exception {
        SignedJWT jwt = signed(claims().audience("https://evil.test/aud-value").build());

        assertThatThrownBy(() -> assertions.verify(jwt, client, AUDIENCES))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("evil.test").doesNotContain(jwt.serialize()));
    }
}
