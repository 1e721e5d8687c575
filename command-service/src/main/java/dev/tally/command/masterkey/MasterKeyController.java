package dev.tally.command.masterkey;

import dev.tally.command.masterkey.MasterKeyReseal.Outcome;
import dev.tally.kernel.crypto.MissingMasterKey;
import dev.tally.kernel.problem.Conflict;
import dev.tally.platform.problem.ManagementApi;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /admin/master-key/reseal}: the platform administrator re-seals every live tenant's signing keys that are
 * not under the master key ring's primary (as the command service does at start-up during a rotation), and learns
 * what was re-sealed: {@code {"primary": fingerprint, "resealed": [{"tenant", "kid"}]}}, an empty list when nothing was
 * left to do. A key sealed under a master key the ring lacks is 409, naming it.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/master-key")
public class MasterKeyController {
    private final MasterKeyReseal reseal;

    public MasterKeyController(MasterKeyReseal reseal) {
        this.reseal = reseal;
    }

    @PostMapping("/reseal")
    public Outcome reseal() {
        try {
            return reseal.resealAll();
        } catch (MissingMasterKey e) {
            throw new Conflict(null, e.getMessage());
        }
    }
}
