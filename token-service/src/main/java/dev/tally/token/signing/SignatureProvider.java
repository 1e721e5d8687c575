package dev.tally.token.signing;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.tally.kernel.tenant.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JCA provider computes the signatures of a tenant's tokens, per algorithm: AWS-LC through the Amazon Corretto
 * Crypto Provider (ACCP) when its native library loads on this machine and, for that algorithm, its signatures
 * verify under the JDK's provider and the JDK's under it; the JDK's own provider otherwise ({@code null} here, Nimbus's
 * default). Why: an ES256 signature was most of a token request's work, and with AWS-LC an access token is signed in
 * 20.5 µs where the JDK 25 takes 130.8 on the same core (RS256: 251.5 against 992.7; it verifies an ES256 signature
 * in 53 µs against 390: BENCHMARKS.md, "Signatures (JMH)"). The signatures are the same standard ones: a resource
 * server verifies them with whatever it has.
 *
 * <p>The choice is made once per algorithm, the first time a key of it is opened, and logged. An operator turns
 * AWS-LC off with {@code -Dtally.signing.provider=jdk} or {@code TALLY_SIGNING_PROVIDER=jdk} (a system property,
 * not a Spring one: keys are opened while the views replay, outside any bean). ACCP ships its native library for
 * Linux on x86-64 in the jar Tally depends on; elsewhere it does not load and the JDK signs.
 */
public final class SignatureProvider {
    public static final String SETTING = "tally.signing.provider";
    private static final Logger LOG = LoggerFactory.getLogger(SignatureProvider.class);
    private static final Map<SigningAlgorithm, Provider> CHOSEN = new EnumMap<>(SigningAlgorithm.class);

    private SignatureProvider() {
    }

    /** The provider that signs and verifies {@code alg} in this process, or {@code null} for the JDK's. */
    public static Provider forAlgorithm(SigningAlgorithm alg) {
        synchronized (CHOSEN) {
            if (!CHOSEN.containsKey(alg)) {
                String setting = System.getProperty(SETTING, System.getenv("TALLY_SIGNING_PROVIDER"));
                Choice choice = choose(setting, alg, NativeProvider.INSTANCE, NativeProvider.LOADING_ERROR);
                if (choice.provider() != null) {
                    LOG.info("{} signatures by {} {}", alg, choice.provider().getName(),
                            choice.provider().getVersionStr());
                } else if (choice.why() != null) {
                    LOG.warn("{} signatures by the JDK: {}", alg, choice.why());
                } else {
                    LOG.info("{} signatures by the JDK ({}={})", alg, SETTING, setting);
                }
                CHOSEN.put(alg, choice.provider());
            }
            return CHOSEN.get(alg);
        }
    }

    /** The provider for a JWS {@code alg} name Tally signs with, or {@code null} (the JDK's) for any other. */
    public static Provider forJws(String alg) {
        for (SigningAlgorithm known : SigningAlgorithm.values()) {
            if (known.name().equals(alg)) {
                return forAlgorithm(known);
            }
        }
        return null;
    }

    /**
     * The key as {@code provider} holds it. AWS-LC converts a JDK key on every signature otherwise (about 15 µs of
     * the 35); a key it cannot take stays the JDK's and is converted each time.
     */
    public static PrivateKey privateKey(Provider provider, PrivateKey key) {
        if (provider == null || key.getEncoded() == null) {
            return key;
        }
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), provider)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        }
    }

    /** A provider for an algorithm, or {@code null} (the JDK's) and why, when that is not what was asked for. */
    record Choice(Provider provider, String why) {
    }

    /**
     * The choice for {@code alg} under {@code setting} ({@code null} or {@code auto}: the native provider if it is
     * there and passes the check; {@code jdk}: the JDK's).
     */
    static Choice choose(String setting, SigningAlgorithm alg, Provider nativeProvider, Throwable loadingError) {
        String mode = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        if (mode.equals("jdk")) {
            return new Choice(null, null);
        }
        if (!mode.equals("auto")) {
            return new Choice(null, SETTING + " is '" + setting + "'; it takes auto or jdk");
        }
        if (nativeProvider == null) {
            return new Choice(null, "AWS-LC (ACCP) did not load on this machine: " + loadingError);
        }
        String failed = check(alg, nativeProvider);
        return failed == null ? new Choice(nativeProvider, null)
                : new Choice(null, nativeProvider.getName() + " failed its check for " + alg + ": " + failed);
    }

    /**
     * Null if {@code candidate}'s signatures of {@code alg} verify under the JDK's provider and the JDK's under
     * {@code candidate}, and a signature of other bytes does not; what went wrong otherwise.
     */
    static String check(SigningAlgorithm alg, Provider candidate) {
        String jca = switch (alg) {
            case ES256 -> "SHA256withECDSA";
            case RS256 -> "SHA256withRSA";
        };
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(alg == SigningAlgorithm.ES256 ? "EC" : "RSA");
            if (alg == SigningAlgorithm.ES256) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            KeyPair keys = generator.generateKeyPair();
            byte[] message = "tally signature check".getBytes(StandardCharsets.US_ASCII);
            byte[] other = "tally signature check!".getBytes(StandardCharsets.US_ASCII);
            byte[] theirs = sign(Signature.getInstance(jca, candidate), privateKey(candidate, keys.getPrivate()),
                    message);
            byte[] ours = sign(Signature.getInstance(jca), keys.getPrivate(), message);
            if (!verify(Signature.getInstance(jca), keys, message, theirs)) {
                return "the JDK does not verify its signature";
            }
            if (!verify(Signature.getInstance(jca, candidate), keys, message, ours)) {
                return "it does not verify the JDK's signature";
            }
            if (verify(Signature.getInstance(jca, candidate), keys, other, ours)) {
                return "it verifies a signature of other bytes";
            }
            return null;
        } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
            return e.toString();
        }
    }

    private static byte[] sign(Signature signature, PrivateKey key, byte[] message) throws GeneralSecurityException {
        signature.initSign(key);
        signature.update(message);
        return signature.sign();
    }

    private static boolean verify(Signature signature, KeyPair keys, byte[] message, byte[] sig)
            throws GeneralSecurityException {
        signature.initVerify(keys.getPublic());
        signature.update(message);
        return signature.verify(sig);
    }

    /** ACCP's provider if its native library loaded, and why not otherwise; touched only when a key is opened. */
    private static final class NativeProvider {
        static final Provider INSTANCE;
        static final Throwable LOADING_ERROR;

        static {
            Provider provider = null;
            Throwable error;
            try {
                AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
                error = accp.getLoadingError();
                if (error == null) {
                    accp.assertHealthy();
                    provider = accp;
                }
            } catch (RuntimeException | LinkageError e) {
                error = e;
            }
            INSTANCE = provider;
            LOADING_ERROR = error;
        }
    }
}
