package dev.tally.bench.provision;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * In distributed mode the tool provisions at the command service, and each token node learns what it created from
 * the event stream, a little later. This waits until a node knows a client, before anything is sent to it.
 */
public final class Propagation {
    /** How long separate token nodes may take to learn what the tool provisioned at the command service. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private Propagation() {
    }

    /**
     * Asks the node's lifetime explanation for this client, API and, for refresh, user (404 or 400 until the node
     * has them) every 20 ms, not the token endpoint: failed password grants would count against the user's login
     * throttle.
     */
    public static void awaitKnown(HttpClient http, TenantClient c, String adminToken, Duration timeout, PrintStream err)
            throws IOException, InterruptedException {
        ManagementApi node = new ManagementApi(http, c.baseUrl(), adminToken, REQUEST_TIMEOUT);
        String explain = "/admin/tenants/" + enc(c.tenant()) + "/lifetimes/explain?client_id=" + enc(c.clientId())
                + "&audience=" + enc(Provisioning.AUDIENCE) + (c.userId() == null ? "" : "&user_id=" + enc(c.userId()));
        long start = System.nanoTime();
        HttpResponse<String> r = node.get(explain);
        while (r.statusCode() != 200) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new BenchException("token node " + node.baseUrl() + " did not learn tenant " + c.tenant()
                        + " within " + timeout.toSeconds() + " s (last answer HTTP " + r.statusCode() + " "
                        + BodyExcerpt.of(r.body()) + ")");
            }
            Thread.sleep(20);
            r = node.get(explain);
        }
        err.printf(Locale.ROOT, "[bench] tenant %s known at %s after %.2f s%n", c.tenant(), node.baseUrl(),
                (System.nanoTime() - start) / 1e9);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
