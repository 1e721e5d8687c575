package dev.tally.token.signing;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.token.fixture.TestKeys;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.signing.TokenSigner.SignedToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TokenSignerTest {
    static final String API = "https://api.acme.test";

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private final TokenSigner signer = new TokenSigner();
    private TenantSigningKey key;

    @BeforeEach
    void world() {
        key = fx.tenant("acme", TestKeys.ec(1)).signingKey();
    }

    @Test
    void accessTokenWhenSignedThenAnRfc9068HeaderNamingTheTenantsKey() throws Exception {
        SignedToken token = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of(API), "read",
                T0, 600);

        JWSHeader header = SignedJWT.parse(token.value()).getHeader();
        assertThat(header.getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(header.getKeyID()).isEqualTo(TestKeys.ec(1).getKeyID());
    }

    @Test
    void accessTokenWhenSignedThenTheSignatureVerifiesWithThePublicKey() throws Exception {
        SignedToken token = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of(API), "read",
                T0, 600);

        assertThat(SignedJWT.parse(token.value()).verify(new ECDSAVerifier(TestKeys.ec(1).toPublicJWK()))).isTrue();
        assertThat(SignedJWT.parse(token.value()).verify(new ECDSAVerifier(TestKeys.ec(2).toPublicJWK()))).isFalse();
    }

    @Test
    void accessTokenWhenSignedThenTheClaimsAreExactlyTheGivenOnes() throws Exception {
        SignedToken token = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web",
                List.of(API, issuer("acme") + "/userinfo"), "openid read", T0, 600, "ses_1", "rtf_1");

        JWTClaimsSet claims = SignedJWT.parse(token.value()).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer("acme"));
        assertThat(claims.getSubject()).isEqualTo("usr_1");
        assertThat(claims.getAudience()).containsExactly(API, issuer("acme") + "/userinfo");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("web");
        assertThat(claims.getStringClaim("scope")).isEqualTo("openid read");
        assertThat(claims.getJWTID()).isEqualTo("jti-1");
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(T0));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(T0.plusSeconds(600)));
        assertThat(claims.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(claims.getStringClaim("fid")).isEqualTo("rtf_1");
        assertThat(claims.getClaims().keySet()).containsExactlyInAnyOrder("iss", "sub", "aud", "client_id", "scope",
                "jti", "iat", "exp", "sid", "fid");
    }

    @Test
    void accessTokenWhenNoScopeSessionOrFamilyThenThoseClaimsAreAbsent() throws Exception {
        SignedToken token = signer.accessToken(key, "jti-1", issuer("acme"), "web", "web", List.of(API), null, T0, 60);

        JWTClaimsSet claims = SignedJWT.parse(token.value()).getJWTClaimsSet();
        assertThat(claims.getClaims()).doesNotContainKeys("scope", "sid", "fid");
    }

    @Test
    void accessTokenWhenSignedThenTheAnswerSaysItsIdAndTimesAsTheClaimsDo() {
        SignedToken token = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of(API), null, T0, 600);

        assertThat(token.jti()).isEqualTo("jti-1");
        assertThat(token.issuedAt()).isEqualTo(T0);
        assertThat(token.expiresAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(token.lifetimeSeconds()).isEqualTo(600);
    }

    @Test
    void idTokenWhenSignedThenAJwtForTheClientWithAtHashAndTheLoginsClaims() throws Exception {
        SignedToken access = signer.accessToken(key, "jti-a", issuer("acme"), "usr_1", "web", List.of(API), null, T0, 600);
        SignedToken id = signer.idToken(key, "jti-i", issuer("acme"), "usr_1", "web", T0, 36_000,
                T0.minusSeconds(30), "n-0S6", "ses_1", access.value());

        SignedJWT jwt = SignedJWT.parse(id.value());
        assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer("acme"));
        assertThat(claims.getSubject()).isEqualTo("usr_1");
        assertThat(claims.getAudience()).containsExactly("web");
        assertThat(claims.getStringClaim("azp")).isEqualTo("web");
        assertThat(claims.getJWTID()).isEqualTo("jti-i");
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(T0));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(T0.plusSeconds(36_000)));
        assertThat(claims.getLongClaim("auth_time")).isEqualTo(T0.minusSeconds(30).getEpochSecond());
        assertThat(claims.getStringClaim("nonce")).isEqualTo("n-0S6");
        assertThat(claims.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(claims.getStringClaim("at_hash")).isEqualTo(leftHalfOfSha256(access.value()));
    }

    @Test
    void idTokenWhenNoAuthTimeNonceOrSessionThenThoseClaimsAreAbsent() throws Exception {
        SignedToken id = signer.idToken(key, "jti-i", issuer("acme"), "usr_1", "web", T0, 600, null, null, null, "at");

        assertThat(SignedJWT.parse(id.value()).getJWTClaimsSet().getClaims()).doesNotContainKeys("auth_time", "nonce", "sid");
    }

    @Test
    void accessTokenWhenTheTenantSignsWithRs256ThenAnRs256SignatureOfItsKey() throws Exception {
        TenantSigningKey rsa = fx.tenant("globex", TestKeys.rsa()).signingKey();

        SignedToken token = signer.accessToken(rsa, "jti-1", issuer("globex"), "usr_1", "web", List.of(API), null, T0, 60);

        SignedJWT jwt = SignedJWT.parse(token.value());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("test-rsa-1");
        assertThat(jwt.verify(new RSASSAVerifier(TestKeys.rsa().toPublicJWK()))).isTrue();
    }

    /** OpenID Connect Core §3.1.3.6, computed here independently of the signer's own helper. */
    private static String leftHalfOfSha256(String accessToken) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    // --- token_dialect

    @Test
    void accessTokenWhenTheAccessTokenDialectThenTypJwtAndExactlyTheClaimsOfTheRfc9068Profile() throws Exception {
        SignedToken profile = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of(API), "read",
                T0, 600, "ses_1", "rtf_1", TokenDialect.RFC9068_PROFILE);
        SignedToken plain = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of(API), "read",
                T0, 600, "ses_1", "rtf_1", TokenDialect.ACCESS_TOKEN);

        JWSHeader plainHeader = SignedJWT.parse(plain.value()).getHeader();
        assertThat(plainHeader.getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(plainHeader.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(plainHeader.getKeyID()).isEqualTo(TestKeys.ec(1).getKeyID());
        assertThat(SignedJWT.parse(profile.value()).getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(SignedJWT.parse(plain.value()).getJWTClaimsSet().toJSONObject())
                .isEqualTo(SignedJWT.parse(profile.value()).getJWTClaimsSet().toJSONObject());
        assertThat(SignedJWT.parse(plain.value()).verify(new ECDSAVerifier(TestKeys.ec(1).toPublicJWK()))).isTrue();
    }

    @Test
    void accessTokenWithoutADialectThenTheRfc9068Profile() throws Exception {
        SignedToken token = signer.accessToken(key, "jti-1", issuer("acme"), "usr_1", "web", List.of(API), "read",
                T0, 600, null, null);

        assertThat(SignedJWT.parse(token.value()).getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
    }
}
