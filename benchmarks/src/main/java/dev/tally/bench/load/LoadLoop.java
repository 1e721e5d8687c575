package dev.tally.bench.load;

import dev.tally.bench.latency.LongSamples;
import dev.tally.bench.options.LoadOptions;
import dev.tally.bench.scenario.FormPost;
import dev.tally.bench.scenario.RequestSource;
import dev.tally.bench.server.ProcMemory;
import dev.tally.bench.server.MeasuredProcess;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The load itself: one thread per request source, each in a closed loop (send, wait for the response, send again)
 * over one shared {@link HttpClient}. A warm-up phase is followed by the measurement window; only requests
 * <em>started</em> inside the window are measured. Each thread records the latency of its successful (200)
 * responses into its own {@link LongSamples}; the arrays are merged after the threads are joined, so the hot path
 * takes no lock. Non-200 responses and exceptions are counted separately and are not throughput; a source that
 * cannot go on after one (refresh rotation: its token may have been spent) ends its thread. Every
 * {@code --validate-every}th successful response of a thread is checked by its source.
 *
 * <p>Design choices, measured on the 2-core machine against the fake server of the tests (noisy, other work was
 * running): platform threads beat virtual threads in every paired run (16 blocking loops gain nothing from virtual
 * threads, and the extra hand-offs cost CPU the server needs). Exact nearest-rank percentiles over all samples (no
 * histogram bucketing): at most {@code --max-requests} longs, 16 MB for the default cap. While the threads run, this
 * thread samples the server's memory twice a second and notes the CPU used by the tool and by the server during the
 * window, since they share the machine's cores.
 */
public final class LoadLoop {
    private LoadLoop() {
    }

    /**
     * Runs the load as {@code o} says (warm-up, window, cap, thread kind, validation) and returns its totals.
     *
     * @param server the server process to watch (its CPU, memory, death), or null when there is none to watch
     */
    public static LoadResult run(HttpClient http, List<RequestSource> sources, LoadOptions o, MeasuredProcess server,
                                 PrintStream err) throws InterruptedException {
        return run(http, sources, o, server, err, () -> false);
    }

    /**
     * As above, but the load also ends, like at the cap, once {@code enough} says so (asked every 100 ms): a load
     * that runs in the background of other work for as long as that work takes.
     */
    public static LoadResult run(HttpClient http, List<RequestSource> sources, LoadOptions o, MeasuredProcess server,
                                 PrintStream err, BooleanSupplier enough) throws InterruptedException {
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
        String threadKind = o.virtualThreads() ? "virtual" : "platform";
        err.printf("[bench] %d %s threads: warm-up %d s, then measuring %d s (cap %d requests)%n",
                n, threadKind, o.warmupSeconds(), o.durationSeconds(), o.maxRequests());
        control.go.countDown();

        boolean serverDied = false;
        boolean workersTimedOut = false;
        Optional<ProcMemory.Sample> loadMemory = Optional.empty();
        double loadMemoryAtSeconds = 0;
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
                    serverDied = true;
                    control.stop = true;
                } else if (now - nextSample >= 0 && now - control.measureEndNanos < 0) {
                    // "under load": the last sample taken while the window is still open
                    Optional<ProcMemory.Sample> m = server.memory();
                    if (m.isPresent()) {
                        loadMemory = m;
                        loadMemoryAtSeconds = (now - control.measureStartNanos) / 1e9;
                    }
                    nextSample = now + TimeUnit.MILLISECONDS.toNanos(500);
                }
            }
            if (!control.stop && enough.getAsBoolean()) {
                control.stop = true;
            }
            if (now - hardDeadline >= 0) {
                workersTimedOut = true;
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
        double toolCpuCores = -1;
        double serverCpuCores = -1;
        if (cpuStart != null) {
            double wall = (cpuEnd.wallNanos() - cpuStart.wallNanos()) / 1e9;
            toolCpuCores = CpuMark.cores(cpuStart.tool(), cpuEnd.tool(), wall);
            serverCpuCores = CpuMark.cores(cpuStart.server(), cpuEnd.server(), wall);
        }

        Counts counts = Counts.none();
        List<LongSamples> samples = new ArrayList<>(n);
        long windowEnd = 0;
        boolean any = false;
        for (Worker w : workers) {
            counts = counts.plus(w.counts());
            samples.add(w.latencies);
            if (w.sawRequestInWindow && (!any || w.lastCompletionNanos - windowEnd > 0)) {
                windowEnd = w.lastCompletionNanos;
                any = true;
            }
        }
        // The window runs from its start to the last completion of a request started inside it: about
        // --duration when time-bounded, shorter when --max-requests or a dead server ended it early.
        double windowSeconds = any ? Math.max(1e-9, (windowEnd - control.measureStartNanos) / 1e9) : 0;
        return new LoadResult(threadKind, counts, LongSamples.mergeSorted(samples), windowSeconds, control.capReached,
                serverDied, workersTimedOut, control.firstError.get(), control.firstException.get(),
                control.firstInvalid.get(), loadMemory, loadMemoryAtSeconds, toolCpuCores, serverCpuCores);
    }
}
