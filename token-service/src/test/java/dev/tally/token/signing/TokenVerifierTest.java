package dev.tally.token.signing;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.token.fixture.TestKeys;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.signing.TokenSigner.SignedToken;
import dev.tally.token.view.TokenConfigState.TenantView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TokenVerifierTest {
    static final String API = "https://api.acme.test";
    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private TokenVerifier verifier;
    private TenantView acme;

    @BeforeEach
    void world() {
        acme = fx.tenant("acme", TestKeys.ec(1));
        verifier = fx.verifier();
    }

    @Test
    void verifyWhenSignedByTheTenantsPublishedKeyThenTheClaims() {
        SignedToken token = accessToken(acme, 600);

        JWTClaimsSet claims = verifier.verify(acme.jwks(), issuer("acme"), token.value(), true).orElseThrow();

        assertThat(claims.getJWTID()).isEqualTo(token.jti());
        assertThat(claims.getSubject()).isEqualTo("usr_1");
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), true))
                .as("the verifier built for the key is kept and verifies again").contains(claims);
    }

    @Test
    void verifyWhenTheIssuerIsAnotherThenEmpty() {
        SignedToken token = accessToken(acme, 600);

        assertThat(verifier.verify(acme.jwks(), issuer("globex"), token.value(), true)).isEmpty();
        assertThat(verifier.verify(acme.jwks(), issuer("acme") + "/", token.value(), true)).as("exactly").isEmpty();
        assertThat(verifier.verify(acme.jwks(), issuer("globex"), token.value(), false))
                .as("the issuer is checked even when expiry is not").isEmpty();
    }

    /** RFC 7519 §4.1.4: not accepted on or after {@code exp}; no skew, as Tally issued it by the same clock. */
    @Test
    void verifyWhenTheClockReachesExpThenEmpty() {
        SignedToken token = accessToken(acme, 600);

        fx.clock.set(T0.plusSeconds(599));
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), true)).isPresent();
        fx.clock.set(T0.plusSeconds(600));
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), true)).isEmpty();
        fx.clock.advance(Duration.ofDays(1));
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), true)).isEmpty();
    }

    /** An ID token as a logout hint may have expired (RP-Initiated Logout §2). */
    @Test
    void verifyWhenExpiredButExpiryIsNotRequiredThenTheClaims() {
        SignedToken token = accessToken(acme, 600);
        fx.clock.advance(Duration.ofDays(30));

        assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), false))
                .hasValueSatisfying(c -> assertThat(c.getJWTID()).isEqualTo(token.jti()));
    }

    @Test
    void verifyWhenNoExpAndExpiryIsRequiredThenEmpty() throws Exception {
        SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.ES256, TestKeys.ec(1).getKeyID()),
                new JWTClaimsSet.Builder().issuer(issuer("acme")).subject("usr_1").issueTime(Date.from(T0)).build());
        jwt.sign(new ECDSASigner(TestKeys.ec(1)));

        assertThat(verifier.verify(acme.jwks(), issuer("acme"), jwt.serialize(), true)).isEmpty();
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), jwt.serialize(), false)).isPresent();
    }

    @Test
    void verifyWhenTheKidIsNotPublishedByTheTenantThenEmpty() {
        TenantView globex = fx.tenant("globex", TestKeys.ec(2));
        SignedToken globexToken = fx.signer().accessToken(globex.signingKey(), "jti-g", issuer("acme"), "usr_1", "web",
                List.of(API), null, T0, 600);

        assertThat(verifier.verify(acme.jwks(), issuer("acme"), globexToken.value(), true))
                .as("signed by another tenant's key, even with this tenant's issuer").isEmpty();
    }

    @Test
    void verifyWhenTheKidNamesAPublishedKeyButAnotherKeySignedThenEmpty() throws Exception {
        SignedJWT forged = new SignedJWT(header(JWSAlgorithm.ES256, TestKeys.ec(1).getKeyID()), claims("acme"));
        forged.sign(new ECDSASigner(TestKeys.ec(2)));

        assertThat(verifier.verify(acme.jwks(), issuer("acme"), forged.serialize(), true)).isEmpty();
    }

    /**
     * The tenant's RSA key is for RS256: a PS256 signature by the same private key is mathematically valid for it,
     * and must still be refused, because the key says what it is for.
     */
    @Test
    void verifyWhenTheHeaderAlgIsNotTheAlgOfTheKeyThenEmpty() throws Exception {
        TenantView globex = fx.tenant("globex", TestKeys.rsa());
        SignedJWT ps256 = new SignedJWT(header(JWSAlgorithm.PS256, "test-rsa-1"), claims("globex"));
        ps256.sign(new RSASSASigner(TestKeys.rsa()));
        SignedJWT rs256 = new SignedJWT(header(JWSAlgorithm.RS256, "test-rsa-1"), claims("globex"));
        rs256.sign(new RSASSASigner(TestKeys.rsa()));

        assertThat(verifier.verify(globex.jwks(), issuer("globex"), rs256.serialize(), true)).as("the control").isPresent();
        assertThat(verifier.verify(globex.jwks(), issuer("globex"), ps256.serialize(), true)).isEmpty();
    }

    /** The classic confusion: an HMAC "signed" with the public key as the secret. */
    @Test
    void verifyWhenHs256WithThePublicKeyAsSecretThenEmpty() throws Exception {
        TenantView globex = fx.tenant("globex", TestKeys.rsa());
        SignedJWT hs256 = new SignedJWT(header(JWSAlgorithm.HS256, "test-rsa-1"), claims("globex"));
        hs256.sign(new MACSigner(TestKeys.rsa().toRSAPublicKey().getEncoded()));

        assertThat(verifier.verify(globex.jwks(), issuer("globex"), hs256.serialize(), true)).isEmpty();
    }

    @Test
    void verifyWhenThePublishedKeyNamesNoAlgThenEmpty() throws Exception {
        ECKey withoutAlg = new ECKey.Builder(TestKeys.ec(1).toPublicJWK()).algorithm(null).build();
        SignedToken token = accessToken(acme, 600);

        assertThat(verifier.verify(new JWKSet(withoutAlg), issuer("acme"), token.value(), true)).isEmpty();
    }

    @Test
    void verifyWhenTheTenantPublishesAnOlderKeyTooThenTokensOfBothVerify() {
        SignedToken before = accessToken(acme, 600);
        TenantView rotated = fx.signingKeyAdded("acme", TestKeys.ec(3));
        SignedToken after = accessToken(rotated, 600);

        assertThat(rotated.signingKey().kid()).isEqualTo("test-ec-3");
        assertThat(verifier.verify(rotated.jwks(), issuer("acme"), before.value(), true)).isPresent();
        assertThat(verifier.verify(rotated.jwks(), issuer("acme"), after.value(), true)).isPresent();
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), after.value(), true))
                .as("the JWKS of before the rotation does not know the new key").isEmpty();
    }

    @Test
    void verifyWhenThePayloadWasAlteredThenEmpty() {
        String[] parts = accessToken(acme, 600).value().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"usr_1\"", "\"usr_2\"");
        String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertThat(payload).contains("usr_2");
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), altered, true)).isEmpty();
    }

    @Test
    void verifyWhenGarbageThenEmptyNeverAnException() {
        String unsigned = new PlainJWT(claims("acme")).serialize();
        String[] garbage = {null, "", " ", "garbage", "a.b.c", "a.b.c.d.e", "...", unsigned,
                accessToken(acme, 600).value() + "x", "eyJhbGciOiJFUzI1NiJ9.e30."};

        for (String token : garbage) {
            assertThat(verifier.verify(acme.jwks(), issuer("acme"), token, true)).as("%s", token).isEmpty();
            assertThat(verifier.verify(acme.jwks(), issuer("acme"), token, false)).as("%s", token).isEmpty();
        }
    }

    /** A remembered signature counts only while the tenant still publishes the key that made it (revocation). */
    @Test
    void verifyWhenTheKeyOfARememberedTokenIsNoLongerPublishedThenEmpty() {
        SignedToken token = accessToken(acme, 600);
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), true)).as("remembered").isPresent();

        TenantView otherKeysOnly = fx.tenant("acme", TestKeys.ec(3));
        assertThat(verifier.verify(otherKeysOnly.jwks(), issuer("acme"), token.value(), true)).isEmpty();
        assertThat(verifier.verify(new JWKSet(), issuer("acme"), token.value(), true)).isEmpty();
    }

    /** Another key published under the same kid is another key: the signature is checked again, and fails. */
    @Test
    void verifyWhenAnotherKeyIsPublishedUnderTheRememberedKidThenEmpty() {
        SignedToken token = accessToken(acme, 600);
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), true)).isPresent();

        ECKey impostor = new ECKey.Builder(TestKeys.ec(2).toPublicJWK()).keyID(TestKeys.ec(1).getKeyID())
                .algorithm(JWSAlgorithm.ES256).build();
        assertThat(verifier.verify(new JWKSet(impostor), issuer("acme"), token.value(), true)).isEmpty();
    }

    /** Remembering is bounded, and forgetting changes no answer. */
    @Test
    void verifyWhenMoreTokensThanRememberedThenEveryAnswerStaysTheSame() {
        List<SignedToken> tokens = new java.util.ArrayList<>();
        for (int i = 0; i <= TokenVerifier.TOKENS_KEPT; i++) {
            tokens.add(fx.signer().accessToken(acme.signingKey(), "jti-" + i, issuer("acme"), "usr_1", "web",
                    List.of(API), "read", T0, 600));
        }
        for (SignedToken token : tokens) {
            assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), true)).isPresent();
        }
        assertThat(verifier.remembered()).isBetween(1, TokenVerifier.TOKENS_KEPT);
        for (SignedToken token : tokens.subList(0, 10)) {
            assertThat(verifier.verify(acme.jwks(), issuer("acme"), token.value(), true))
                    .hasValueSatisfying(c -> assertThat(c.getJWTID()).isEqualTo(token.jti()));
        }
        fx.clock.set(T0.plusSeconds(600));
        assertThat(verifier.verify(acme.jwks(), issuer("acme"), tokens.get(tokens.size() - 1).value(), true))
                .as("a remembered token's expiry is checked again").isEmpty();
    }

    @Test
    void typeWhenAnAccessTokenThenAtJwtAndWhenGarbageThenNull() {
        assertThat(TokenVerifier.type(accessToken(acme, 600).value())).isEqualTo("at+jwt");
        assertThat(TokenVerifier.type("garbage")).isNull();
    }

    private SignedToken accessToken(TenantView tenant, long lifetime) {
        return fx.signer().accessToken(tenant.signingKey(), "jti-" + lifetime, issuer(tenant.tenantId()), "usr_1", "web",
                List.of(API), "read", T0, lifetime);
    }

    private static JWSHeader header(JWSAlgorithm alg, String kid) {
        return new JWSHeader.Builder(alg).type(AT_JWT).keyID(kid).build();
    }

    private static JWTClaimsSet claims(String tenantId) {
        return new JWTClaimsSet.Builder().issuer(issuer(tenantId)).subject("usr_1").audience(API)
                .issueTime(Date.from(T0)).expirationTime(Date.from(T0.plusSeconds(600))).jwtID("jti-x").build();
    }
}
