package dev.tally.standalone;

import dev.tally.testsupport.PostgresTestDatabase;
import java.nio.file.Path;
import java.util.List;

/** Master-key rotation across restarts with PostgreSQL as the event store, as in production. */
class MasterKeyRotationOnPostgresTest extends MasterKeyRotationContract {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_rotation");

    @Override
    List<String> storeArguments(Path dataDir) {
        return List.of("--spring.datasource.url=" + DB.jdbcUrl(), "--spring.datasource.username=" + DB.user(),
                "--spring.datasource.password=" + DB.password());
    }
}
