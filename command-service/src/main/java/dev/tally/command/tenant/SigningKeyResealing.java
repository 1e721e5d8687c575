package dev.tally.command.tenant;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.MasterKey.UnknownMasterKey;
import dev.tally.kernel.crypto.MissingMasterKey;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Seals a tenant's signing keys again under the master key ring's primary, for the {@link Tenant} to record. A key
 * already under the primary is left as it is, so asking twice (or from two nodes) records each re-seal once.
 */
@Component
public class SigningKeyResealing {
    private final MasterKey masterKey;

    public SigningKeyResealing(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    /**
     * @param sealedKeys each key's current sealed form by key id
     * @throws MissingMasterKey if a key is sealed under a master key the ring does not hold
     */
    public List<SigningKeyResealed> resealAll(String tenantId, Map<String, String> sealedKeys, Instant now) {
        List<SigningKeyResealed> resealed = new ArrayList<>();
        sealedKeys.forEach((kid, sealed) -> {
            if (masterKey.sealedUnderPrimary(sealed)) {
                return;
            }
            try {
                String again = masterKey.reseal(sealed, SigningKeyAdded.associatedData(tenantId, kid));
                resealed.add(new SigningKeyResealed(tenantId, kid, again, now));
            } catch (UnknownMasterKey e) {
                throw new MissingMasterKey(tenantId, kid, e);
            }
        });
        return resealed;
    }
}
