package dev.tally.standalone;

import java.nio.file.Path;
import java.util.List;

/** Checkpoints of the token node's views on the embedded default (an H2 file store). */
class ViewCheckpointOnH2Test extends ViewCheckpointContract {
    @Override
    List<String> store(Path dataDir) {
        return List.of();
    }

    @Override
    void newStore() {
        // each test has its own data directory, so its own H2 file
    }
}
