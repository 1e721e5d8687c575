package dev.tally.command.masterkey;

import dev.tally.command.masterkey.MasterKeyReseal.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At start-up, while the master key ring holds previous keys (a rotation under way), re-seals what is not under the
 * primary yet. A key sealed under a master key the ring lacks ends the start with the message that says which key and
 * which setting; never a silent failure. With the primary alone there is nothing to re-seal, and start-up reads no
 * tenant.
 */
@Component
public class ResealOnStart implements ApplicationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ResealOnStart.class);

    private final MasterKeyReseal reseal;

    public ResealOnStart(MasterKeyReseal reseal) {
        this.reseal = reseal;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!reseal.rotating()) {
            return;
        }
        Outcome outcome = reseal.resealAll();
        LOG.info("master key ring: {} signing key(s) re-sealed under the primary {}", outcome.resealed().size(),
                outcome.primary());
    }
}
