package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tally.bench.fake.FakeTallyServer;
import dev.tally.bench.http.Json;
import dev.tally.bench.provision.TenantClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

class ClientCredentialsLoadTest {

    /** What run() printed and returned. */
    record Run(int exit, String out, String err) {
        long number(String key) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key + ":") + "\\s+(\\d+)").matcher(out);
            assertTrue(m.find(), "no '" + key + "' line in:\n" + out);
            return Long.parseLong(m.group(1));
        }
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ClientCredentialsLoad.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        Run r = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(r.out());
        System.err.println(r.err());
        return r;
    }

    @Test
    @Timeout(60)
    void endToEndAgainstTheFakeServer() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "test-admin-token", 0)) {
            Run r = run(Map.of(), "--base-url=" + fake.baseUrl(), "--admin-token=test-admin-token",
                    "--concurrency=2", "--warmup=1", "--duration=2");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.number("total requests") > 0);
            assertEquals(0, r.number("errors"));
            assertTrue(r.out().contains("p99"), r.out());
            assertTrue(r.out().matches("(?s).*latency p99:\\s+\\d+\\.\\d\\d ms.*"), r.out());
            assertTrue(r.out().matches("(?s).*validated:\\s+[1-9]\\d* sampled responses.*, 0 invalid.*"), r.out());
            // measured + warm-up + one smoke request: every request the server saw is accounted for
            Matcher warm = Pattern.compile("\\((\\d+) ok, 0 errors\\)").matcher(r.out());
            assertTrue(warm.find(), r.out());
            assertEquals(fake.tokenRequests(), r.number("total requests") + Long.parseLong(warm.group(1)) + 1);
        }
    }

    @Test
    @Timeout(60)
    void countsErrorsSeparatelyAndReportsTheFirstErrorBody() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t0k", 7)) {
            Run r = run(Map.of("TALLY_ADMIN_TOKEN", "t0k"), "--base-url=" + fake.baseUrl(),
                    "--concurrency=2", "--warmup=0", "--duration=1", "--tenants=3");
            assertEquals(1, r.exit(), "errors must make the exit status 1");
            long total = r.number("total requests");
            long errors = r.number("errors");
            assertTrue(errors > 0 && errors < total, r.out());
            assertTrue(r.out().contains("[500 x" + errors + "]"), r.out());
            assertTrue(r.out().contains("first error:      HTTP 500 {\"error\":\"server_error\""), r.out());
            assertTrue(r.out().contains("3 tenant(s)"), r.out());
        }
    }

    @Test
    @Timeout(30)
    void maxRequestsIsAHardCap() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 0)) {
            Run r = run(Map.of(), "--base-url=" + fake.baseUrl(), "--admin-token=t",
                    "--concurrency=3", "--warmup=0", "--duration=20", "--max-requests=50");
            assertEquals(0, r.exit(), r.err());
            assertEquals(50, r.number("total requests"));
            assertEquals(51, fake.tokenRequests()); // + the smoke request
            assertTrue(r.out().contains("STOPPED EARLY: --max-requests=50 reached"), r.out());
        }
    }

    @Test
    @Timeout(60)
    void introspectionAgainstTheFakeServer() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 0)) {
            Run r = run(Map.of(), "--scenario=introspect", "--base-url=" + fake.baseUrl(), "--admin-token=t",
                    "--concurrency=2", "--warmup=1", "--duration=1", "--tenants=2", "--validate-every=10");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("## Tally introspect load"), r.out());
            assertTrue(r.out().contains("| introspect | "), r.out());
            assertTrue(r.out().matches("(?s).*validated:\\s+[1-9]\\d* sampled responses.*, 0 invalid.*"), r.out());
            // measured + warm-up + the smoke test's one per tenant
            Matcher warm = Pattern.compile("\\((\\d+) ok, 0 errors\\)").matcher(r.out());
            assertTrue(warm.find(), r.out());
            assertEquals(fake.introspections(), r.number("total requests") + Long.parseLong(warm.group(1)) + 2);
            // one client-credentials token per tenant for the smoke tests and one per tenant for the workers
            assertEquals(2 + 2, fake.tokenRequests());
        }
    }

    @Test
    void clientsAreSpreadOverTheTokenNodesSoEveryNodeGetsWork() {
        TenantClient a = new TenantClient("bench", "a", "s", URI.create("http://127.0.0.1:1/t/bench/oauth/token"),
                null, null, null);
        TenantClient b = new TenantClient("bench-2", "b", "s", URI.create("http://127.0.0.1:1/t/bench-2/oauth/token"),
                null, null, null);
        assertEquals(List.of(URI.create("http://127.0.0.1:7/t/bench/oauth/token"),
                        URI.create("http://127.0.0.1:8/t/bench-2/oauth/token"),
                        URI.create("http://127.0.0.1:9/t/bench/oauth/token")),
                ClientCredentialsLoad.spread(List.of(a, b), List.of("http://127.0.0.1:7", "http://127.0.0.1:8",
                        "http://127.0.0.1:9")).stream().map(TenantClient::tokenUri).toList());
        assertEquals(List.of(a, b), ClientCredentialsLoad.spread(List.of(a, b), List.of("http://127.0.0.1:1")));
    }

    @Test
    void badUsageExitsWithTwoAndSendsNothing() {
        assertEquals(2, run(Map.of(), "--concurrency=2").exit()); // neither --jar nor --base-url
        assertEquals(2, run(Map.of(), "--base-url=http://127.0.0.1:9").exit()); // no admin token
        assertEquals(2, run(Map.of(), "--base-url=http://192.0.2.1:8080", "--admin-token=x").exit()); // not loopback
        assertEquals(2, run(Map.of(), "--jar=x.jar", "--base-url=http://127.0.0.1:9").exit());
        assertEquals(2, run(Map.of(), "--jar=x.jar", "--concurrency=0").exit());
        assertEquals(2, run(Map.of(), "--jar=x.jar", "--bogus=1").exit());
        assertEquals(2, run(Map.of(), "--jar=x.jar", "--scenario=bogus").exit());
        assertEquals(2, run(Map.of(), "--jar=x.jar", "--server-args=--server.port=1").exit());
        assertEquals(0, run(Map.of(), "--help").exit());
    }

    @Test
    void healthCheckFailureIsReportedNotHung() {
        // a loopback port nobody listens on: connection refused until the (10 s) health deadline
        Run r = run(Map.of(), "--base-url=http://127.0.0.1:1", "--admin-token=x", "--warmup=0", "--duration=1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("server not healthy within 10 s"), r.err());
    }

    /**
     * The --jar path: the fake server packed as an executable jar, started as a child process on the same JDK,
     * health polled (with a start-up delay passed through --server-jvm-args), RSS read, and stopped at the end.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(90)
    void startsAndStopsTheServerJarItself(@TempDir Path tmp) throws Exception {
        Path jar = tmp.resolve("fake-server.jar"); // a name unlike the real server jar, so it is never mistaken for it
        buildFakeServerJar(jar);
        Run r = run(Map.of(), "--jar=" + jar, "--server-jvm-args=-Xmx64m -Dfake.startupDelayMs=700",
                "--server-args=--fake.ignored=1  --fake.also=2", "--concurrency=2", "--warmup=1", "--duration=1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.number("total requests") > 0);
        assertEquals(0, r.number("errors"));
        Matcher startup = Pattern.compile("server startup:\\s+(\\d+\\.\\d\\d) s").matcher(r.out());
        assertTrue(startup.find(), r.out());
        assertTrue(Double.parseDouble(startup.group(1)) >= 0.7, "start-up includes the 700 ms delay");
        assertTrue(r.out().matches("(?s).*server RSS idle:\\s+VmRSS \\d+\\.\\d MiB, VmHWM \\d+\\.\\d MiB.*"), r.out());
        assertTrue(r.out().matches("(?s).*server RSS load:\\s+VmRSS \\d+\\.\\d MiB, VmHWM \\d+\\.\\d MiB.*"), r.out());
        assertTrue(r.out().contains("-Xmx64m -Dfake.startupDelayMs=700 -jar " + jar), r.out());
        // program arguments come after the tool's own, so they are what the server reads last
        assertTrue(r.out().matches("(?s).*--tally.data-dir=\\S+ --fake.ignored=1 --fake.also=2\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*CPU in window:\\s+tool \\d+\\.\\d\\d, server \\d+\\.\\d\\d .*"), r.out());
        assertTrue(r.out().contains("server JDK:") && r.out().contains(Runtime.version().feature() + ""), r.out());
        Matcher pid = Pattern.compile("server pid (\\d+) healthy").matcher(r.err());
        assertTrue(pid.find(), r.err());
        assertFalse(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false),
                "server child must be stopped");
        assertTrue(r.out().contains("server stop:      SIGTERM, exited in"), r.out());
    }

    @Test
    @Timeout(60)
    void aServerThatDiesBeforeHealthIsReportedWithItsOutput(@TempDir Path tmp) throws Exception {
        Path jar = tmp.resolve("broken.jar");
        Files.write(jar, "not a jar".getBytes(StandardCharsets.UTF_8));
        Run r = run(Map.of(), "--jar=" + jar, "--warmup=0", "--duration=1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("server exited with code 1 before becoming healthy"), r.err());
        Matcher kept = Pattern.compile("its log is kept at (\\S+)").matcher(r.err());
        assertTrue(kept.find(), r.err());
        Path runDir = Path.of(kept.group(1)).getParent();
        assertFalse(Files.exists(runDir.resolve("data")), "data dir is always deleted");
        try (Stream<Path> walk = Files.walk(runDir)) { // clean up what the tool deliberately kept
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Packs target/classes + target/test-classes into an executable jar whose main is the fake server; Jackson's jars
     * (the fake reads and writes JSON with the tool's own {@link Json}) go on its manifest class path.
     */
    static void buildFakeServerJar(Path jar) throws IOException {
        Path testClasses = classRoot(FakeTallyServer.class);
        Path mainClasses = classRoot(Json.class);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeTallyServer.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, Stream.of(JsonMapper.class, JsonParser.class,
                        JsonProperty.class)
                .map(c -> classRoot(c).toUri().toString()).collect(Collectors.joining(" ")));
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, manifest)) {
            for (Path root : List.of(mainClasses, testClasses)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                        out.write(Files.readAllBytes(f));
                        out.closeEntry();
                    }
                }
            }
        }
    }

    private static Path classRoot(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
