package dev.tally.standalone;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The burst of revocations on the embedded default, as the operator ran it: a fresh standalone server on H2. */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ConcurrentRevocationContract.WatchedPool.class)
class ConcurrentRevocationOnH2Test extends ConcurrentRevocationContract {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-concurrent-revocation");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        cheapPasswords(registry);
    }

    @Override
    int rounds() {
        return Integer.getInteger("tally.test.revocation-rounds", 4);
    }
}
