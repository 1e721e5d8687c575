package dev.tally.bench.server;

import dev.tally.bench.http.BenchException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The Tally server as a child process: {@code java [jvm args] -jar tally.jar --server.port=P
 * --server.address=127.0.0.1 --tally.data-dir=DIR [server args]} with {@code TALLY_ADMIN_TOKEN} in its environment,
 * output to a log file in a fresh temp directory, and a shutdown hook that stops it if this JVM exits first.
 */
public final class ServerProcess implements MeasuredProcess {
    private final Process process;
    private final List<String> command;
    private final int port;
    private final String adminToken;
    private final Path runDir;
    private final Path dataDir;
    private final Path logFile;
    private final long startNanos;
    private final PrintStream err;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread shutdownHook;
    private volatile String stopSummary = "not stopped";

    private ServerProcess(Process process, List<String> command, int port, String adminToken, Path runDir,
                          Path dataDir, Path logFile, long startNanos, PrintStream err) {
        this.process = process;
        this.command = command;
        this.port = port;
        this.adminToken = adminToken;
        this.runDir = runDir;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.startNanos = startNanos;
        this.err = err;
        this.shutdownHook = new Thread(() -> stop(true), "tally-bench-server-stop");
    }

    /** The java binary running this JVM, so the server runs on the same JDK as the tool. */
    static String currentJavaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public static ServerProcess start(Path jar, List<String> jvmArgs, List<String> serverArgs, PrintStream err)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new BenchException("server jar not found: " + jar);
        }
        int port = freeLoopbackPort();
        String token = randomToken();
        Path runDir = Files.createTempDirectory("tally-bench-");
        Path dataDir = Files.createDirectory(runDir.resolve("data"));
        Path log = runDir.resolve("server.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(currentJavaCommand());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("--server.port=" + port);
        cmd.add("--server.address=127.0.0.1");
        cmd.add("--tally.data-dir=" + dataDir);
        cmd.addAll(serverArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(runDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("TALLY_ADMIN_TOKEN", token);
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close(); // nothing on stdin
        ServerProcess sp = new ServerProcess(p, List.copyOf(cmd), port, token, runDir, dataDir, log, t0, err);
        Runtime.getRuntime().addShutdownHook(sp.shutdownHook);
        return sp;
    }

    static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String randomToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String adminToken() {
        return adminToken;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    public long startNanos() {
        return startNanos;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> command() {
        return command;
    }

    public Path logFile() {
        return logFile;
    }

    public String stopSummary() {
        return stopSummary;
    }

    /** First two lines of {@code java -version} of the binary the server runs on, joined; or a note why not. */
    public String javaVersion() {
        String javaCommand = command.get(0);
        try {
            Process p = new ProcessBuilder(javaCommand, "-version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            List<String> lines = text.lines().filter(l -> !l.isBlank()).limit(2).toList();
            return javaCommand + ": " + String.join("; ", lines);
        } catch (IOException e) {
            return javaCommand + ": (java -version failed: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return javaCommand;
        }
    }

    @Override
    public Optional<java.time.Duration> cpu() {
        return process.toHandle().info().totalCpuDuration();
    }

    @Override
    public Optional<ProcMemory.Sample> memory() {
        return ProcMemory.read(process.pid());
    }

    /** Exit code if it has exited, else null. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** The last lines of the server's output, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Stops the server: SIGTERM, up to 20 s for a graceful exit, then SIGKILL. Deletes the data dir;
     * the log is deleted too unless {@code keepLog}, in which case its path is printed. Idempotent.
     */
    public void stop(boolean keepLog) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // JVM already shutting down; the hook will find us stopped.
            }
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        long t0 = System.nanoTime();
        boolean forced = false;
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    forced = true;
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        double secs = (System.nanoTime() - t0) / 1e9;
        stopSummary = (forced ? "SIGTERM not honoured in 20 s, killed" : "SIGTERM")
                + String.format(java.util.Locale.ROOT, ", exited in %.2f s", secs)
                + (process.isAlive() ? " (STILL ALIVE)" : " (exit code " + process.exitValue() + ")");
        deleteTree(dataDir);
        if (keepLog) {
            err.println("[bench] server pid " + process.pid() + " stopped; its log is kept at " + logFile);
        } else {
            deleteTree(runDir);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: it is a temp dir
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
