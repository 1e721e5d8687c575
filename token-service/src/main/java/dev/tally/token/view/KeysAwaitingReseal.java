package dev.tally.token.view;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.MasterKey.UnknownMasterKey;
import dev.tally.kernel.crypto.MissingMasterKey;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys' sealed forms during the start-up replay. Each key's latest sealed form is what counts: a key sealed
 * under a master key that has left the ring is not lost if a later {@code SigningKeyResealed} of the history seals it
 * under a key the ring holds, so such a key waits here for that form and is opened in it. When the replay is done,
 * every key of a tenant that was not deleted must open in its latest form; one that cannot stops the token service's
 * start ({@link MissingMasterKey}), so a missing master key is found when it is configured, never on a later request.
 *
 * <p>Outside the replay nothing waits: a key that does not open is the view's failure at once, as any other event.
 */
final class KeysAwaitingReseal {
    private static final Logger LOG = LoggerFactory.getLogger(KeysAwaitingReseal.class);

    private final MasterKey masterKey;
    /** Replay only: each key's latest sealed form, in the order the keys were added. */
    private final Map<String, SigningKeyAdded> latest = new LinkedHashMap<>();
    /** Replay only: the keys not opened yet, because their latest form is under a key the ring lacks. */
    private final Map<String, Boolean> waiting = new HashMap<>();
    private boolean replaying;

    KeysAwaitingReseal(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    void replayStarted() {
        replaying = true;
    }

    /** True if the key waits for a later sealed form instead of being opened now. */
    boolean defers(SigningKeyAdded added) {
        if (!replaying) {
            return false;
        }
        String id = id(added.tenantId(), added.kid());
        latest.put(id, added);
        if (masterKey.holdsKeyOf(added.sealedPrivateJwk())) {
            waiting.remove(id);
            return false;
        }
        waiting.put(id, Boolean.TRUE);
        return true;
    }

    /**
     * The key in its new sealed form if it waited for one the ring opens, to be opened now; empty otherwise (a key
     * already opened stays as it is: re-sealing does not change it).
     */
    Optional<SigningKeyAdded> resealed(SigningKeyResealed resealed) {
        if (!replaying) {
            if (!masterKey.holdsKeyOf(resealed.sealedPrivateJwk())) {
                LOG.warn("signing key '{}' of tenant '{}' is now sealed under master key {}, which this node's ring does "
                        + "not hold: this node will refuse to start until it does; {}", resealed.kid(),
                        resealed.tenantId(), MasterKey.sealedBy(resealed.sealedPrivateJwk()), UnknownMasterKey.HOW_TO_FIX);
            }
            return Optional.empty();
        }
        String id = id(resealed.tenantId(), resealed.kid());
        SigningKeyAdded before = latest.get(id);
        if (before == null) {
            return Optional.empty();
        }
        SigningKeyAdded now = new SigningKeyAdded(before.tenantId(), before.kid(), before.alg(), before.publicJwk(),
                resealed.sealedPrivateJwk(), before.createdAt());
        latest.put(id, now);
        if (waiting.containsKey(id) && masterKey.holdsKeyOf(now.sealedPrivateJwk())) {
            waiting.remove(id);
            return Optional.of(now);
        }
        return Optional.empty();
    }

    /**
     * Ends the replay: every key of a live tenant must open in its latest sealed form.
     *
     * @param live whether a tenant still exists (a deleted tenant's keys are never needed again)
     * @throws MissingMasterKey for the first key that cannot, the others added to it as suppressed
     */
    void replayFinished(Predicate<String> live) {
        replaying = false;
        MissingMasterKey missing = null;
        for (SigningKeyAdded key : latest.values()) {
            if (!live.test(key.tenantId())) {
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
        waiting.clear();
        if (missing != null) {
            throw missing;
        }
    }

    private static String id(String tenantId, String kid) {
        return tenantId + "/" + kid;
    }
}
