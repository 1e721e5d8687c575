package dev.tally.token.view;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.MasterKey.UnknownMasterKey;
import dev.tally.kernel.crypto.MissingMasterKey;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Signing keys met in the start-up replay sealed under a master key that has left the ring. Such a key is not lost if
 * a later {@code SigningKeyResealed} of the history seals it under a key the ring holds: it waits here for that form
 * and is opened in it. What still waits when the replay is done, for a tenant that was not deleted, cannot be opened:
 * the token service refuses to start ({@link MissingMasterKey}), never runs without a key it needs.
 *
 * <p>Outside the replay nothing waits: a key that does not open is the view's failure at once, as any other event.
 */
final class KeysAwaitingReseal {
    private final MasterKey masterKey;
    private final Map<String, SigningKeyAdded> waiting = new LinkedHashMap<>();
    private boolean replaying;

    KeysAwaitingReseal(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    void replayStarted() {
        replaying = true;
    }

    /** True if the key waits for a later sealed form instead of being opened now. */
    boolean defers(SigningKeyAdded added) {
        if (!replaying || masterKey.holdsKeyOf(added.sealedPrivateJwk())) {
            return false;
        }
        waiting.put(id(added.tenantId(), added.kid()), added);
        return true;
    }

    /** The waiting key in its new sealed form, once that is one the ring opens; empty if none waits or it still cannot. */
    Optional<SigningKeyAdded> resealed(SigningKeyResealed resealed) {
        String id = id(resealed.tenantId(), resealed.kid());
        SigningKeyAdded before = waiting.get(id);
        if (before == null) {
            return Optional.empty();
        }
        SigningKeyAdded latest = new SigningKeyAdded(before.tenantId(), before.kid(), before.alg(), before.publicJwk(),
                resealed.sealedPrivateJwk(), before.createdAt());
        if (!masterKey.holdsKeyOf(latest.sealedPrivateJwk())) {
            waiting.put(id, latest);
            return Optional.empty();
        }
        waiting.remove(id);
        return Optional.of(latest);
    }

    /**
     * Ends the replay.
     *
     * @param live whether a tenant still exists (a deleted tenant's keys are never needed again)
     * @throws MissingMasterKey for the first key a live tenant still needs and the ring cannot open, the others added
     *                          to it as suppressed
     */
    void replayFinished(Predicate<String> live) {
        replaying = false;
        MissingMasterKey missing = null;
        for (SigningKeyAdded key : waiting.values()) {
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
        waiting.clear();
        if (missing != null) {
            throw missing;
        }
    }

    private static String id(String tenantId, String kid) {
        return tenantId + "/" + kid;
    }
}
