package dev.tally.standalone;

import dev.tally.testsupport.PostgresTestDatabase;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Retention with PostgreSQL as the event store. */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RetentionContract.Clocks.class)
class RetentionOnPostgresTest extends RetentionContract {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_retention");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        register(registry, "tally-retention-pg");
        DB.register(registry);
    }
}
