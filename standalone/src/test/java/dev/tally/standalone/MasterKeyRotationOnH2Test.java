package dev.tally.standalone;

import java.nio.file.Path;
import java.util.List;

/** Master-key rotation across restarts on the embedded default (H2 in the data directory). */
class MasterKeyRotationOnH2Test extends MasterKeyRotationContract {
    @Override
    List<String> storeArguments(Path dataDir) {
        return List.of();
    }
}
