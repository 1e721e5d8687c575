package dev.tally.platform.clientkeys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tally.kernel.problem.InvalidInput;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules for a client's public keys, one owner for both places that read them: the management API, where a
 * client registers {@code jwks} or {@code jwks_uri}, and the token service, which reads what a {@code jwks_uri} serves.
 * A key set holds 1 to {@value #MAX_KEYS} public signing keys: RSA of at least 2048 bits or EC on P-256, no private
 * parts, no symmetric keys, a {@code use} of {@code sig} if any, an {@code alg} (if any) among RS256, PS256 and
 * ES256, and a unique {@code kid} on each key when there are several (an assertion names its key by it).
 */
public final class ClientKeySets {
    public static final int MAX_KEYS = 10;
    public static final int MAX_URI = 1000;
    /** What a client's assertion may be signed with; never {@code none} nor an HMAC, whose key the server would share. */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);

    private ClientKeySets() {
    }

    /** A key set that breaks a rule; the message names the rule, never key material. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The registered {@code jwks} object, checked; {@link InvalidInput} on field {@code jwks} if it breaks a rule. */
    public static JWKSet requireValid(Map<String, Object> jwks) {
        try {
            return parse(jwks);
        } catch (Refused e) {
            throw new InvalidInput("jwks", e.getMessage());
        }
    }

    /** The JSON text of a key set, as registered (normalized) or as a {@code jwks_uri} served it, checked. */
    public static JWKSet parse(String json) throws Refused {
        try {
            return parse(JSONObjectUtils.parse(json));
        } catch (ParseException e) {
            throw new Refused("is not a JSON object");
        }
    }

    /** The key set as stored: its public keys as JSON, with nothing else the registration carried. */
    public static String normalized(JWKSet keys) {
        return JSONObjectUtils.toJSONString(keys.toJSONObject(true));
    }

    private static JWKSet parse(Map<String, Object> json) throws Refused {
        if (json == null) {
            throw new Refused("is not a JWK Set");
        }
        if (!(json.get("keys") instanceof List<?> raw)) {
            throw new Refused("must be a JWK Set: an object with a \"keys\" array");
        }
        if (raw.isEmpty() || raw.size() > MAX_KEYS) {
            throw new Refused("must hold 1 to " + MAX_KEYS + " keys, not " + raw.size());
        }
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException | RuntimeException e) {
            throw new Refused("holds a key that is not a valid JWK");
        }
        if (set.getKeys().size() != raw.size()) {
            // Nimbus skips keys of types it does not know; a key we would silently ignore is refused instead.
            throw new Refused("holds a key of an unsupported type: use RSA or EC (P-256)");
        }
        Set<String> kids = new HashSet<>();
        for (JWK key : set.getKeys()) {
            requireUsable(key);
            if (set.getKeys().size() > 1 && (key.getKeyID() == null || key.getKeyID().isEmpty())) {
                throw new Refused("has several keys: each needs a kid");
            }
            if (key.getKeyID() != null && !kids.add(key.getKeyID())) {
                throw new Refused("has two keys with kid '" + printable(key.getKeyID()) + "'");
            }
        }
        return new JWKSet(set.getKeys().stream().map(JWK::toPublicJWK).toList());
    }

    private static void requireUsable(JWK key) throws Refused {
        switch (key) {
            case RSAKey rsa -> {
                if (rsa.size() < 2048) {
                    throw new Refused("holds an RSA key of " + rsa.size() + " bits: at least 2048");
                }
                requireAlg(key, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
            }
            case ECKey ec -> {
                if (!Curve.P_256.equals(ec.getCurve())) {
                    throw new Refused("holds an EC key on " + ec.getCurve() + ": only P-256 (ES256)");
                }
                requireAlg(key, JWSAlgorithm.ES256);
            }
            default -> throw new Refused(key.getKeyType() == null ? "holds a key without kty"
                    : "holds a " + key.getKeyType() + " key: only public RSA and EC (P-256) keys; symmetric keys are never accepted");
        }
        if (key.isPrivate()) {
            throw new Refused("holds private key material: register public keys only (and replace the leaked key)");
        }
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            throw new Refused("holds a key whose use is not sig");
        }
    }

    private static void requireAlg(JWK key, JWSAlgorithm... allowed) throws Refused {
        if (key.getAlgorithm() != null && !List.of(allowed).contains(key.getAlgorithm())) {
            throw new Refused("holds a " + key.getKeyType() + " key for alg " + printable(key.getAlgorithm().getName())
                    + ": use one of " + List.of(allowed));
        }
    }

    /**
     * A registered {@code jwks_uri}: absolute {@code https} (or {@code http} when the platform allows it) with a host,
     * no user part, no fragment; {@link InvalidInput} on field {@code jwks_uri} otherwise. Whether its address may be
     * reached is decided when it is fetched, on the address actually connected to.
     */
    public static String requireJwksUri(String value, boolean allowHttp) {
        if (value.length() > MAX_URI) {
            throw new InvalidInput("jwks_uri", "may be at most " + MAX_URI + " characters long");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidInput("jwks_uri", "is not a valid URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new InvalidInput("jwks_uri", allowHttp ? "must be an https or http URL" : "must be an https URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new InvalidInput("jwks_uri", "must name a host, without a user part or fragment");
        }
        return value;
    }

    /** A value echoed in a refusal: short, and without control characters. */
    private static String printable(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
