package dev.tally.standalone;

import dev.tally.testsupport.PostgresTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same end-to-end scenario with PostgreSQL as the event store, as in production. */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StandaloneOnPostgresTest extends StandaloneEndToEndContract {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_e2e");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-e2e-pg");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        DB.register(registry);
    }
}
