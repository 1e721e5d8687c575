package dev.tally.standalone;

import dev.tally.testsupport.PostgresTestDatabase;
import java.nio.file.Path;
import java.util.List;

/** Checkpoints of the token node's views with PostgreSQL as the event store. */
class ViewCheckpointOnPostgresTest extends ViewCheckpointContract {
    private PostgresTestDatabase db;

    @Override
    List<String> store(Path dataDir) {
        return List.of("--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password());
    }

    @Override
    void newStore() {
        db = PostgresTestDatabase.create("tally_ckpt");
    }
}
