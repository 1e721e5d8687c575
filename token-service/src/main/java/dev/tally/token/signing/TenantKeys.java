package dev.tally.token.signing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tally.kernel.tenant.SigningAlgorithm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's published signing keys, immutable: each change gives a new instance, built once per key event, never
 * per request. Published are the keys waiting to sign (pre-published), the one signing per algorithm, and the
 * replaced ones whose tokens may still be unexpired; retired and revoked keys are gone, so a token they signed no
 * longer verifies.
 */
public final class TenantKeys {
    public static final TenantKeys NONE = new TenantKeys(Map.of(), Map.of());

    private final Map<String, TenantSigningKey> published;
    private final Map<SigningAlgorithm, TenantSigningKey> signing;
    private final JWKSet jwks;

    private TenantKeys(Map<String, TenantSigningKey> published, Map<SigningAlgorithm, TenantSigningKey> signing) {
        this.published = Collections.unmodifiableMap(published);
        this.signing = Collections.unmodifiableMap(signing);
        List<JWK> keys = new ArrayList<>();
        published.values().forEach(k -> keys.add(k.publicJwk()));
        this.jwks = new JWKSet(keys);
    }

    /** The published key with this id, or null. */
    public TenantSigningKey published(String kid) {
        return published.get(kid);
    }

    /** The same keys with {@code key} in place of the published key of its id (opened after a master-key re-seal). */
    public TenantKeys replaced(TenantSigningKey key) {
        if (!published.containsKey(key.kid())) {
            return this;
        }
        Map<String, TenantSigningKey> p = new LinkedHashMap<>(published);
        p.put(key.kid(), key);
        Map<SigningAlgorithm, TenantSigningKey> s = new EnumMap<>(SigningAlgorithm.class);
        signing.forEach((alg, k) -> s.put(alg, k.kid().equals(key.kid()) ? key : k));
        return new TenantKeys(p, s);
    }

    /** The key signing this algorithm's tokens, or null if the tenant has none. */
    public TenantSigningKey signing(SigningAlgorithm alg) {
        return signing.get(alg);
    }

    /** The algorithms the tenant can sign with now, in the order of {@link SigningAlgorithm}. */
    public List<SigningAlgorithm> algorithms() {
        return List.copyOf(signing.keySet());
    }

    /** Every published public key: what resource servers verify with, and what Tally verifies its own tokens with. */
    public JWKSet jwks() {
        return jwks;
    }

    /** A published key that signs from now on for its algorithm (a new tenant's, or a pre-published one activated). */
    public TenantKeys signingWith(TenantSigningKey key, SigningAlgorithm alg) {
        Map<String, TenantSigningKey> p = new LinkedHashMap<>(published);
        p.put(key.kid(), key);
        Map<SigningAlgorithm, TenantSigningKey> s = new EnumMap<>(SigningAlgorithm.class);
        s.putAll(signing);
        s.put(alg, key);
        return new TenantKeys(p, s);
    }

    /** A key published ahead of signing. */
    public TenantKeys prePublished(TenantSigningKey key) {
        Map<String, TenantSigningKey> p = new LinkedHashMap<>(published);
        p.put(key.kid(), key);
        return new TenantKeys(p, signing);
    }

    /** A published key starts signing for its algorithm; the one it replaces stays published. */
    public TenantKeys activated(String kid, SigningAlgorithm alg) {
        TenantSigningKey key = published.get(kid);
        return key == null ? this : signingWith(key, alg);
    }

    /** The key leaves the JWKS (retired or revoked); if it was signing, its algorithm signs with nothing until replaced. */
    public TenantKeys without(String kid) {
        if (!published.containsKey(kid)) {
            return this;
        }
        Map<String, TenantSigningKey> p = new LinkedHashMap<>(published);
        p.remove(kid);
        Map<SigningAlgorithm, TenantSigningKey> s = new EnumMap<>(SigningAlgorithm.class);
        signing.forEach((alg, key) -> {
            if (!key.kid().equals(kid)) {
                s.put(alg, key);
            }
        });
        return new TenantKeys(p, s);
    }
}
