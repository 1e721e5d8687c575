package dev.tally.bench;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.load.LoadLoop;
import dev.tally.bench.load.LoadResult;
import dev.tally.bench.options.LoadOptions;
import dev.tally.bench.provision.ManagementApi;
import dev.tally.bench.provision.Propagation;
import dev.tally.bench.provision.Provisioning;
import dev.tally.bench.provision.TenantClient;
import dev.tally.bench.report.LoadReport;
import dev.tally.bench.scenario.RequestSource;
import dev.tally.bench.server.Peer;
import dev.tally.bench.server.ProcMemory;
import dev.tally.bench.server.RunningProcess;
import dev.tally.bench.server.ServerProcess;
import dev.tally.bench.server.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Load benchmark for Tally's token endpoint: the client_credentials grant, refresh token rotation or introspection
 * ({@code --scenario}).
 *
 * <p>One run, stage by stage: the {@link LoadOptions options}; the server, started as a child process
 * ({@code --jar}) or already running ({@code --base-url}), once healthy ({@link Target}); tenants, an API and a
 * client per tenant created through the management API ({@link Provisioning}), and in distributed mode awaited at
 * every token node ({@link Propagation}); one smoke request per tenant and one {@link RequestSource} per worker (the
 * {@code scenario} package); the closed-loop load with its warm-up and window ({@link LoadLoop}); the server stopped;
 * the report ({@link LoadReport}). Against a peer ({@code --peer-token-url}, the refresh scenario only) nothing is
 * started or provisioned: its process is looked up to be watched, the families start at its token endpoint, and the
 * load and the report are the same.
 *
 * <p>Run with {@code --help} for the options. The report goes to stdout, progress and problems to stderr.
 */
public final class ClientCredentialsLoad {
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
        HttpClient http = httpClient(options);
        ServerProcess server = null;
        boolean keepServerLog = true;
        try {
            Instant started = Instant.now();
            if (options.peer() != null) {
                return atPeer(options, http, started, out, err);
            }
            server = startServer(options, err);
            Target target = target(http, options, server, err);
            List<TenantClient> clients = provisioned(http, options, target, err);
            List<RequestSource> sources = options.scenario().sources(http, clients, options.concurrency(), err);
            LoadResult result = LoadLoop.run(http, sources, options, server, err);

            int exit = result.failed() ? 1 : 0;
            LoadReport.StartedServer startedServer = null;
            if (server != null) {
                result = result.orMemoryAfterLoad(server.memory());
                keepServerLog = exit != 0;
                server.stop(keepServerLog);
                startedServer = new LoadReport.StartedServer(server.command(), target.jdk(), target.startupSeconds(),
                        target.idle(), server.stopSummary());
            }
            new LoadReport(started, options, target.baseUrl(), clients.size(), startedServer, result).print(out);
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

    /** The refresh scenario at a peer: its process found if it can be, its families started, the same load. */
    private static int atPeer(LoadOptions options, HttpClient http, Instant started, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        Peer peer = options.peer();
        Optional<RunningProcess> process = RunningProcess.of(peer);
        err.println("[bench] peer " + peer.tokenUri() + process.map(p -> ", pid " + p.pid())
                .orElse(": no process found listening on port " + peer.port() + ", CPU and memory not measured"));
        Optional<ProcMemory.Sample> beforeLoad = process.flatMap(RunningProcess::memory);
        options.scenario().smokeTest(http, peer); // fail fast with the peer's own words before any load
        List<RequestSource> sources = options.scenario().sources(http, peer, options.concurrency(), err);
        LoadResult result = LoadLoop.run(http, sources, options, process.orElse(null), err);
        if (process.isPresent()) {
            result = result.orMemoryAfterLoad(process.get().memory());
        }
        LoadReport.PeerServer peerServer = process
                .map(p -> new LoadReport.PeerServer(p.pid(), p.command().orElse("(command unknown)"), beforeLoad))
                .orElse(LoadReport.PeerServer.NOT_FOUND);
        new LoadReport(started, options, peerServer, result).print(out);
        return result.failed() ? 1 : 0;
    }

    /** The Tally server of {@code --jar}, started; null with {@code --base-url} (or a peer). */
    static ServerProcess startServer(LoadOptions options, PrintStream err) throws IOException {
        if (options.jar() == null) {
            return null;
        }
        err.println("[bench] starting " + options.jar());
        return ServerProcess.start(options.jar(), options.serverJvmArgs(), options.serverArgs(), err);
    }

    /** The server just started, or those of {@code --base-url}, once healthy. */
    static Target target(HttpClient http, LoadOptions options, ServerProcess server, PrintStream err)
            throws InterruptedException {
        return server != null ? Target.started(http, server, err)
                : Target.running(http, List.of(options.baseUrl().split(",")), options.adminUrl(), options.adminToken());
    }

    /**
     * The tenants and clients the scenario needs, created through the management API, spread over the token nodes,
     * known at each of them, and each tried once.
     */
    static List<TenantClient> provisioned(HttpClient http, LoadOptions options, Target target, PrintStream err)
            throws IOException, InterruptedException {
        ManagementApi management = new ManagementApi(http, target.adminUrl(), target.adminToken(), MANAGEMENT_TIMEOUT);
        List<TenantClient> clients = spread(new Provisioning(management, err)
                .provision(options.tenants(), options.scenario().clients()), target.tokenNodes());
        for (TenantClient c : clients) {
            if (target.separateNodes()) {
                Propagation.awaitKnown(http, c, target.adminToken(), Propagation.TIMEOUT, err);
            }
            options.scenario().smokeTest(http, c); // fail fast with the server's own words before any load
        }
        return clients;
    }

    /** One HttpClient shared by every worker: HTTP/1.1 with keep-alive, no redirects. */
    static HttpClient httpClient(LoadOptions options) {
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (options.directExecutor()) {
            // Completes responses on the client's selector thread instead of handing each one to a pool thread:
            // measured on the 2-core machine, about half the client CPU per request, which the server would otherwise
            // lose, and the occasional "HTTP/1.1 header parser received no bytes" of the JDK's default pool executor
            // did not occur with it. Safe here: the only body handler is ofString, which never blocks.
            hb.executor(Runnable::run);
        }
        return hb.build();
    }

    /** Client i goes to token node i mod nodes, so every node gets work; with one node, the list is as provisioned. */
    static List<TenantClient> spread(List<TenantClient> provisioned, List<String> tokenNodes) {
        List<TenantClient> clients = new ArrayList<>();
        for (int n = 0; n < Math.max(provisioned.size(), tokenNodes.size()); n++) {
            clients.add(provisioned.get(n % provisioned.size()).at(tokenNodes.get(n % tokenNodes.size())));
        }
        return clients;
    }
}
