package dev.tally.token.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.token.fixture.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The signatures of tenants' tokens computed by AWS-LC where it loads: they must be the standard ones, which the
 * JDK's provider (any resource server) verifies, with a fresh nonce each time, and a provider that signs wrongly must
 * never be chosen.
 */
class SignatureProviderTest {
    private static final MasterKey MASTER = MasterKey.fromBase64(Base64.getEncoder()
            .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private static final String ISSUER = "https://tally.test/t/acme";

    /** Where CI runs (Linux, x86-64) AWS-LC loads and passes the check for both algorithms. */
    @Test
    void onLinuxX8664ThenAwsLcSignsBothAlgorithms() {
        assumeTrue(isLinuxX8664(), "ACCP's native library in Tally's jar is for Linux on x86-64");
        assumeTrue(System.getProperty(SignatureProvider.SETTING) == null
                && System.getenv("TALLY_SIGNING_PROVIDER") == null, "the provider is chosen by the environment");

        for (SigningAlgorithm alg : SigningAlgorithm.values()) {
            Provider provider = SignatureProvider.forAlgorithm(alg);
            assertThat(provider).as(alg.name()).isNotNull();
            assertThat(provider.getName()).isEqualTo("AmazonCorrettoCryptoProvider");
            assertThat(SignatureProvider.forAlgorithm(alg)).isSameAs(provider);
        }
    }

    /**
     * 1,000 ES256 access tokens signed by a tenant's key as Tally opens it: every one verifies under the JDK's
     * provider, a token with one claim changed does not, and no two signatures of the same claims share their r
     * (a repeated nonce would give the private key away).
     */
    @Test
    void es256TokensVerifyUnderTheJdkAndNeverRepeatANonce() throws Exception {
        ECKey key = TestKeys.ec(1);
        TenantSigningKey signing = open(key, SigningAlgorithm.ES256);
        JWSVerifier jdk = new ECDSAVerifier(key.toECPublicKey());
        Set<String> rs = new HashSet<>();
        int verified = 0;
        int forgedAccepted = 0;
        for (int i = 0; i < 1_000; i++) {
            SignedJWT token = sign(signing, "user-" + (i % 10));
            if (SignedJWT.parse(token.serialize()).verify(jdk)) {
                verified++;
            }
            if (tampered(token).verify(jdk)) {
                forgedAccepted++;
            }
            rs.add(Base64.getEncoder().encodeToString(Arrays.copyOf(token.getSignature().decode(), 32)));
        }

        assertThat(verified).isEqualTo(1_000);
        assertThat(forgedAccepted).isZero();
        assertThat(rs).hasSize(1_000);
    }

    @Test
    void rs256TokensVerifyUnderTheJdk() throws Exception {
        RSAKey key = TestKeys.rsa();
        TenantSigningKey signing = open(key, SigningAlgorithm.RS256);
        JWSVerifier jdk = new RSASSAVerifier(key.toRSAPublicKey());
        int verified = 0;
        int forgedAccepted = 0;
        for (int i = 0; i < 100; i++) {
            SignedJWT token = sign(signing, "user-" + i);
            if (SignedJWT.parse(token.serialize()).verify(jdk)) {
                verified++;
            }
            if (tampered(token).verify(jdk)) {
                forgedAccepted++;
            }
        }

        assertThat(verified).isEqualTo(100);
        assertThat(forgedAccepted).isZero();
    }

    /** The other way round: tokens the JDK signs (as another issuer would) verify with the provider Tally chose. */
    @Test
    void tokensSignedByTheJdkVerifyAtTally() throws Exception {
        ECKey ec = TestKeys.ec(2);
        RSAKey rsa = TestKeys.rsa();
        TokenVerifier verifier = new TokenVerifier(Clock.fixed(T0, ZoneOffset.UTC));
        JWKSet published = new JWKSet(List.of(ec.toPublicJWK(), rsa.toPublicJWK()));
        int accepted = 0;
        int forgedAccepted = 0;
        for (int i = 0; i < 200; i++) {
            SignedJWT token = i % 2 == 0
                    ? signedByJdk(new ECDSASigner(ec), JWSAlgorithm.ES256, ec.getKeyID(), "user-" + i)
                    : signedByJdk(new RSASSASigner(rsa), JWSAlgorithm.RS256, rsa.getKeyID(), "user-" + i);
            if (verifier.verify(published, ISSUER, token.serialize(), true).isPresent()) {
                accepted++;
            }
            if (verifier.verify(published, ISSUER, tampered(token).serialize(), true).isPresent()) {
                forgedAccepted++;
            }
        }

        assertThat(accepted).isEqualTo(200);
        assertThat(forgedAccepted).isZero();
    }

    @Test
    void chooseWhenTheOperatorAsksForTheJdkThenTheJdkWithNothingToWarnOf() {
        SignatureProvider.Choice choice = SignatureProvider.choose(" JDK ", SigningAlgorithm.ES256, new Honest(), null);

        assertThat(choice.provider()).isNull();
        assertThat(choice.why()).isNull();
    }

    @Test
    void chooseWhenTheSettingIsUnknownThenTheJdkAndWhy() {
        SignatureProvider.Choice choice = SignatureProvider.choose("fastest", SigningAlgorithm.ES256, new Honest(),
                null);

        assertThat(choice.provider()).isNull();
        assertThat(choice.why()).contains("'fastest'", "auto or jdk");
    }

    @Test
    void chooseWhenTheNativeLibraryDidNotLoadThenTheJdkAndWhy() {
        SignatureProvider.Choice choice = SignatureProvider.choose(null, SigningAlgorithm.RS256, null,
                new UnsatisfiedLinkError("no libamazonCorrettoCryptoProvider in this jar for aarch64"));

        assertThat(choice.provider()).isNull();
        assertThat(choice.why()).contains("did not load", "aarch64");
    }

    /** The check is a real one: a provider that passes it is chosen, each kind of wrong one is refused. */
    @Test
    void chooseWhenTheProviderSignsWronglyThenTheJdk() {
        assertThat(SignatureProvider.choose("auto", SigningAlgorithm.ES256, new Honest(), null).provider())
                .isInstanceOf(Honest.class);

        SignatureProvider.Choice garbage = SignatureProvider.choose("auto", SigningAlgorithm.ES256, new Garbage(),
                null);
        SignatureProvider.Choice yesMan = SignatureProvider.choose(null, SigningAlgorithm.ES256, new YesMan(), null);
        SignatureProvider.Choice missing = SignatureProvider.choose(null, SigningAlgorithm.RS256, new Honest(), null);

        assertThat(garbage.provider()).isNull();
        assertThat(garbage.why()).contains("the JDK does not verify its signature");
        assertThat(yesMan.provider()).isNull();
        assertThat(yesMan.why()).contains("it verifies a signature of other bytes");
        assertThat(missing.provider()).isNull();
        assertThat(missing.why()).contains("SHA256withRSA");
    }

    private static TenantSigningKey open(JWK key, SigningAlgorithm alg) {
        String sealed = MASTER.seal(key.toJSONString().getBytes(StandardCharsets.UTF_8),
                SigningKeyAdded.associatedData("acme", key.getKeyID()));
        return TenantSigningKey.unseal(new SigningKeyAdded("acme", key.getKeyID(), alg,
                key.toPublicJWK().toJSONString(), sealed, T0), MASTER);
    }

    private static SignedJWT sign(TenantSigningKey key, String subject) throws java.text.ParseException {
        return SignedJWT.parse(new TokenSigner().accessToken(key, "jti-" + ThreadLocalRandom.current().nextLong(),
                ISSUER, subject, "client-1", List.of("https://api.test"), "read", T0, 300).value());
    }

    private static SignedJWT signedByJdk(com.nimbusds.jose.JWSSigner signer, JWSAlgorithm alg, String kid,
                                         String subject) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), new JWTClaimsSet.Builder()
                .issuer(ISSUER).subject(subject).expirationTime(java.util.Date.from(T0.plusSeconds(300))).build());
        jwt.sign(signer);
        return jwt;
    }

    /** The same signature over claims with the subject changed. */
    private static SignedJWT tampered(SignedJWT token) throws Exception {
        String[] parts = token.serialize().split("\\.");
        JWTClaimsSet claims = new JWTClaimsSet.Builder(token.getJWTClaimsSet()).subject("mallory").build();
        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return SignedJWT.parse(parts[0] + "." + payload + "." + parts[2]);
    }

    private static boolean isLinuxX8664() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** ES256 only, by the JDK: what a provider that works looks like to the check. */
    public static final class Honest extends Provider {
        public Honest() {
            super("Honest", "1", "the JDK's ECDSA under another name");
            put("Signature.SHA256withECDSA", HonestEcdsa.class.getName());
        }
    }

    /** Signs other bytes than it is given. */
    public static final class Garbage extends Provider {
        public Garbage() {
            super("Garbage", "1", "signs nonsense");
            put("Signature.SHA256withECDSA", GarbageEcdsa.class.getName());
        }
    }

    /** Signs as the JDK does and accepts every signature. */
    public static final class YesMan extends Provider {
        public YesMan() {
            super("YesMan", "1", "verifies anything");
            put("Signature.SHA256withECDSA", YesManEcdsa.class.getName());
        }
    }

    public static class HonestEcdsa extends SignatureSpi {
        private final Signature jdk;

        public HonestEcdsa() throws Exception {
            jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            jdk.initVerify(publicKey);
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            jdk.initSign(privateKey);
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            jdk.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            jdk.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            return jdk.sign();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            return jdk.verify(sigBytes);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new UnsupportedOperationException();
        }
    }

    public static final class GarbageEcdsa extends HonestEcdsa {
        public GarbageEcdsa() throws Exception {
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            super.engineUpdate((byte) 1); // a well-formed signature of other bytes
            return super.engineSign();
        }
    }

    public static final class YesManEcdsa extends HonestEcdsa {
        public YesManEcdsa() throws Exception {
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            return true;
        }
    }
}
