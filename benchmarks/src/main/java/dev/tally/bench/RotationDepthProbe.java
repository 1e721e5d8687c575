package dev.tally.bench;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.load.LoadLoop;
import dev.tally.bench.load.LoadResult;
import dev.tally.bench.options.LoadOptions;
import dev.tally.bench.options.RotationDepthOptions;
import dev.tally.bench.provision.TenantClient;
import dev.tally.bench.report.RotationDepthReport;
import dev.tally.bench.scenario.FormPost;
import dev.tally.bench.scenario.RequestSource;
import dev.tally.bench.scenario.Scenario;
import dev.tally.bench.server.MeasuredProcess;
import dev.tally.bench.server.RunningProcess;
import dev.tally.bench.server.ServerProcess;
import dev.tally.bench.server.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the cost of a refresh token rotation grows with the family's generation. A family's events accumulate with
 * every rotation; a server that loads them all, or looks a token up among all its predecessors, slows down as the
 * family ages, which a load of young families never shows.
 *
 * <p>One run: the server as the load tool reaches it ({@code --jar}, {@code --base-url} or a peer, the same options
 * and the same provisioning); optionally the load tool's refresh scenario in the background ({@code --background}
 * threads, one family each, via {@link LoadLoop}); {@code --warmup-rotations} of a throwaway family, untimed, so
 * that the first window does not pay for the server's JIT; then one new family, started with the password grant and
 * rotated {@code --rotations} times in sequence, each request presenting the refresh token of the answer before and
 * each answer checked as the load tool checks it. Each rotation is timed; the server's CPU time (from
 * {@code /proc/<pid>/stat}, when its process is known) and the background's granted rotations are read at the start
 * and the end of the first and the last {@code --window} rotations. The report ({@link RotationDepthReport}) sets
 * the two windows side by side.
 *
 * <p>The probe's own requests go over an HttpClient of their own, so they never queue behind the background's in
 * the client. Run with {@code --help} for the options; the report goes to stdout, progress to stderr.
 */
public final class RotationDepthProbe {
    /** The background load runs this long before the warm-up, so every timed rotation is under it. */
    static final Duration BACKGROUND_SETTLE = Duration.ofSeconds(2);

    private RotationDepthProbe() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Where the probe's families start: Tally's provisioned tenants (the first for the probe's own) or the peer. */
    @FunctionalInterface
    private interface Families {
        List<RequestSource> start(HttpClient http, int count, PrintStream err) throws IOException, InterruptedException;
    }

    /** The wall clock, the server's CPU (null if unknown) and the background's granted rotations at one instant. */
    private record Mark(long nanos, Duration serverCpu, long background) {
        static Mark now(MeasuredProcess server, AtomicLong background) {
            return new Mark(System.nanoTime(), server == null ? null : server.cpu().orElse(null), background.get());
        }
    }

    /** One rotation's latency, or what went wrong with it (then the family cannot go on: its token may be spent). */
    private record Rotation(long nanos, String problem) {
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        RotationDepthOptions options;
        try {
            options = RotationDepthOptions.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.print(RotationDepthOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(RotationDepthOptions.USAGE);
            return 0;
        }
        LoadOptions load = options.load();
        HttpClient http = ClientCredentialsLoad.httpClient(load);
        HttpClient probeHttp = ClientCredentialsLoad.httpClient(load);
        ServerProcess started = null;
        boolean keepServerLog = true;
        AtomicBoolean probeDone = new AtomicBoolean();
        Thread background = null;
        try {
            Instant startedAt = Instant.now();
            Families families;
            MeasuredProcess server;
            String target;
            String user;
            if (load.peer() != null) {
                server = RunningProcess.of(load.peer()).orElse(null);
                Scenario.REFRESH.smokeTest(http, load.peer());
                families = (h, n, e) -> Scenario.REFRESH.sources(h, load.peer(), n, e);
                target = "peer " + load.peer().tokenUri() + ", client " + load.peer().clientId()
                        + (load.peer().scope() == null ? "" : ", scope " + load.peer().scope());
                user = "the peer's user " + load.peer().username();
            } else {
                started = ClientCredentialsLoad.startServer(load, err);
                Target t = ClientCredentialsLoad.target(http, load, started, err);
                List<TenantClient> clients = ClientCredentialsLoad.provisioned(http, load, t, err);
                server = started != null ? started
                        : RunningProcess.listeningOn(URI.create(t.baseUrl().split(",")[0]).getPort()).orElse(null);
                families = (h, n, e) -> Scenario.REFRESH.sources(h, n == 1 ? clients.subList(0, 1) : clients, n, e);
                target = started != null ? "Tally started by the probe: " + String.join(" ", started.command())
                        : "Tally at " + t.baseUrl() + " (already running)";
                user = "the bench user of tenant " + clients.get(0).tenant() + ", offline_access";
            }
            err.println("[depth] " + target + (server == null ? "; its process was not found, CPU not measured"
                    : "; server pid " + server.pid()));

            AtomicLong backgroundRotations = new AtomicLong();
            AtomicReference<LoadResult> backgroundResult = new AtomicReference<>();
            if (options.background() > 0) {
                List<RequestSource> sources = families.start(http, options.background(), err).stream()
                        .map(s -> (RequestSource) new Counted(s, backgroundRotations)).toList();
                MeasuredProcess watched = server;
                background = Thread.ofPlatform().name("depth-background").start(() -> {
                    try {
                        backgroundResult.set(LoadLoop.run(http, sources, load, watched, err, probeDone::get));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                err.printf(Locale.ROOT, "[depth] background: %d threads until the last timed rotation (the load"
                        + " loop's 3600 s are its limit), %d s before the warm-up%n", options.background(),
                        BACKGROUND_SETTLE.toSeconds());
                Thread.sleep(BACKGROUND_SETTLE.toMillis());
            }

            if (options.warmupRotations() > 0) {
                RequestSource warmup = families.start(probeHttp, 1, err).get(0);
                long t0 = System.nanoTime();
                for (int i = 1; i <= options.warmupRotations(); i++) {
                    String problem = rotate(probeHttp, warmup).problem();
                    if (problem != null) {
                        throw new BenchException("warm-up rotation " + i + ": " + problem);
                    }
                }
                err.printf(Locale.ROOT, "[depth] warm-up: %d rotations of another family in %.2f s%n",
                        options.warmupRotations(), (System.nanoTime() - t0) / 1e9);
            }

            RequestSource family = families.start(probeHttp, 1, err).get(0);
            int rotations = options.rotations();
            int window = options.window();
            int lastFrom = rotations - window + 1;
            long[] latencies = new long[rotations];
            int done = 0;
            String stoppedBy = null;
            Mark firstStart = null;
            Mark firstEnd = null;
            Mark lastStart = null;
            Mark lastEnd = null;
            err.printf(Locale.ROOT, "[depth] %d timed rotations of a new family%n", rotations);
            for (int i = 1; i <= rotations; i++) {
                if (i == 1) {
                    firstStart = Mark.now(server, backgroundRotations);
                }
                if (i == lastFrom) {
                    lastStart = Mark.now(server, backgroundRotations);
                }
                Rotation r = rotate(probeHttp, family);
                if (r.problem() != null) {
                    stoppedBy = "rotation " + i + ": " + r.problem();
                    break;
                }
                latencies[i - 1] = r.nanos();
                done = i;
                if (i == window) {
                    firstEnd = Mark.now(server, backgroundRotations);
                }
                if (i == rotations) {
                    lastEnd = Mark.now(server, backgroundRotations);
                }
                if (i % 1000 == 0) {
                    err.printf(Locale.ROOT, "[depth] %d rotations%n", i);
                }
            }
            probeDone.set(true);
            String backgroundWords = null;
            boolean backgroundFailed = false;
            if (background != null) {
                background.join();
                LoadResult bg = backgroundResult.get();
                backgroundFailed = bg == null || bg.counts().errors() > 0 || bg.counts().validationFailures() > 0;
                backgroundWords = describe(bg, options.background());
            }

            RotationDepthReport.Window first = done == rotations
                    ? window(latencies, 1, window, firstStart, firstEnd) : null;
            RotationDepthReport.Window last = done == rotations
                    ? window(latencies, lastFrom, rotations, lastStart, lastEnd) : null;
            int exit = done == rotations && !backgroundFailed ? 0 : 1;
            keepServerLog = exit != 0;
            new RotationDepthReport(new RotationDepthReport.Content(startedAt, target,
                    "one, started by the password grant for " + user + ", then rotated in sequence, each request"
                            + " presenting the refresh token of the answer before; every answer checked (an access"
                            + " token, a refresh token other than the one presented)",
                    options.warmupRotations() == 0 ? "none" : options.warmupRotations()
                            + " rotations of another family first, not timed",
                    backgroundWords,
                    server == null ? "not measured (the server's process was not found)"
                            : "pid " + server.pid() + ", user + system time from /proc/" + server.pid()
                            + "/stat (10 ms ticks), per rotation granted in the window, the background's included",
                    rotations, done, stoppedBy, first, last, options.windowsOverlap())).print(out);
            return exit;
        } catch (BenchException e) {
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
            probeDone.set(true);
            if (background != null) {
                try {
                    background.join(FormPost.TIMEOUT.toMillis() + 5_000); // the load loop ends within a request
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            http.shutdownNow();
            probeHttp.shutdownNow();
            if (started != null) {
                started.stop(keepServerLog);
            }
        }
    }

    /** Sends the family's next request and checks the answer fully, as the load tool checks its sampled ones. */
    private static Rotation rotate(HttpClient http, RequestSource family) throws InterruptedException {
        HttpRequest request = family.next();
        long t0 = System.nanoTime();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Rotation(-1, e.toString());
        }
        long nanos = System.nanoTime() - t0;
        if (r.statusCode() != 200) {
            return new Rotation(nanos, "HTTP " + r.statusCode() + " " + BodyExcerpt.of(r.body()));
        }
        String problem = family.validate(r.body());
        if (problem == null) {
            problem = family.onSuccess(r.body());
        }
        return new Rotation(nanos, problem == null ? null : problem + " in " + BodyExcerpt.of(r.body()));
    }

    /** Rotations {@code from} to {@code to} (1-based), their latencies sorted, between two marks. */
    static RotationDepthReport.Window window(long[] latencies, int from, int to, Mark start, Mark end) {
        long[] sorted = Arrays.copyOfRange(latencies, from - 1, to);
        Arrays.sort(sorted);
        Duration cpu = start.serverCpu() == null || end.serverCpu() == null ? null
                : end.serverCpu().minus(start.serverCpu());
        return new RotationDepthReport.Window(from, to, sorted, (end.nanos() - start.nanos()) / 1e9, cpu,
                end.background() - start.background());
    }

    private static String describe(LoadResult bg, int threads) {
        if (bg == null) {
            return threads + " threads of the refresh scenario: ended without a result";
        }
        String problem = bg.firstError() != null ? bg.firstError()
                : bg.firstException() != null ? bg.firstException() : bg.firstInvalid();
        return String.format(Locale.ROOT, "%d %s of the load tool's refresh scenario (one family each) from %d s"
                        + " before the warm-up to the last rotation: %d rotations in %.1f s, %d errors, %d invalid,"
                        + " %d of %d threads stopped%s", threads, threads == 1 ? "thread" : "threads",
                BACKGROUND_SETTLE.toSeconds(), bg.counts().ok(),
                bg.windowSeconds(), bg.counts().errors(), bg.counts().validationFailures(),
                bg.counts().workersStopped(), bg.counts().workers(),
                problem == null ? "" : "; first problem: " + problem);
    }

    /** A background worker's source that counts the 200 answers of all of them, as they come. */
    private record Counted(RequestSource source, AtomicLong granted) implements RequestSource {
        @Override
        public HttpRequest next() {
            return source.next();
        }

        @Override
        public String validate(String body) {
            return source.validate(body);
        }

        @Override
        public String onSuccess(String body) {
            granted.incrementAndGet();
            return source.onSuccess(body);
        }

        @Override
        public boolean survivesFailure() {
            return source.survivesFailure();
        }
    }
}
