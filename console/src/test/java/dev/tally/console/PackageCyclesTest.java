package dev.tally.console;

import dev.tally.testsupport.PackageCycles;
import org.junit.jupiter.api.Test;

/** This module's packages import each other in one direction only. */
class PackageCyclesTest {
    @Test
    void packagesImportEachOtherInOneDirectionOnly() {
        PackageCycles.assertNone();
    }
}
