package dev.tally.platform.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * The data directory ({@code tally.data-dir}) and the embedded database's files are readable by their owner only,
 * like the master key: the events in them are every user's history, and the store holds hashes a reader could try
 * offline. The directory is created (or narrowed, if it exists) before any bean opens a file in it, so nothing is
 * ever created there that others could open; the database's files are narrowed too, once H2 has created them
 * ({@link EmbeddedH2Durability}), for a database that lives outside the data directory.
 */
public final class OwnerOnlyFiles implements BeanFactoryPostProcessor, EnvironmentAware {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        String dataDir = environment.getProperty("tally.data-dir");
        if (dataDir != null && !dataDir.isBlank()) {
            directory(Path.of(dataDir));
        }
    }

    /** Creates {@code dir} owner-only, or narrows it to its owner if it exists. */
    public static void directory(Path dir) {
        try {
            if (Files.notExists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            }
            narrow(dir, DIRECTORY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir + " readable by its owner only", e);
        }
    }

    /** Narrows to their owner the files of the H2 database at {@code databasePath} (its path without extension). */
    public static void databaseFiles(Path databasePath) {
        Path dir = databasePath.toAbsolutePath().getParent();
        String prefix = databasePath.getFileName() + ".";
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                if (Files.isRegularFile(file)) {
                    narrow(file, FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the database files at " + databasePath + " owner-only", e);
        }
    }

    private static void narrow(Path path, Set<PosixFilePermission> permissions) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(path).equals(permissions)) {
                Files.setPosixFilePermissions(path, permissions);
            }
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions (Windows): its ACLs are the operator's to set
        }
    }
}
