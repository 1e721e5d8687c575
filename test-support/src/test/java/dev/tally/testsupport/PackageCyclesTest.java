package dev.tally.testsupport;

import org.junit.jupiter.api.Test;

/** This module's packages import each other in one direction only. */
class PackageCyclesTest {
    @Test
    void packagesImportEachOtherInOneDirectionOnly() {
        PackageCycles.assertNone();
    }
}
