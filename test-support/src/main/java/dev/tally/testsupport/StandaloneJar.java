package dev.tally.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;

/**
 * The standalone server as its users run it: {@code java -jar standalone/target/tally.jar} (the path in the system
 * property {@code tally.standalone.jar}), H2 in a fresh data directory, an administrator token of its own and the
 * issuer fixed by {@code TALLY_BASE_URL}, as in production (it must not follow the Host header a client sends). It runs
 * on the jar's own class path, so the libraries of the tests that start it (Spring Security, client SDKs) never
 * change what Tally does. Closing it stops the process and deletes the data directory.
 */
public final class StandaloneJar implements AutoCloseable {
    public static final Duration STARTUP = Duration.ofSeconds(90);

    private final ServiceProcess process;
    private final Path dataDir;
    private final TestHttp http;

    private StandaloneJar(ServiceProcess process, Path dataDir, String adminToken) {
        this.process = process;
        this.dataDir = dataDir;
        this.http = new TestHttp(process.url(), adminToken);
    }

    /** Starts the jar; {@code name} names the process's log and data directory. */
    public static StandaloneJar start(String name) {
        Path jar = Path.of(System.getProperty("tally.standalone.jar", "../standalone/target/tally.jar"));
        String admin = name + "-admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        int port = ServiceProcess.freePort();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("tally-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServiceProcess process = ServiceProcess.startJar("standalone-" + name, jar, Map.of("TALLY_DATA_DIR",
                dataDir.toString(), "TALLY_ADMIN_TOKEN", admin, "TALLY_BASE_URL", "http://127.0.0.1:" + port), port,
                STARTUP);
        return new StandaloneJar(process, dataDir, admin);
    }

    public String baseUrl() {
        return process.url();
    }

    /** A tenant's issuer, as Tally writes it into its tokens. */
    public String issuer(String tenant) {
        return baseUrl() + "/t/" + tenant;
    }

    /** HTTP to the server, with the administrator's token for the management API. */
    public TestHttp http() {
        return http;
    }

    @Override
    public void close() {
        process.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind harms nothing
        }
    }
}
