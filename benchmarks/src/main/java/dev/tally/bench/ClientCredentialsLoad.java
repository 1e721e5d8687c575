package dev.tally.bench;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.latency.LongSamples;
import dev.tally.bench.latency.Percentiles;
import dev.tally.bench.options.LoadOptions;
import dev.tally.bench.provision.ManagementApi;
import dev.tally.bench.provision.Propagation;
import dev.tally.bench.provision.Provisioning;
import dev.tally.bench.provision.TenantClient;
import dev.tally.bench.scenario.FormPost;
import dev.tally.bench.scenario.RequestSource;
import dev.tally.bench.scenario.Scenario;
import dev.tally.bench.server.Health;
import dev.tally.bench.server.ProcMemory;
import dev.tally.bench.server.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Load benchmark for Tally's token endpoint: the client_credentials grant, or refresh token rotation
 * ({@code --scenario}).
 *
 * <p>Sets up tenants, an API and a client per tenant through the admin API (for {@code refresh} also a user, and
 * the API allows offline access), then runs {@code --concurrency} threads, each in a closed loop (send, wait for
 * the response, send again) over one shared {@link HttpClient} (HTTP/1.1, keep-alive). What a thread sends comes
 * from its own {@link RequestSource}: the prepared client-credentials request, or, for {@code refresh}, the refresh
 * token of its own family that the previous answer returned (each thread starts its family with the password
 * grant before the load starts, so one family is never used by two threads). A warm-up phase is followed by the measurement window;
 * only requests <em>started</em> inside the window are measured. Each thread records the latency of its
 * successful (200) responses into its own {@link LongSamples}; the arrays are merged after the threads are
 * joined, so the hot path takes no lock. Non-200 responses and exceptions are counted separately and are
 * not throughput; in the refresh scenario the first one ends its thread (its token may have been spent). Every
 * {@code --validate-every}th successful response of a thread is checked (expires_in == 3600, access_token has
 * three dot-separated parts; for refresh also a refresh_token other than the one presented, which every answer
 * must carry anyway since the next request presents it).
 *
 * <p>Design choices, measured on the 2-core machine against the fake server of the tests (noisy, other
 * work was running): platform threads beat virtual threads in every paired run (16 blocking loops gain
 * nothing from virtual threads, and the extra hand-offs cost CPU the server needs); the HttpClient's
 * executor is direct by default ({@code --http-executor}), which roughly halved the client's CPU per
 * request, and the occasional "HTTP/1.1 header parser received no bytes" seen with the JDK's default pool
 * executor did not occur with it. Exact nearest-rank percentiles over all samples (no histogram
 * bucketing): at most {@code --max-requests} longs, 16 MB for the default cap. The report prints the CPU
 * used by the tool and by the server during the window, since they share the machine's cores.
 *
 * <p>Run with {@code --help} for the options. The report goes to stdout, progress and problems to stderr.
 */
public final class ClientCredentialsLoad {
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);
    static final Duration MANAGEMENT_TIMEOUT = Duration.ofSeconds(30);

    private ClientCredentialsLoad() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs the benchmark and returns the exit status (0 clean, 1 failed or errors seen, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv());
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.print(LoadOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(LoadOptions.USAGE);
            return 0;
        }
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (options.directExecutor()) {
            // Completes responses on the client's selector thread instead of handing each one to a pool
            // thread: about half the client CPU per request, which the 2-core server would otherwise lose.
            // Safe here: the only body handler is ofString, which never blocks.
            hb.executor(Runnable::run);
        }
        HttpClient http = hb.build();
        ServerProcess server = null;
        boolean keepServerLog = true;
        try {
            Instant started = Instant.now();
            String baseUrl;
            String adminUrl;
            List<String> tokenNodes;
            String adminToken;
            double startupSeconds = -1;
            Optional<ProcMemory.Sample> idle = Optional.empty();
            String serverJdk = null;
            if (options.jar() != null) {
                err.println("[bench] starting " + options.jar());
                server = ServerProcess.start(options.jar(), options.serverJvmArgs(), options.serverArgs(), err);
                Health.await(http, server.baseUrl(), server.startNanos(), HEALTH_TIMEOUT, server);
                startupSeconds = (System.nanoTime() - server.startNanos()) / 1e9;
                idle = server.memory();
                err.printf(Locale.ROOT, "[bench] server pid %d healthy after %.2f s on %s%n",
                        server.pid(), startupSeconds, server.baseUrl());
                baseUrl = server.baseUrl();
                adminUrl = baseUrl;
                tokenNodes = List.of(baseUrl);
                adminToken = server.adminToken();
                serverJdk = server.javaVersion();
            } else {
                tokenNodes = List.of(options.baseUrl().split(","));
                baseUrl = options.baseUrl();
                adminUrl = options.adminUrl();
                adminToken = options.adminToken();
                for (String node : tokenNodes) {
                    Health.await(http, node, System.nanoTime(), Duration.ofSeconds(10), null);
                }
                Health.await(http, adminUrl, System.nanoTime(), Duration.ofSeconds(10), null);
            }

            List<TenantClient> provisioned = new Provisioning(new ManagementApi(http, adminUrl, adminToken,
                    MANAGEMENT_TIMEOUT), err).provision(options.tenants(), options.scenario().clients());
            // Client i of the list goes to token node i mod nodes; with one node, the list is as provisioned.
            List<TenantClient> clients = new ArrayList<>();
            for (int n = 0; n < Math.max(provisioned.size(), tokenNodes.size()); n++) {
                clients.add(provisioned.get(n % provisioned.size()).at(tokenNodes.get(n % tokenNodes.size())));
            }
            // Token nodes other than the server the tool provisions through (distributed mode) learn what it created
            // from the event stream: give them time. A single server knows at once.
            boolean separateNodes = server == null && !tokenNodes.equals(List.of(adminUrl));
            for (TenantClient c : clients) {
                if (separateNodes) {
                    Propagation.awaitKnown(http, c, adminToken, Propagation.TIMEOUT, err);
                }
                options.scenario().smokeTest(http, c); // fail fast with the server's own words before any load
            }
            List<RequestSource> sources = options.scenario().sources(http, clients, options.concurrency(), err);
            LoadResult result = runLoad(http, sources, options, server, err);

            int exit = result.ok == 0 || result.errors() > 0 || result.validationFailures > 0 ? 1 : 0;
            if (server != null) {
                Optional<ProcMemory.Sample> afterLoad = server.memory();
                if (result.loadMemory.isEmpty()) {
                    result.loadMemory = afterLoad; // very short windows: fall back to the sample right after
                    result.loadMemoryAtSeconds = -1;
                }
                keepServerLog = exit != 0;
                server.stop(keepServerLog);
            }
            printReport(out, new ReportData(started, options, baseUrl, clients.size(), server, serverJdk,
                    startupSeconds, idle, result));
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
            http.shutdownNow();
            if (server != null) {
                server.stop(keepServerLog);
            }
        }
    }

    // ---------------------------------------------------------------- load

    /** State shared by the workers; everything except the atomics/volatiles is written before {@code go} opens. */
    static final class Control {
        final CountDownLatch ready;
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicLong permits; // --max-requests, counted down lock-free
        long loadStartNanos; // these three are published to the workers by go.countDown()
        long measureStartNanos;
        long measureEndNanos;
        volatile boolean stop;
        volatile boolean capReached;
        final AtomicReference<String> firstError = new AtomicReference<>();
        final AtomicReference<String> firstException = new AtomicReference<>();
        final AtomicReference<String> firstInvalid = new AtomicReference<>();

        Control(int workers, long maxRequests) {
            ready = new CountDownLatch(workers);
            permits = new AtomicLong(maxRequests);
        }
    }

    /** One client thread's closed loop. Its counters are read by the main thread only after join(). */
    static final class Worker implements Runnable {
        private final HttpClient http;
        private final RequestSource source;
        private final Control control;
        private final int validateEvery;
        final LongSamples latencies;
        final long[] statusCounts = new long[600]; // non-200 statuses inside the window
        long ok;
        long non200;
        long exceptions;
        long warmupOk;
        long warmupErrors;
        long validated;
        long validationFailures;
        long lastCompletionNanos;
        boolean sawRequestInWindow;
        /** Ended before the window did, because its source cannot go on after a failure or an invalid answer. */
        boolean stoppedEarly;

        Worker(HttpClient http, RequestSource source, Control control, int validateEvery, int expectedSamples) {
            this.http = http;
            this.source = source;
            this.control = control;
            this.validateEvery = validateEvery;
            this.latencies = new LongSamples(expectedSamples);
        }

        @Override
        public void run() {
            control.ready.countDown();
            try {
                control.go.await();
            } catch (InterruptedException e) {
                return;
            }
            final long measureStart = control.measureStartNanos;
            final long measureEnd = control.measureEndNanos;
            final HttpResponse.BodyHandler<String> handler = HttpResponse.BodyHandlers.ofString();
            final boolean survivesFailure = source.survivesFailure();
            long successes = 0;
            while (!control.stop) {
                if (System.nanoTime() - measureEnd >= 0) {
                    break;
                }
                if (control.permits.getAndDecrement() <= 0) {
                    control.capReached = true;
                    break;
                }
                HttpRequest request = source.next();
                long t0 = System.nanoTime();
                boolean inWindow = t0 - measureStart >= 0;
                HttpResponse<String> response;
                try {
                    response = http.send(request, handler);
                } catch (InterruptedException e) {
                    break;
                } catch (IOException | RuntimeException e) {
                    long t1 = System.nanoTime();
                    if (inWindow) {
                        exceptions++;
                        sawRequestInWindow = true;
                        lastCompletionNanos = t1;
                    } else {
                        warmupErrors++;
                    }
                    if (control.firstException.get() == null) {
                        control.firstException.compareAndSet(null, e + at(t1));
                    }
                    if (!survivesFailure) {
                        stoppedEarly = true;
                        break;
                    }
                    continue;
                }
                long t1 = System.nanoTime();
                int status = response.statusCode();
                if (inWindow) {
                    sawRequestInWindow = true;
                    lastCompletionNanos = t1;
                }
                if (status == 200) {
                    if (inWindow) {
                        ok++;
                        latencies.add(t1 - t0);
                    } else {
                        warmupOk++;
                    }
                    if (successes++ % validateEvery == 0) {
                        validated++;
                        String problem = source.validate(response.body());
                        if (problem != null) {
                            validationFailures++;
                            control.firstInvalid.compareAndSet(null, problem + " in " + BodyExcerpt.of(response.body()) + at(t1));
                        }
                    }
                    String cannotGoOn = source.onSuccess(response.body());
                    if (cannotGoOn != null) {
                        validationFailures++;
                        control.firstInvalid.compareAndSet(null, cannotGoOn + " in " + BodyExcerpt.of(response.body()) + at(t1));
                        stoppedEarly = true;
                        break;
                    }
                } else {
                    if (inWindow) {
                        non200++;
                        statusCounts[Math.max(0, Math.min(statusCounts.length - 1, status))]++;
                    } else {
                        warmupErrors++;
                    }
                    if (control.firstError.get() == null) {
                        control.firstError.compareAndSet(null, "HTTP " + status + " " + BodyExcerpt.of(response.body()) + at(t1));
                    }
                    if (!survivesFailure) {
                        stoppedEarly = true;
                        break;
                    }
                }
            }
        }

        private String at(long nanos) {
            return String.format(Locale.ROOT, " (%.2f s after the load started, %s)",
                    (nanos - control.loadStartNanos) / 1e9, nanos - control.measureStartNanos >= 0 ? "measured" : "warm-up");
        }
    }

    /** Totals of one run (after all workers were joined). */
    static final class LoadResult {
        String threadKind;
        long ok;
        long non200;
        long exceptions;
        long warmupOk;
        long warmupErrors;
        long validated;
        long validationFailures;
        int workers;
        int workersStopped;
        long[] statusCounts = new long[600];
        long[] sortedLatencies = new long[0];
        double windowSeconds;
        boolean capReached;
        boolean serverDied;
        boolean workersTimedOut;
        String firstError;
        String firstException;
        String firstInvalid;
        Optional<ProcMemory.Sample> loadMemory = Optional.empty();
        double loadMemoryAtSeconds;
        double toolCpuCores = -1;
        double serverCpuCores = -1;

        long errors() {
            return non200 + exceptions;
        }

        long total() {
            return ok + non200 + exceptions;
        }
    }

    /** CPU time used so far by this JVM and the server child (when known), at a wall-clock instant. */
    record CpuMark(long wallNanos, Duration tool, Duration server) {
        static CpuMark now(ServerProcess server) {
            Duration tool = ProcessHandle.current().info().totalCpuDuration().orElse(null);
            Duration srv = server == null ? null : server.cpu().orElse(null);
            return new CpuMark(System.nanoTime(), tool, srv);
        }

        /** Average cores busy between two marks, or -1 if unknown. */
        static double cores(Duration from, Duration to, double wallSeconds) {
            if (from == null || to == null || wallSeconds <= 0) {
                return -1;
            }
            return to.minus(from).toNanos() / 1e9 / wallSeconds;
        }
    }

    static LoadResult runLoad(HttpClient http, List<RequestSource> sources, LoadOptions o, ServerProcess server,
                              PrintStream err) throws InterruptedException {
        int n = sources.size();
        Control control = new Control(n, o.maxRequests());
        ThreadFactory factory = o.virtualThreads()
                ? Thread.ofVirtual().name("load-", 0).factory()
                : Thread.ofPlatform().name("load-", 0).daemon(true).factory();
        int expected = (int) Math.min(1 << 16, o.maxRequests() / n + 1);
        List<Worker> workers = new ArrayList<>(n);
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Worker w = new Worker(http, sources.get(i), control, o.validateEvery(), expected);
            workers.add(w);
            Thread t = factory.newThread(w);
            threads.add(t);
            t.start();
        }
        control.ready.await();
        long start = System.nanoTime();
        control.loadStartNanos = start;
        control.measureStartNanos = start + TimeUnit.SECONDS.toNanos(o.warmupSeconds());
        control.measureEndNanos = control.measureStartNanos + TimeUnit.SECONDS.toNanos(o.durationSeconds());
        err.printf("[bench] %d %s threads: warm-up %d s, then measuring %d s (cap %d requests)%n",
                n, o.virtualThreads() ? "virtual" : "platform", o.warmupSeconds(), o.durationSeconds(), o.maxRequests());
        control.go.countDown();

        LoadResult result = new LoadResult();
        result.threadKind = o.virtualThreads() ? "virtual" : "platform";
        long hardDeadline = control.measureEndNanos + FormPost.TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
        boolean announcedWindow = o.warmupSeconds() == 0;
        CpuMark cpuStart = announcedWindow ? CpuMark.now(server) : null;
        CpuMark cpuEnd = null;
        long nextSample = control.measureStartNanos;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            long now = System.nanoTime();
            if (!announcedWindow && now - control.measureStartNanos >= 0) {
                cpuStart = CpuMark.now(server);
                err.println("[bench] warm-up done, measuring");
                announcedWindow = true;
            }
            if (cpuEnd == null && now - control.measureEndNanos >= 0) {
                cpuEnd = CpuMark.now(server);
            }
            if (server != null) {
                if (!server.isAlive()) {
                    result.serverDied = true;
                    control.stop = true;
                } else if (now - nextSample >= 0 && now - control.measureEndNanos < 0) {
                    // "under load": the last sample taken while the window is still open
                    Optional<ProcMemory.Sample> m = server.memory();
                    if (m.isPresent()) {
                        result.loadMemory = m;
                        result.loadMemoryAtSeconds = (now - control.measureStartNanos) / 1e9;
                    }
                    nextSample = now + TimeUnit.MILLISECONDS.toNanos(500);
                }
            }
            if (now - hardDeadline >= 0) {
                result.workersTimedOut = true;
                control.stop = true;
                threads.forEach(Thread::interrupt);
                break;
            }
            Thread.sleep(100);
        }
        if (cpuEnd == null) {
            cpuEnd = CpuMark.now(server); // the load ended before the window did (cap reached, server died)
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10)); // happens-before for the workers' counters
        }
        if (cpuStart != null) {
            double wall = (cpuEnd.wallNanos() - cpuStart.wallNanos()) / 1e9;
            result.toolCpuCores = CpuMark.cores(cpuStart.tool(), cpuEnd.tool(), wall);
            result.serverCpuCores = CpuMark.cores(cpuStart.server(), cpuEnd.server(), wall);
        }

        List<LongSamples> samples = new ArrayList<>(n);
        long windowEnd = 0;
        boolean any = false;
        for (Worker w : workers) {
            result.ok += w.ok;
            result.non200 += w.non200;
            result.exceptions += w.exceptions;
            result.warmupOk += w.warmupOk;
            result.warmupErrors += w.warmupErrors;
            result.validated += w.validated;
            result.validationFailures += w.validationFailures;
            result.workers++;
            if (w.stoppedEarly) {
                result.workersStopped++;
            }
            for (int s = 0; s < w.statusCounts.length; s++) {
                result.statusCounts[s] += w.statusCounts[s];
            }
            samples.add(w.latencies);
            if (w.sawRequestInWindow && (!any || w.lastCompletionNanos - windowEnd > 0)) {
                windowEnd = w.lastCompletionNanos;
                any = true;
            }
        }
        result.sortedLatencies = LongSamples.mergeSorted(samples);
        // The window runs from its start to the last completion of a request started inside it: about
        // --duration when time-bounded, shorter when --max-requests or a dead server ended it early.
        result.windowSeconds = any ? Math.max(1e-9, (windowEnd - control.measureStartNanos) / 1e9) : 0;
        result.capReached = control.capReached;
        result.firstError = control.firstError.get();
        result.firstException = control.firstException.get();
        result.firstInvalid = control.firstInvalid.get();
        return result;
    }

    // ---------------------------------------------------------------- report

    record ReportData(Instant started, LoadOptions options, String baseUrl, int clients, ServerProcess server,
                      String serverJdk, double startupSeconds, Optional<ProcMemory.Sample> idle, LoadResult r) {
    }

    static void printReport(PrintStream out, ReportData d) {
        LoadResult r = d.r();
        LoadOptions o = d.options();
        StringBuilder b = new StringBuilder();
        boolean refresh = o.scenario() == Scenario.REFRESH;
        b.append("## Tally ").append(o.scenario().option()).append(" load\n\n```\n");
        line(b, "date", d.started().truncatedTo(ChronoUnit.SECONDS).toString());
        line(b, "scenario", switch (o.scenario()) {
            case REFRESH -> "refresh: grant_type=refresh_token, rotation rotate, one family per thread (started by the"
                    + " password grant), each answer's refresh_token presented next";
            case INTROSPECT -> "introspect: RFC 7662 introspection of one access token per tenant by its client"
                    + " (client_secret_post), answers checked for active=true";
            case CLIENT_CREDENTIALS -> "client_credentials: grant_type=client_credentials, one prepared request per tenant";
        });
        line(b, "host", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors()
                + " CPUs (shared by load generator and server)");
        line(b, "tool JDK", toolJdk());
        if (d.server() != null) {
            line(b, "server JDK", d.serverJdk() + " (same binary as the tool)");
            line(b, "server command", String.join(" ", d.server().command()));
            line(b, "server startup", fmt2(d.startupSeconds()) + " s (process start -> health UP)");
        } else {
            line(b, "server", "already running (not started by the tool)");
        }
        line(b, "target", d.baseUrl() + "  " + d.clients() + " tenant(s)/client(s)" + (refresh ? "/user(s)" : "")
                + ", audience " + Provisioning.AUDIENCE);
        line(b, "concurrency", o.concurrency() + " " + r.threadKind
                + " threads, closed loop, 1 shared HttpClient (HTTP/1.1 keep-alive, "
                + (o.directExecutor() ? "direct" : "pool") + " executor)");
        line(b, "warm-up", o.warmupSeconds() + " s, not measured (" + r.warmupOk + " ok, " + r.warmupErrors + " errors)");
        line(b, "duration", fmt2(r.windowSeconds) + " s measured (" + o.durationSeconds() + " s requested)"
                + (r.capReached ? "; STOPPED EARLY: --max-requests=" + o.maxRequests() + " reached" : "")
                + (r.serverDied ? "; STOPPED EARLY: server process died" : "")
                + (r.workersTimedOut ? "; workers had to be interrupted" : ""));
        line(b, "total requests", Long.toString(r.total()));
        line(b, "errors", r.errors() + " (non-200: " + r.non200 + statusBreakdown(r.statusCounts)
                + ", exceptions: " + r.exceptions + ")");
        if (refresh || r.workersStopped > 0) {
            line(b, "threads stopped", r.workersStopped + " of " + r.workers
                    + " (a thread stops at its first error or invalid answer: its token may be spent)");
        }
        double rps = r.windowSeconds > 0 ? r.ok / r.windowSeconds : 0;
        line(b, "throughput", String.format(Locale.ROOT, "%.1f", rps) + " req/s (200 responses only)");
        Percentiles.Summary s = r.sortedLatencies.length > 0 ? Percentiles.summarize(r.sortedLatencies) : null;
        line(b, "latency p50", s == null ? "n/a" : ms(s.p50()) + " ms");
        line(b, "latency p90", s == null ? "n/a" : ms(s.p90()) + " ms");
        line(b, "latency p99", s == null ? "n/a" : ms(s.p99()) + " ms");
        line(b, "latency p99.9", s == null ? "n/a" : ms(s.p999()) + " ms");
        line(b, "latency max", s == null ? "n/a" : ms(s.max()) + " ms");
        line(b, "latency mean", s == null ? "n/a" : String.format(Locale.ROOT, "%.2f", s.mean() / 1e6) + " ms");
        line(b, "CPU in window", "tool " + cores(r.toolCpuCores) + ", server " + cores(r.serverCpuCores)
                + " (average cores busy; " + Runtime.getRuntime().availableProcessors() + " available)");
        line(b, "validated", r.validated + " sampled responses (every " + o.validateEvery()
                + "th success per thread), " + r.validationFailures + " invalid");
        if (d.server() != null) {
            line(b, "server RSS idle", d.idle().map(ProcMemory.Sample::describe).orElse("n/a")
                    + " (right after health UP)");
            line(b, "server RSS load", r.loadMemory.map(ProcMemory.Sample::describe).orElse("n/a")
                    + (r.loadMemoryAtSeconds < 0 ? " (sampled right after the load)" : String.format(Locale.ROOT,
                    " (last sample in the window, at %.1f s of it)", r.loadMemoryAtSeconds)));
            line(b, "server stop", d.server().stopSummary());
        } else {
            line(b, "server RSS", "n/a (server not started by the tool)");
        }
        if (r.firstError != null) {
            line(b, "first error", r.firstError);
        }
        if (r.firstException != null) {
            line(b, "first exception", r.firstException);
        }
        if (r.firstInvalid != null) {
            line(b, "first invalid", r.firstInvalid);
        }
        b.append("```\n\n");
        b.append("| date | scenario | JDK | threads | duration s | requests | errors | req/s | p50 ms | p90 ms | p99 ms"
                + " | p99.9 ms | max ms | RSS idle MiB | RSS load MiB | startup s |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        b.append("| ").append(d.started().truncatedTo(ChronoUnit.SECONDS))
                .append(" | ").append(o.scenario().option())
                .append(" | ").append(Runtime.version().feature())
                .append(" | ").append(o.concurrency()).append(' ').append(r.threadKind)
                .append(" | ").append(fmt2(r.windowSeconds))
                .append(" | ").append(r.total())
                .append(" | ").append(r.errors())
                .append(" | ").append(String.format(Locale.ROOT, "%.1f", rps))
                .append(" | ").append(s == null ? "n/a" : ms(s.p50()))
                .append(" | ").append(s == null ? "n/a" : ms(s.p90()))
                .append(" | ").append(s == null ? "n/a" : ms(s.p99()))
                .append(" | ").append(s == null ? "n/a" : ms(s.p999()))
                .append(" | ").append(s == null ? "n/a" : ms(s.max()))
                .append(" | ").append(d.idle().map(m -> ProcMemory.Sample.mib(m.vmRssKb())).orElse("n/a"))
                .append(" | ").append(r.loadMemory.map(m -> ProcMemory.Sample.mib(m.vmRssKb())).orElse("n/a"))
                .append(" | ").append(d.startupSeconds() >= 0 ? fmt2(d.startupSeconds()) : "n/a")
                .append(" |\n");
        out.print(b);
        out.flush();
    }

    private static String cores(double v) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String statusBreakdown(long[] counts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                b.append(b.isEmpty() ? " [" : ", ").append(i).append(" x").append(counts[i]);
            }
        }
        return b.isEmpty() ? "" : b.append(']').toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-17s %s%n", key + ":", value));
    }

    static String toolJdk() {
        return System.getProperty("java.vendor") + " " + Runtime.version() + " (" + System.getProperty("java.home") + ")";
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
