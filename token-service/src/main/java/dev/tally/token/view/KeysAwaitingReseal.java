package dev.tally.token.view;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.MasterKey.UnknownMasterKey;
import dev.tally.kernel.crypto.MissingMasterKey;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import dev.tally.token.signing.TenantKeys;
import dev.tally.token.signing.TenantSigningKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the tenants' signing keys for the configuration view, with the master key ring, and knows their latest sealed
 * forms during the start-up replay. A key met in the replay sealed under a master key that has left the ring is not
 * lost if a later {@code SigningKeyResealed} of the history seals it under a key the ring holds: it is published
 * unopened (so the key events after it apply in their order) and opened in that later form. When the replay is done,
 * every key a live tenant still publishes must open in its latest sealed form; one that cannot stops the token
 * service's start ({@link MissingMasterKey}), so a missing master key is found when it is configured, never on a
 * later request. Retired and revoked keys, and deleted tenants' keys, are never needed again.
 *
 * <p>Outside the replay nothing waits: a key that does not open is the view's failure at once, as any other event.
 */
final class KeysAwaitingReseal {
    private static final Logger LOG = LoggerFactory.getLogger(KeysAwaitingReseal.class);

    private record Sealed(String tenantId, String kid, SigningAlgorithm alg, String publicJwk, String sealedPrivateJwk) {
        Sealed resealed(String sealed) {
            return new Sealed(tenantId, kid, alg, publicJwk, sealed);
        }
    }

    private final MasterKey masterKey;
    /** Replay only: each key's latest sealed form, in the order the keys were added. */
    private final Map<String, Sealed> latest = new LinkedHashMap<>();
    private boolean replaying;

    KeysAwaitingReseal(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    void replayStarted() {
        replaying = true;
    }

    /** The key opened; in the replay, one under a master key the ring lacks is unopened until its re-seal. */
    TenantSigningKey open(String tenantId, String kid, SigningAlgorithm alg, String publicJwk, String sealedPrivateJwk) {
        if (replaying) {
            latest.put(id(tenantId, kid), new Sealed(tenantId, kid, alg, publicJwk, sealedPrivateJwk));
            if (!masterKey.holdsKeyOf(sealedPrivateJwk)) {
                return TenantSigningKey.unopened(kid, alg, publicJwk);
            }
        }
        return TenantSigningKey.unseal(tenantId, kid, alg, publicJwk, sealedPrivateJwk, masterKey);
    }

    /**
     * The tenant's keys after a re-seal: a key published unopened is opened in its new form if the ring holds its key.
     * An opened key stays as it is (re-sealing does not change it).
     */
    TenantKeys resealed(SigningKeyResealed resealed, TenantKeys keys) {
        if (!replaying) {
            if (!masterKey.holdsKeyOf(resealed.sealedPrivateJwk())) {
                LOG.warn("signing key '{}' of tenant '{}' is now sealed under master key {}, which this node's ring does "
                        + "not hold: this node will refuse to start until it does; {}", resealed.kid(),
                        resealed.tenantId(), MasterKey.sealedBy(resealed.sealedPrivateJwk()), UnknownMasterKey.HOW_TO_FIX);
            }
            return keys;
        }
        String id = id(resealed.tenantId(), resealed.kid());
        Sealed before = latest.get(id);
        if (before == null) {
            return keys;
        }
        Sealed now = before.resealed(resealed.sealedPrivateJwk());
        latest.put(id, now);
        TenantSigningKey published = keys.published(now.kid());
        if (published == null || published.opened() || !masterKey.holdsKeyOf(now.sealedPrivateJwk())) {
            return keys;
        }
        return keys.replaced(TenantSigningKey.unseal(now.tenantId(), now.kid(), now.alg(), now.publicJwk(),
                now.sealedPrivateJwk(), masterKey));
    }

    /**
     * Ends the replay: every key still needed must open in its latest sealed form.
     *
     * @param needed whether a tenant (by id) still publishes a key (by id): not deleted, not retired or revoked
     * @throws MissingMasterKey for the first key that cannot open, the others added to it as suppressed
     */
    void replayFinished(BiPredicate<String, String> needed) {
        replaying = false;
        MissingMasterKey missing = null;
        for (Sealed key : latest.values()) {
            if (!needed.test(key.tenantId(), key.kid())) {
                continue;
            }
            try {
                masterKey.requireKeyOf(key.sealedPrivateJwk());
            } catch (UnknownMasterKey e) {
                MissingMasterKey one = new MissingMasterKey(key.tenantId(), key.kid(), e);
                if (missing == null) {
                    missing = one;
                } else {
                    missing.addSuppressed(one);
                }
            }
        }
        latest.clear();
        if (missing != null) {
            throw missing;
        }
    }

    private static String id(String tenantId, String kid) {
        return tenantId + "/" + kid;
    }
}
