package dev.tally.kernel.crypto;

import dev.tally.kernel.crypto.MasterKey.UnknownMasterKey;

/**
 * A signing key that is still needed is sealed under a master key the ring no longer holds. Never passed over in
 * silence: the token service refuses to start with it, the command service refuses to re-seal. The message names what
 * an operator needs: the tenant, the key id, the missing key's fingerprint and the setting to fix.
 */
public final class MissingMasterKey extends IllegalStateException {
    private final String tenantId;
    private final String kid;
    private final String fingerprint;

    public MissingMasterKey(String tenantId, String kid, UnknownMasterKey cause) {
        super("signing key '" + kid + "' of tenant '" + tenantId + "' is sealed under master key " + cause.fingerprint()
                + ", which is not in this deployment's master key ring (" + cause.ring() + "): "
                + UnknownMasterKey.HOW_TO_FIX, cause);
        this.tenantId = tenantId;
        this.kid = kid;
        this.fingerprint = cause.fingerprint();
    }

    public String tenantId() {
        return tenantId;
    }

    public String kid() {
        return kid;
    }

    /** The fingerprint of the master key that is missing. */
    public String fingerprint() {
        return fingerprint;
    }
}
