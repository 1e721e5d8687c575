package dev.tally.bench;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.server.ServerProcess;
import dev.tally.bench.server.Target;
import dev.tally.testsupport.fuzz.HostileInputRun;
import dev.tally.testsupport.fuzz.HostileInputRun.Options;
import dev.tally.testsupport.fuzz.HostileInputRun.Report;
import dev.tally.testsupport.fuzz.HostileInputRun.Server;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 15's fuzz harness at benchmark size (50,000 requests and more): the standalone jar started on a fresh data
 * directory with the settings Tally ships, or a running Tally whose log file is named; then the same run and checks
 * as the standalone module's {@code HostileInputFuzzTest} ({@link HostileInputRun}), with the seed as an argument.
 * The summary goes to stdout, progress to stderr; the exit status is 0 when every check passed, 1 when one failed,
 * 2 for bad usage.
 */
public final class HostileInputBench {
    static final String USAGE = """
            Usage: benchmarks/run-fuzz.sh [path/to/tally.jar] [--seed=N] [--requests=50000] [--concurrency=4]
                                          [--only=INDEX] [--server-jvm-args="..."] [--server-args="..."]
                   benchmarks/run-fuzz.sh --base-url=URL --admin-token=T --server-log=FILE [--seed=N] ...
              --seed         the generator's seed (default: the time); request I of seed N is always the same
              --requests     how many requests (default 50000)
              --concurrency  connections sending at once (default 4)
              --only         send only request INDEX of the seed, after the same set-up
              --base-url     a running Tally instead of starting the jar; it must be fresh (no tenant named fuzz*)
              --server-log   that server's log file, searched for secrets at the end
            """;

    private HostileInputBench() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    record Settings(Path jar, long seed, int requests, int concurrency, Long only, List<String> serverJvmArgs,
                    List<String> serverArgs, String baseUrl, String adminToken, Path serverLog) {
    }

    static Settings parse(String[] args) {
        Path jar = Path.of("standalone/target/tally.jar");
        long seed = System.currentTimeMillis();
        int requests = 50_000;
        int concurrency = 4;
        Long only = null;
        List<String> jvmArgs = List.of();
        List<String> serverArgs = List.of();
        String baseUrl = null;
        String adminToken = null;
        Path log = null;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? "" : arg.substring(eq + 1);
            switch (name) {
                case "--seed" -> seed = Long.parseLong(value);
                case "--requests" -> requests = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--only" -> only = Long.parseLong(value);
                case "--server-jvm-args" -> jvmArgs = words(value);
                case "--server-args" -> serverArgs = words(value);
                case "--base-url" -> baseUrl = value;
                case "--admin-token" -> adminToken = value;
                case "--server-log" -> log = Path.of(value);
                case "--jar" -> jar = Path.of(value);
                default -> {
                    if (arg.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    }
                    jar = Path.of(arg);
                }
            }
        }
        if (requests < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--requests and --concurrency must be at least 1");
        }
        if (baseUrl != null && (adminToken == null || log == null)) {
            throw new IllegalArgumentException("--base-url needs --admin-token and --server-log");
        }
        return new Settings(jar, seed, requests, concurrency, only, jvmArgs, serverArgs, baseUrl, adminToken, log);
    }

    private static List<String> words(String value) {
        return value.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(value.trim().split("\\s+")));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Settings settings;
        try {
            if (Arrays.asList(args).contains("--help")) {
                out.print(USAGE);
                return 0;
            }
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ServerProcess started = null;
        boolean keepLog = true;
        try {
            Server server;
            if (settings.baseUrl() != null) {
                server = new Server(settings.baseUrl(), settings.adminToken(), () -> read(settings.serverLog()));
            } else {
                err.println("[fuzz] starting " + settings.jar());
                started = ServerProcess.start(settings.jar(), settings.serverJvmArgs(), settings.serverArgs(), err);
                Target target = Target.started(http, started, err);
                err.println("[fuzz] " + target.jdk());
                ServerProcess process = started;
                server = new Server(started.baseUrl(), started.adminToken(), () -> read(process.logFile()));
            }
            Options options = new Options(settings.seed(), settings.requests(), settings.concurrency(), 60_000,
                    settings.only());
            Report report = HostileInputRun.run(server, options, err);
            out.print(report.summary());
            keepLog = !report.passed();
            return report.passed() ? 0 : 1;
        } catch (BenchException | IllegalStateException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("error: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        } finally {
            http.shutdownNow();
            if (started != null) {
                started.stop(keepLog);
            }
        }
    }

    /** The log as text; bytes that are not UTF-8 become replacement characters rather than an error. */
    private static String read(Path log) {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server's log " + log, e);
        }
    }
}
