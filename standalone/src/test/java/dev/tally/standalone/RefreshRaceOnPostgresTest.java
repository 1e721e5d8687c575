package dev.tally.standalone;

import dev.tally.testsupport.PostgresTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The refresh race with PostgreSQL as the event store. */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RefreshRaces.Clocks.class)
class RefreshRaceOnPostgresTest extends RefreshRaceContract {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_race");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-race-pg");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        DB.register(registry);
    }

    @Override
    String store() {
        return "PostgreSQL";
    }
}
