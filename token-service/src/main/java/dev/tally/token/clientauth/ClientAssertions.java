package dev.tally.token.clientauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.client.TokenEndpointAuthMethod;
import dev.tally.platform.clientkeys.ClientKeySets;
import dev.tally.token.settings.ClientAssertionProperties;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Checks a {@code private_key_jwt} client assertion (RFC 7523 §2.2 and §3, OpenID Connect Core §9), in this order:
 * the form (a JWS with RS256, PS256 or ES256: never {@code none} nor an HMAC), the signature by one of the client's
 * keys, then the claims ({@code iss} = {@code sub} = the client, {@code aud} the tenant's issuer or the endpoint's
 * URL, {@code exp} present and not past, at most {@code tally.client-assertion.max-lifetime} after {@code iat} (or
 * now), {@code iat} and {@code nbf} not in the future beyond the clock skew, a {@code jti}), and last that its
 * {@code jti} has not been used ({@link AssertionReplay}): an assertion is spent only once it has passed every other
 * check. A refusal says which rule failed, never what the assertion held.
 */
@Component
public class ClientAssertions {
    public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final int MAX_JTI = 256;

    private final ClientKeys keys;
    private final AssertionReplay replay;
    private final ClientAssertionProperties bounds;
    private final Clock clock;

    public ClientAssertions(ClientKeys keys, AssertionReplay replay, ClientAssertionProperties bounds, Clock clock) {
        this.keys = keys;
        this.replay = replay;
        this.bounds = bounds;
        this.clock = clock;
    }

    /** An assertion that is refused; the message is the reason, for {@code invalid_client}. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The assertion read but not yet trusted: the client it claims to be ({@code sub}) is how the client is found. */
    public static SignedJWT parse(String assertion) throws Refused {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(assertion);
        } catch (ParseException | RuntimeException e) {
            throw new Refused("client_assertion is not a JWS (RS256, PS256 or ES256)");
        }
        if (!ClientKeySets.ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            throw new Refused("client_assertion is signed with an algorithm that is not accepted: use RS256, PS256 or ES256");
        }
        return jwt;
    }

    /** The client a parsed assertion claims to be, or null when it names none. */
    public static String subject(SignedJWT jwt) throws Refused {
        try {
            return jwt.getJWTClaimsSet().getSubject();
        } catch (ParseException e) {
            throw new Refused("client_assertion's claims are not a JSON object");
        }
    }

    /**
     * Accepts the assertion for {@code client} at an endpoint whose accepted audiences are {@code audiences} (the
     * tenant's issuer and the endpoint's URL), spending its {@code jti}; throws {@link Refused} otherwise.
     */
    public void verify(SignedJWT jwt, ClientView client, Set<String> audiences) throws Refused {
        if (client.tokenEndpointAuthMethod() != TokenEndpointAuthMethod.PRIVATE_KEY_JWT) {
            throw new Refused("client authentication failed");
        }
        verifySignature(jwt, client);
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Refused("client_assertion's claims are not a JSON object");
        }
        Instant now = clock.instant();
        Instant expiry = verifyClaims(claims, client.clientId(), audiences, now);
        if (!replay.firstUse(client.tenantId(), client.clientId(), claims.getJWTID(), expiry.plus(bounds.clockSkew()))) {
            throw new Refused("client_assertion was already used (its jti is spent)");
        }
    }

    private void verifySignature(SignedJWT jwt, ClientView client) throws Refused {
        String kid = jwt.getHeader().getKeyID();
        JWKSet set;
        try {
            set = keys.keys(client);
            if (kid != null && set.getKeyByKeyId(kid) == null) {
                set = keys.keysWithUnknownKid(client);
            }
        } catch (ClientKeys.Unavailable e) {
            throw new Refused(e.getMessage());
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        List<JWK> candidates = new ArrayList<>();
        for (JWK key : set.getKeys()) {
            if ((kid == null || kid.equals(key.getKeyID())) && fits(key, alg)) {
                candidates.add(key);
            }
        }
        if (candidates.isEmpty()) {
            throw new Refused(kid == null ? "none of the client's keys is for " + alg.getName()
                    : "the client has no " + alg.getName() + " key with the assertion's kid");
        }
        for (JWK key : candidates) {
            try {
                if (jwt.verify(verifier(key))) {
                    return;
                }
            } catch (JOSEException e) {
                // a key that cannot verify this signature is one that did not sign it
            }
        }
        throw new Refused("client_assertion's signature is not by the client's keys");
    }

    private static boolean fits(JWK key, JWSAlgorithm alg) {
        if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
            return false;
        }
        return key instanceof RSAKey ? JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.PS256.equals(alg)
                : key instanceof ECKey && JWSAlgorithm.ES256.equals(alg);
    }

    private static JWSVerifier verifier(JWK key) throws JOSEException {
        return key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
    }

    /** The claims' rules; the assertion's expiry when they hold. */
    Instant verifyClaims(JWTClaimsSet claims, String clientId, Set<String> audiences, Instant now) throws Refused {
        if (!clientId.equals(claims.getIssuer()) || !clientId.equals(claims.getSubject())) {
            throw new Refused("client_assertion's iss and sub must both be the client_id");
        }
        if (claims.getAudience() == null || claims.getAudience().stream().noneMatch(audiences::contains)) {
            throw new Refused("client_assertion's aud must be the issuer or this endpoint's URL");
        }
        Duration skew = bounds.clockSkew();
        Instant exp = instant(claims.getExpirationTime());
        if (exp == null) {
            throw new Refused("client_assertion has no exp");
        }
        if (!exp.isAfter(now.minus(skew))) {
            throw new Refused("client_assertion has expired");
        }
        Instant iat = instant(claims.getIssueTime());
        if (iat != null && iat.isAfter(now.plus(skew))) {
            throw new Refused("client_assertion's iat is in the future");
        }
        Instant nbf = instant(claims.getNotBeforeTime());
        if (nbf != null && nbf.isAfter(now.plus(skew))) {
            throw new Refused("client_assertion is not valid yet (nbf)");
        }
        Instant from = iat == null ? now : iat;
        if (Duration.between(from, exp).compareTo(bounds.maxLifetime()) > 0
                || Duration.between(now, exp).compareTo(bounds.maxLifetime().plus(skew)) > 0) {
            throw new Refused("client_assertion is valid for too long: at most " + bounds.maxLifetime().toSeconds()
                    + " s from iat to exp");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty()) {
            throw new Refused("client_assertion has no jti");
        }
        if (jti.length() > MAX_JTI) {
            throw new Refused("client_assertion's jti is longer than " + MAX_JTI + " characters");
        }
        return exp;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
