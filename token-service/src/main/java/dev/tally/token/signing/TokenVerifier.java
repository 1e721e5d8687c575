package dev.tally.token.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Reads back tokens a tenant issued (an access token at userinfo and introspection, an ID token as a logout hint):
 * the signature must verify with the tenant's published key the header names, for the algorithm that key is for, and
 * the claims must pass Nimbus's checks: the tenant's issuer, exactly, and, when asked, an expiry after now by the
 * injected clock (no skew: Tally issued the token by the same clock). A verifier is built once per key and kept
 * (Nimbus's verifiers are thread-safe); keys are immutable, so a key the tenant no longer publishes is simply not
 * found.
 *
 * <p>Signatures already verified are remembered: a resource server introspects the same token on each call it
 * serves, and the signature check is most of an introspection's work (half of its CPU, measured). A token string
 * whose signature verified under a key is remembered with that key and its claims ({@value #TOKENS_KEPT} tokens at
 * most, forgotten all at once when full). A remembered token is taken only if the tenant still publishes that very
 * key (a revoked or retired key ends it at once, as before), and its claims are checked again each time: the issuer,
 * and the expiry by the injected clock. Only the signature's arithmetic is saved; revocations are asked by the
 * caller after this, each time. Its {@code typ} header is remembered with it ({@link #verifyTyped}), so a caller that
 * must tell an access token from an ID token does not parse the token again for it. A signature is verified by the
 * {@link SignatureProvider} of its algorithm.
 */
@Component
public class TokenVerifier {
    private static final int KEYS_KEPT = 10_000;
    static final int TOKENS_KEPT = 4_096;

    private final Clock clock;
    private final DefaultJWSVerifierFactory factory = new DefaultJWSVerifierFactory();
    private final Map<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /** A token whose signature verified under {@code key}, its {@code typ} header and its claims. */
    private record Verified(JWK key, String type, JWTClaimsSet claims) {
    }

    /** A verified token's {@code typ} header (null when it has none) and claims. */
    public record Typed(String type, JWTClaimsSet claims) {
    }

    public TokenVerifier(Clock clock) {
        this.clock = clock;
    }

    /**
     * The claims if the token is signed by one of {@code keys} (the tenant's published keys), by {@code issuer}, and
     * (when {@code requireUnexpired}) not expired by the injected clock; empty for anything else, never an exception.
     */
    public Optional<JWTClaimsSet> verify(JWKSet keys, String issuer, String token, boolean requireUnexpired) {
        return verifyTyped(keys, issuer, token, requireUnexpired).map(Typed::claims);
    }

    /** As {@link #verify}, with the token's {@code typ} header. */
    public Optional<Typed> verifyTyped(JWKSet keys, String issuer, String token, boolean requireUnexpired) {
        try {
            Verified signed = signed(keys, token);
            if (signed == null) {
                return Optional.empty();
            }
            claims(issuer, requireUnexpired).verify(signed.claims(), null);
            return Optional.of(new Typed(signed.type(), signed.claims()));
        } catch (ParseException | JOSEException | BadJOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A token signed by one of {@code keys}, remembered or verified now; null if it is not. */
    private Verified signed(JWKSet keys, String token) throws ParseException, JOSEException {
        Verified known = verified.get(token);
        if (known != null && known.key().equals(keys.getKeyByKeyId(known.key().getKeyID()))) {
            return known;
        }
        SignedJWT jwt = SignedJWT.parse(token);
        JWK jwk = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        if (jwk == null || jwk.getAlgorithm() == null
                || !jwk.getAlgorithm().getName().equals(jwt.getHeader().getAlgorithm().getName())
                || !jwt.verify(verifier(jwk, jwt))) {
            return null;
        }
        JOSEObjectType type = jwt.getHeader().getType();
        Verified now = new Verified(jwk, type == null ? null : type.getType(), jwt.getJWTClaimsSet());
        if (verified.size() >= TOKENS_KEPT) {
            verified.clear();
        }
        verified.put(token, now);
        return now;
    }

    /** How many verified tokens are remembered now. */
    int remembered() {
        return verified.size();
    }

    /** The token's {@code typ} header, or null if it cannot be parsed. */
    public static String type(String token) {
        try {
            var t = SignedJWT.parse(token).getHeader().getType();
            return t == null ? null : t.getType();
        } catch (ParseException e) {
            return null;
        }
    }

    private JWSVerifier verifier(JWK jwk, SignedJWT jwt) throws JOSEException {
        JWSVerifier verifier = verifiers.get(jwk);
        if (verifier == null) {
            if (!(jwk instanceof AsymmetricJWK asymmetric)) {
                throw new JOSEException("key " + jwk.getKeyID() + " is not a public key");
            }
            verifier = factory.createJWSVerifier(jwt.getHeader(), asymmetric.toPublicKey());
            verifier.getJCAContext().setProvider(SignatureProvider.forJws(jwt.getHeader().getAlgorithm().getName()));
            if (verifiers.size() >= KEYS_KEPT) {
                verifiers.clear();
            }
            verifiers.put(jwk, verifier);
        }
        return verifier;
    }

    private JWTClaimsSetVerifier<SecurityContext> claims(String issuer, boolean requireUnexpired) {
        JWTClaimsSet exact = new JWTClaimsSet.Builder().issuer(issuer).build();
        if (!requireUnexpired) {
            // an ID token as a logout hint may have expired (OpenID Connect RP-Initiated Logout 1.0 §2)
            return (claims, context) -> {
                if (!issuer.equals(claims.getIssuer())) {
                    throw new BadJWTException("JWT iss claim has value " + claims.getIssuer() + ", must be " + issuer);
                }
            };
        }
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(exact, Set.of("exp")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew(0);
        return verifier;
    }
}
