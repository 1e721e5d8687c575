package dev.tally.standalone;

import dev.tally.testsupport.PostgresTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The burst of revocations with PostgreSQL as the event store, as in production: the same pool, the same wiring. */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ConcurrentRevocationContract.WatchedPool.class)
class ConcurrentRevocationOnPostgresTest extends ConcurrentRevocationContract {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_concurrent_revocation");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-concurrent-revocation-pg");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        cheapPasswords(registry);
        DB.register(registry);
    }

    @Override
    int rounds() {
        return Integer.getInteger("tally.test.revocation-rounds", 2);
    }
}
