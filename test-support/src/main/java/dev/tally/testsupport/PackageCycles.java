package dev.tally.testsupport;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every module's packages import each other in one direction only: a module's test calls {@link #assertNone()} and
 * fails on the first cycle between two of its packages (each package its own slice, sub-packages included), naming
 * the classes and the imports that close it.
 */
public final class PackageCycles {
    private PackageCycles() {
    }

    /** Fails if the main classes of the module under test ({@code target/classes}) hold a package cycle. */
    public static void assertNone() {
        Path classes = Path.of("target", "classes");
        if (!Files.isDirectory(classes)) {
            throw new AssertionError("no compiled main classes at " + classes.toAbsolutePath());
        }
        JavaClasses imported = new ClassFileImporter().importPath(classes);
        slices().matching("dev.tally.(**)").namingSlices("$1")
                .should().beFreeOfCycles()
                .check(imported);
    }
}
