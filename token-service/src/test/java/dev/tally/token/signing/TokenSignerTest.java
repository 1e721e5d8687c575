package dev.tally.token.signing;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void claimsTextIsTheSameOnEveryReadAndTakesNoClaimOnceFinished() {
        TokenSigner.Claims claims = new TokenSigner.Claims().string("iss", "https://t.test/").number("exp", 7);
        String first = claims.json();

        assertThat(first).isEqualTo("{\"iss\":\"https://t.test/\",\"exp\":7}");
        assertThat(claims.json()).as("a second read does not close the object again").isSameAs(first);
        assertThatThrownBy(() -> claims.string("sub", "usr_1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> claims.audience(List.of("a", "b"))).isInstanceOf(IllegalStateException.class);
        assertThat(claims.json()).isEqualTo(first);
    }

    // --- the compact serialization written by hand, against Nimbus's own

    /**
     * The claims and header are written without Nimbus's claims set and JSON library. For random values built from
     * what JSON must escape (quotes, backslashes, every control character), what a JSON library may escape and
     * need not ({@code < > & = '}, U+2028), text beyond ASCII and surrogate pairs, absent optional claims and
     * audiences of zero, one and several: the token verifies, its header and claims read back as Nimbus's own
     * serialization of the same input reads, and the claims' JSON text is what Nimbus's JSON library writes for the
     * same members in the same order, except where that library escapes a character JSON allows as it is (it
     * escapes U+2028).
     */
    @Test
    void tokensAgreeWithNimbusOnRandomInput() throws Exception {
        java.util.Random random = new java.util.Random(20261207);
        TenantSigningKey rsa = fx.tenant("globex", TestKeys.rsa()).signingKey();
        int sameText = 0;
        for (int round = 0; round < 2_000; round++) {
            boolean ec = random.nextInt(4) != 0;
            TenantSigningKey k = ec ? key : rsa;
            String iss = text(random, false);
            String sub = text(random, true);
            String client = text(random, false);
            List<String> audience = java.util.stream.IntStream.range(0, random.nextInt(4))
                    .mapToObj(i -> text(random, false)).toList();
            String scope = text(random, true);
            String sid = text(random, true);
            String fid = text(random, true);
            String jti = text(random, false);
            java.time.Instant iat = java.time.Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L));
            long lifetime = random.nextLong(1, 400_000_000L);
            TokenDialect dialect = random.nextBoolean() ? TokenDialect.ACCESS_TOKEN : TokenDialect.RFC9068_PROFILE;

            SignedToken access = signer.accessToken(k, jti, iss, sub, client, audience, scope, iat, lifetime, sid, fid,
                    dialect);
            JWTClaimsSet.Builder theirs = new JWTClaimsSet.Builder().issuer(iss).subject(sub).audience(audience)
                    .claim("client_id", client).issueTime(Date.from(iat))
                    .expirationTime(Date.from(iat.plusSeconds(lifetime))).jwtID(jti);
            optional(theirs, "scope", scope);
            optional(theirs, "sid", sid);
            optional(theirs, "fid", fid);
            JOSEObjectType type = dialect == TokenDialect.ACCESS_TOKEN ? JOSEObjectType.JWT
                    : new JOSEObjectType("at+jwt");
            sameText += agrees(access, k, ec, type, theirs.build()) ? 1 : 0;

            java.time.Instant authTime = random.nextBoolean() ? iat.minusSeconds(random.nextInt(100_000)) : null;
            String nonce = text(random, true);
            SignedToken id = signer.idToken(k, jti, iss, sub, client, iat, lifetime, authTime, nonce, sid,
                    access.value());
            JWTClaimsSet.Builder theirId = new JWTClaimsSet.Builder().issuer(iss).subject(sub).audience(client)
                    .claim("azp", client).issueTime(Date.from(iat)).expirationTime(Date.from(iat.plusSeconds(lifetime)))
                    .jwtID(jti).claim("at_hash", leftHalfOfSha256(access.value()));
            if (authTime != null) {
                theirId.claim("auth_time", authTime.getEpochSecond());
            }
            optional(theirId, "nonce", nonce);
            optional(theirId, "sid", sid);
            sameText += agrees(id, k, ec, JOSEObjectType.JWT, theirId.build()) ? 1 : 0;
        }
        assertThat(sameText).as("tokens whose claims are the same text as Nimbus writes").isBetween(100, 3_900);
    }

    /**
     * Asserts what must hold; answers whether the claims' text is exactly what Nimbus's JSON library writes for the
     * same members in the same order (it always is once U+2028, which that library escapes, is escaped).
     */
    private static boolean agrees(SignedToken token, TenantSigningKey k, boolean ec, JOSEObjectType type,
                                  JWTClaimsSet expected) throws Exception {
        String[] parts = token.value().split("\\.", -1);
        assertThat(parts).hasSize(3);
        SignedJWT ours = SignedJWT.parse(token.value());
        SignedJWT nimbus = new SignedJWT(new JWSHeader.Builder(k.algorithm()).type(type).keyID(k.kid()).build(),
                expected);
        nimbus.sign(k.signer());
        assertThat(ours.verify(ec ? new ECDSAVerifier(TestKeys.ec(1).toPublicJWK())
                : new RSASSAVerifier(TestKeys.rsa().toPublicJWK()))).as("signature of %s", token.value()).isTrue();
        assertThat(ours.getHeader().toJSONObject()).isEqualTo(nimbus.getHeader().toJSONObject());
        assertThat(parts[0]).isEqualTo(nimbus.getHeader().toBase64URL().toString());
        SignedJWT theirs = SignedJWT.parse(nimbus.serialize());
        assertThat(ours.getJWTClaimsSet().toJSONObject()).as("claims of %s", token.value())
                .isEqualTo(theirs.getJWTClaimsSet().toJSONObject());
        assertThat(ours.getPayload().toJSONObject()).as("JSON members of %s (an audience of one a string)", token.value())
                .isEqualTo(theirs.getPayload().toJSONObject());
        assertThat(parts[1]).doesNotContain("=", "+", "/");
        String text = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String theirText = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(ours.getPayload().toJSONObject());
        assertThat(text.replace("\u2028", "\\u2028")).as("claims' text").isEqualTo(theirText);
        return text.equals(theirText);
    }

    private static void optional(JWTClaimsSet.Builder claims, String name, String value) {
        if (value != null) {
            claims.claim(name, value);
        }
    }

    /** A random string of the characters that matter to JSON text; sometimes {@code null} when optional. */
    private static String text(java.util.Random random, boolean optional) {
        if (optional && random.nextInt(4) == 0) {
            return null;
        }
        String[] pieces = {"\"", "\\", "/", "<", ">", "&", "=", "'", "\u2028", "\u00e9", "\u4e2d", "\ud83d\ude00",
                "\u007f", "\u0000", "\n", "\t", "\u001f", "a", "Z", "9", "-", " ", "https://t.test/"};
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(3) == 0 ? pieces[random.nextInt(pieces.length)]
                    : (char) random.nextInt(0x20, 0x7f));
        }
        return text.toString();
    }
}

