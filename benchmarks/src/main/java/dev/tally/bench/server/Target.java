package dev.tally.bench.server;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The servers one run talks to, once they are healthy: the Tally the tool started itself ({@code --jar}), which
 * serves tokens and the management API at one address; or servers already running ({@code --base-url}): one or more
 * token nodes, and the management API maybe elsewhere (distributed mode).
 *
 * @param process        the child the tool started, or null
 * @param startupSeconds from process start to health UP; -1 when the tool did not start the server
 * @param idle           the child's memory right after health UP
 * @param jdk            the child's {@code java -version}, or null
 */
public record Target(List<String> tokenNodes, String adminUrl, String adminToken, ServerProcess process,
                     double startupSeconds, Optional<ProcMemory.Sample> idle, String jdk) {
    /** A started server may take this long to become healthy; its start-up is measured. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** A running server must answer healthy within this. */
    static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(10);

    /** The server the tool has just started, once healthy. */
    public static Target started(HttpClient http, ServerProcess server, PrintStream err) throws InterruptedException {
        Health.await(http, server.baseUrl(), server.startNanos(), START_TIMEOUT, server);
        double startupSeconds = (System.nanoTime() - server.startNanos()) / 1e9;
        Optional<ProcMemory.Sample> idle = server.memory();
        err.printf(Locale.ROOT, "[bench] server pid %d healthy after %.2f s on %s%n",
                server.pid(), startupSeconds, server.baseUrl());
        return new Target(List.of(server.baseUrl()), server.baseUrl(), server.adminToken(), server, startupSeconds,
                idle, server.javaVersion());
    }

    /** Servers already running, once every token node and the management API answer healthy. */
    public static Target running(HttpClient http, List<String> tokenNodes, String adminUrl, String adminToken)
            throws InterruptedException {
        for (String node : tokenNodes) {
            Health.await(http, node, System.nanoTime(), RUNNING_TIMEOUT, null);
        }
        Health.await(http, adminUrl, System.nanoTime(), RUNNING_TIMEOUT, null);
        return new Target(List.copyOf(tokenNodes), adminUrl, adminToken, null, -1, Optional.empty(), null);
    }

    /** The token service's address, or the nodes' addresses separated by commas. */
    public String baseUrl() {
        return String.join(",", tokenNodes);
    }

    /**
     * Whether the token nodes are servers other than the one the tool provisions through: they learn what it
     * created from the event stream, a little later. A single server knows at once.
     */
    public boolean separateNodes() {
        return process == null && !tokenNodes.equals(List.of(adminUrl));
    }
}
