package dev.tally.bench.report;

import dev.tally.bench.latency.Percentiles;
import dev.tally.bench.load.Counts;
import dev.tally.bench.load.LoadResult;
import dev.tally.bench.options.LoadOptions;
import dev.tally.bench.provision.Provisioning;
import dev.tally.bench.scenario.Scenario;
import dev.tally.bench.server.Peer;
import dev.tally.bench.server.ProcMemory;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the load tool prints on stdout after a run: a fenced block of {@code key: value} lines that says what ran,
 * where and how, and what came out; then a one-row Markdown table to paste into BENCHMARKS.md. BENCHMARKS.md quotes
 * both, so the wording and the columns change only together with it. Latencies in milliseconds with two decimals,
 * memory in MiB with one. A run against a peer says so in its title and its scenario column, and where Tally's start
 * and idle memory would be, its process and its memory before the tool's families (or "not measured").
 */
public final class LoadReport {
    /** The server the tool started itself and stopped before the report. */
    public record StartedServer(List<String> command, String jdk, double startupSeconds,
                                Optional<ProcMemory.Sample> idle, String stopSummary) {
    }

    /** The peer the refresh scenario ran against: its process, if it was found, and its memory before the load. */
    public record PeerServer(Long pid, String command, Optional<ProcMemory.Sample> beforeLoad) {
        /** A peer whose process was not found: its CPU and memory are not measured. */
        public static final PeerServer NOT_FOUND = new PeerServer(null, null, Optional.empty());
    }

    /** The machine and JDK the tool ran on. */
    public record Machine(String host, String toolJdk, int cpus, int jdkFeature) {
        public static Machine current() {
            return new Machine(System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch"),
                    System.getProperty("java.vendor") + " " + Runtime.version() + " (" + System.getProperty("java.home")
                            + ")",
                    Runtime.getRuntime().availableProcessors(), Runtime.version().feature());
        }
    }

    private final Instant started;
    private final LoadOptions options;
    private final String target;
    private final int clients;
    private final StartedServer server;
    private final PeerServer peer;
    private final LoadResult result;

    /**
     * @param target  the token service's base URL(s), as given or as started
     * @param clients how many tenants' clients the workers used
     * @param server  the server the tool started, or null when it was already running
     */
    public LoadReport(Instant started, LoadOptions options, String target, int clients, StartedServer server,
                      LoadResult result) {
        this(started, options, target, clients, server, null, result);
    }

    /** A run against the peer of {@code options}: one client and one user, as given. */
    public LoadReport(Instant started, LoadOptions options, PeerServer peer, LoadResult result) {
        this(started, options, options.peer().tokenUri().toString(), 1, null, peer, result);
    }

    private LoadReport(Instant started, LoadOptions options, String target, int clients, StartedServer server,
                       PeerServer peer, LoadResult result) {
        this.started = started;
        this.options = options;
        this.target = target;
        this.clients = clients;
        this.server = server;
        this.peer = peer;
        this.result = result;
    }

    public void print(PrintStream out) {
        out.print(format(Machine.current()));
        out.flush();
    }

    String format(Machine machine) {
        LoadResult r = result;
        Counts c = r.counts();
        LoadOptions o = options;
        StringBuilder b = new StringBuilder();
        boolean refresh = o.scenario() == Scenario.REFRESH;
        boolean atPeer = peer != null;
        b.append(atPeer ? "## Peer " : "## Tally ").append(o.scenario().option()).append(" load\n\n```\n");
        line(b, "date", started.truncatedTo(ChronoUnit.SECONDS).toString());
        line(b, "scenario", switch (o.scenario()) {
            case REFRESH -> atPeer
                    ? "refresh at a peer: grant_type=refresh_token (client_secret_post), one family per thread (started"
                    + " by the password grant), each answer's refresh_token presented next"
                    : "refresh: grant_type=refresh_token, rotation rotate, one family per thread (started by the"
                    + " password grant), each answer's refresh_token presented next";
            case INTROSPECT -> atPeer
                    ? "introspect at a peer: RFC 7662 introspection of one access token of its client by that client"
                    + " (client_secret_post), answers checked for active=true"
                    : "introspect: RFC 7662 introspection of one access token per tenant by its client"
                    + " (client_secret_post), answers checked for active=true";
            case CLIENT_CREDENTIALS -> atPeer
                    ? "client_credentials at a peer: grant_type=client_credentials (client_secret_post), one prepared"
                    + " request"
                    : "client_credentials: grant_type=client_credentials, one prepared request per tenant";
            case PASSWORD -> atPeer
                    ? "password at a peer: grant_type=password of its user (client_secret_post), no scope"
                    : "password: grant_type=password of the tenant's user (client_secret_post), the bench API's audience,"
                    + " no offline_access";
        });
        line(b, "host", machine.host() + ", " + machine.cpus() + " CPUs (shared by load generator and server)");
        line(b, "tool JDK", machine.toolJdk());
        if (server != null) {
            line(b, "server JDK", server.jdk() + " (same binary as the tool)");
            line(b, "server command", String.join(" ", server.command()));
            line(b, "server startup", fmt2(server.startupSeconds()) + " s (process start -> health UP)");
        } else if (atPeer) {
            line(b, "server", "peer, neither started nor provisioned by the tool; " + (peer.pid() == null
                    ? "its process was not found" : "pid " + peer.pid() + ", " + peer.command()));
        } else {
            line(b, "server", "already running (not started by the tool)");
        }
        if (atPeer) {
            Peer p = o.peer();
            line(b, "target", target + "  client " + p.clientId() + (p.username() == null ? ""
                    : ", user " + p.username() + ", " + (p.scope() == null ? "no scope" : "scope " + p.scope())));
        } else {
            line(b, "target", target + "  " + clients + " tenant(s)/client(s)"
                    + (refresh || o.scenario() == Scenario.PASSWORD ? "/user(s)" : "")
                    + ", audience " + Provisioning.AUDIENCE);
        }
        line(b, "concurrency", o.concurrency() + " " + r.threadKind()
                + " threads, closed loop, 1 shared HttpClient (HTTP/1.1 keep-alive, "
                + (o.directExecutor() ? "direct" : "pool") + " executor)");
        line(b, "warm-up", o.warmupSeconds() + " s, not measured (" + c.warmupOk() + " ok, " + c.warmupErrors()
                + " errors)");
        line(b, "duration", fmt2(r.windowSeconds()) + " s measured (" + o.durationSeconds() + " s requested)"
                + (r.capReached() ? "; STOPPED EARLY: --max-requests=" + o.maxRequests() + " reached" : "")
                + (r.serverDied() ? "; STOPPED EARLY: server process died" : "")
                + (r.workersTimedOut() ? "; workers had to be interrupted" : ""));
        line(b, "total requests", Long.toString(c.total()));
        line(b, "errors", c.errors() + " (non-200: " + c.non200() + statusBreakdown(c.statusCounts())
                + ", exceptions: " + c.exceptions() + ")");
        if (refresh || c.workersStopped() > 0) {
            line(b, "threads stopped", c.workersStopped() + " of " + c.workers()
                    + " (a thread stops at its first error or invalid answer: its token may be spent)");
        }
        double rps = r.windowSeconds() > 0 ? c.ok() / r.windowSeconds() : 0;
        line(b, "throughput", String.format(Locale.ROOT, "%.1f", rps) + " req/s (200 responses only)");
        Percentiles.Summary s = r.sortedLatencies().length > 0 ? Percentiles.summarize(r.sortedLatencies()) : null;
        line(b, "latency p50", s == null ? "n/a" : ms(s.p50()) + " ms");
        line(b, "latency p90", s == null ? "n/a" : ms(s.p90()) + " ms");
        line(b, "latency p99", s == null ? "n/a" : ms(s.p99()) + " ms");
        line(b, "latency p99.9", s == null ? "n/a" : ms(s.p999()) + " ms");
        line(b, "latency max", s == null ? "n/a" : ms(s.max()) + " ms");
        line(b, "latency mean", s == null ? "n/a" : String.format(Locale.ROOT, "%.2f", s.mean() / 1e6) + " ms");
        line(b, "CPU in window", "tool " + cores(r.toolCpuCores()) + ", server " + cores(r.serverCpuCores())
                + " (average cores busy; " + machine.cpus() + " available)");
        line(b, "validated", c.validated() + " sampled responses (every " + o.validateEvery()
                + "th success per thread), " + c.validationFailures() + " invalid"
                + (atPeer ? "; expires_in not checked (the peer's own)" : ""));
        Optional<ProcMemory.Sample> idle = server != null ? server.idle()
                : atPeer ? peer.beforeLoad() : Optional.empty();
        if (atPeer && peer.pid() == null) {
            line(b, "server RSS", "not measured (the peer's process was not found; --peer-pid=PID names it)");
        } else if (atPeer) {
            line(b, "server RSS idle", idle.map(ProcMemory.Sample::describe).orElse("n/a")
                    + " (before the tool started its families)");
            line(b, "server RSS load", loadMemory(r));
        } else if (server != null) {
            line(b, "server RSS idle", idle.map(ProcMemory.Sample::describe).orElse("n/a") + " (right after health UP)");
            line(b, "server RSS load", loadMemory(r));
            line(b, "server stop", server.stopSummary());
        } else {
            line(b, "server RSS", "n/a (server not started by the tool)");
        }
        if (r.firstError() != null) {
            line(b, "first error", r.firstError());
        }
        if (r.firstException() != null) {
            line(b, "first exception", r.firstException());
        }
        if (r.firstInvalid() != null) {
            line(b, "first invalid", r.firstInvalid());
        }
        b.append("```\n\n");
        b.append("| date | scenario | JDK | threads | duration s | requests | errors | req/s | p50 ms | p90 ms | p99 ms"
                + " | p99.9 ms | max ms | RSS idle MiB | RSS load MiB | startup s |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        b.append("| ").append(started.truncatedTo(ChronoUnit.SECONDS))
                .append(" | ").append(o.scenario().option()).append(atPeer ? " (peer)" : "")
                .append(" | ").append(machine.jdkFeature())
                .append(" | ").append(o.concurrency()).append(' ').append(r.threadKind())
                .append(" | ").append(fmt2(r.windowSeconds()))
                .append(" | ").append(c.total())
                .append(" | ").append(c.errors())
                .append(" | ").append(String.format(Locale.ROOT, "%.1f", rps))
                .append(" | ").append(s == null ? "n/a" : ms(s.p50()))
                .append(" | ").append(s == null ? "n/a" : ms(s.p90()))
                .append(" | ").append(s == null ? "n/a" : ms(s.p99()))
                .append(" | ").append(s == null ? "n/a" : ms(s.p999()))
                .append(" | ").append(s == null ? "n/a" : ms(s.max()))
                .append(" | ").append(idle.map(m -> ProcMemory.Sample.mib(m.vmRssKb())).orElse("n/a"))
                .append(" | ").append(r.loadMemory().map(m -> ProcMemory.Sample.mib(m.vmRssKb())).orElse("n/a"))
                .append(" | ").append(server != null ? fmt2(server.startupSeconds()) : "n/a")
                .append(" |\n");
        return b.toString();
    }

    private static String loadMemory(LoadResult r) {
        return r.loadMemory().map(ProcMemory.Sample::describe).orElse("n/a")
                + (r.loadMemoryAtSeconds() < 0 ? " (sampled right after the load)" : String.format(Locale.ROOT,
                " (last sample in the window, at %.1f s of it)", r.loadMemoryAtSeconds()));
    }

    private static String cores(double v) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** The measured non-200 statuses, e.g. " [429 x1, 500 x2]"; empty when there were none. */
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

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
