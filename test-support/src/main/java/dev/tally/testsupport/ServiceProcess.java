package dev.tally.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Tally service as an operating-system process of its own: the java of this JVM runs the service's main class on
 * this JVM's class path, configured by environment variables only, as a container runs it ({@code java -jar} ends in
 * the same {@code main}). Its output goes to a file under {@code target/service-processes}; when it does not come up,
 * the failure shows the file's last lines.
 *
 * <p>Unlike a Spring context started inside the test JVM, such a service can really crash: {@link #kill()} sends
 * SIGKILL, so nothing of the JVM runs afterwards (no shutdown hook, no {@code finally}, no graceful stop of its
 * processors, no flush of buffered writes). Every process started here is killed when the test closes it, and by a
 * shutdown hook of this JVM if the test never gets there. Used for the distributed services (their {@code main}
 * classes) and for the standalone server alike.
 */
public final class ServiceProcess implements AutoCloseable {
    /** Exit status of a process ended by SIGKILL (128 + 9), as {@link Process#exitValue()} reports it on Linux. */
    public static final int KILLED = 137;
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final List<String> JVM_OPTIONS = List.of(
            // small and quick to start: two of these share two cores with the test JVM and the broker
            "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Ddisable-axoniq-console-message=true", "-Daxoniq.update-checker.disabled=true");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "kill-service-processes"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code mainClass} with {@code environment} (besides this JVM's own environment, without its
     * {@code TALLY_*}, {@code SPRING_*} and {@code SERVER_*} variables) listening on {@code port}, and waits until it
     * answers {@code /actuator/health} UP.
     */
    public static ServiceProcess start(String name, Class<?> mainClass, Map<String, String> environment, int port,
                                Duration startup) {
        return launch(name, List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()), environment,
                port, startup);
    }

    /**
     * Like {@link #start}, but runs an executable jar ({@code java -jar}) on its own class path, not this JVM's: for
     * tests whose class path holds libraries the service must not see (a resource server's Spring Security would
     * change Tally's behaviour).
     */
    public static ServiceProcess startJar(String name, Path jar, Map<String, String> environment, int port,
                                          Duration startup) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (mvn package, or verify, with -am)");
        }
        return launch(name, List.of("-jar", jar.toString()), environment, port, startup);
    }

    private static ServiceProcess launch(String name, List<String> what, Map<String, String> environment, int port,
                                         Duration startup) {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this JVM"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_OPTIONS);
        command.addAll(what);

        Path log = logFile(name);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("TALLY_") || k.startsWith("SPRING_") || k.startsWith("SERVER_"));
        env.putAll(environment);
        env.put("SERVER_PORT", Integer.toString(port));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        RUNNING.add(process);
        ServiceProcess service = new ServiceProcess(name, process, log, port);
        try {
            service.awaitHealthy(startup);
        } catch (RuntimeException | Error e) {
            service.close();
            throw e;
        }
        return service;
    }

    /** A port nothing listens on now, for a service that must come back on the same one after a crash. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * SIGKILL ({@link Process#destroyForcibly()} on Linux); returns once the process is gone, with its exit status,
     * which is {@link #KILLED} when the signal ended it.
     */
    public int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " (pid " + pid() + ") still runs 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        RUNNING.remove(process);
        return process.exitValue();
    }

    /** Everything the process has written so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of the process's output. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        RUNNING.remove(process);
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " ended with status " + process.exitValue() + " before it was healthy;"
                        + " the end of " + log + ":\n" + logTail(60));
            }
            try {
                HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " was not healthy on " + url() + " within " + timeout + "; the end of "
                        + log + ":\n" + logTail(60));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static Path logFile(String name) {
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "service-processes");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(name + "-" + System.currentTimeMillis() + ".log");
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
