package dev.tally.command.masterkey;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.catalog.CatalogRows.TenantRow;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.MissingMasterKey;
import dev.tally.kernel.tenant.TenantCommands.ResealSigningKeys;
import dev.tally.platform.axon.ConcurrentAppend;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

/**
 * After a master-key rotation, seals every live tenant's signing keys that are not under the ring's primary again
 * under it: each tenant aggregate decides for its own keys and records a {@code SigningKeyResealed} per key. Deleted
 * tenants' keys are never needed again and are left as they are. Safe on several nodes at once: the loser of an append
 * race asks again and finds nothing left to do.
 */
@Component
public class MasterKeyReseal {
    private final CommandGateway commands;
    private final Catalog catalog;
    private final MasterKey masterKey;

    public MasterKeyReseal(CommandGateway commands, Catalog catalog, MasterKey masterKey) {
        this.commands = commands;
        this.catalog = catalog;
        this.masterKey = masterKey;
    }

    /** One signing key sealed again under the primary. */
    public record Resealed(String tenant, String kid) {
    }

    /** What one run did: the primary's fingerprint and the keys re-sealed under it. */
    public record Outcome(String primary, List<Resealed> resealed) {
    }

    /** The ring holds keys besides the primary: a rotation is under way, so re-sealing may have work to do. */
    public boolean rotating() {
        return masterKey.fingerprints().size() > 1;
    }

    /** @throws MissingMasterKey if a live tenant's key is sealed under a master key the ring does not hold */
    public Outcome resealAll() {
        List<Resealed> resealed = new ArrayList<>();
        for (TenantRow tenant : catalog.tenants()) {
            List<String> kids = send(new ResealSigningKeys(tenant.id()));
            kids.forEach(kid -> resealed.add(new Resealed(tenant.id(), kid)));
        }
        return new Outcome(masterKey.fingerprint(), List.copyOf(resealed));
    }

    private List<String> send(ResealSigningKeys command) {
        try {
            return ConcurrentAppend.retried(() -> commands.<List<String>>sendAndWait(command));
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof MissingMasterKey missing) {
                    throw missing;
                }
            }
            throw e;
        }
    }
}
