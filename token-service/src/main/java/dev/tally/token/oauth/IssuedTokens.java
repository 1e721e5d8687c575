package dev.tally.token.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.token.config.TokenConfigState.TenantView;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Reads back tokens this tenant issued (an access token at userinfo, an ID token as a logout hint): the signature
 * must verify with one of the tenant's published keys and the issuer must be the tenant's.
 */
@Component
public class IssuedTokens {
    private final Clock clock;

    public IssuedTokens(Clock clock) {
        this.clock = clock;
    }

    /**
     * The claims if the token is one of this tenant's, signed by one of its keys, by {@code issuer}, and (when
     * {@code requireUnexpired}) not expired by the injected clock.
     */
    public Optional<JWTClaimsSet> verify(TenantView tenant, String issuer, String token, boolean requireUnexpired) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWK jwk = tenant.jwks().getKeyByKeyId(jwt.getHeader().getKeyID());
            if (!(jwk instanceof AsymmetricJWK asymmetric) || jwk.getAlgorithm() == null
                    || !jwk.getAlgorithm().getName().equals(jwt.getHeader().getAlgorithm().getName())) {
                return Optional.empty();
            }
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(), asymmetric.toPublicKey());
            if (!jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!issuer.equals(claims.getIssuer())) {
                return Optional.empty();
            }
            Date exp = claims.getExpirationTime();
            if (requireUnexpired && (exp == null || !exp.toInstant().isAfter(clock.instant()))) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
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
}
