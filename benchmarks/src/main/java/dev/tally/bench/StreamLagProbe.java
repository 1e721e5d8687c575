package dev.tally.bench;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.http.Json;
import dev.tally.bench.latency.LongSamples;
import dev.tally.bench.latency.Percentiles;
import dev.tally.bench.provision.ManagementApi;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * End-to-end lag of distributed mode, seen from outside: from the moment the command service answers a
 * configuration change (the event is committed to the store) to the moment each token-service node decides with it.
 *
 * <p>The probe creates a tenant, an API and a machine client through the command service, then changes the API's
 * {@code token_lifetime} {@code --probes} times, one change at a time, to a value not used before. After each answer
 * it asks every token node, in parallel, the lifetime explanation ({@code GET /admin/tenants/{t}/lifetimes/explain},
 * which decides with the same views as the token endpoint and records nothing) until that node reports the new
 * lifetime. The lag of that node for that change is the time from the command service's answer to the first
 * explanation carrying the new value; its resolution is one explanation round trip (printed too). Each change's event
 * travels the whole path: the store, the relay, Kafka, the node's consumer and its views.
 *
 * <p>Usage: {@code StreamLagProbe --admin-url=URL --token-urls=URL[,URL...] [--admin-token=T] [--probes=200]
 * [--pause-ms=100] [--tenant=lag]}; the admin token may come from {@code TALLY_ADMIN_TOKEN}. Exit code 0 if every
 * node saw every change within {@code --timeout-s} (30), 1 otherwise.
 */
public final class StreamLagProbe {
    static final String AUDIENCE = "https://api.lag.test";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final ManagementApi admin;
    private final List<String> nodes;
    /** The same nodes, asked for their lifetime explanation. */
    private final List<ManagementApi> nodeApis;
    private final String tenant;
    private final PrintStream err;

    StreamLagProbe(HttpClient http, String adminUrl, String adminToken, List<String> nodes, String tenant, PrintStream err) {
        this.admin = new ManagementApi(http, adminUrl, adminToken, REQUEST_TIMEOUT);
        this.nodes = nodes;
        this.nodeApis = nodes.stream().map(node -> new ManagementApi(http, node, adminToken, REQUEST_TIMEOUT)).toList();
        this.tenant = tenant;
        this.err = err;
    }

    public static void main(String[] args) throws Exception {
        String adminUrl = null;
        String tokenUrls = null;
        String adminToken = System.getenv("TALLY_ADMIN_TOKEN");
        int probes = 200;
        long pauseMs = 100;
        long timeoutSeconds = 30;
        String tenant = "lag";
        for (String a : args) {
            String[] kv = a.split("=", 2);
            String v = kv.length == 2 ? kv[1] : "";
            switch (kv[0]) {
                case "--admin-url" -> adminUrl = v;
                case "--token-urls" -> tokenUrls = v;
                case "--admin-token" -> adminToken = v;
                case "--probes" -> probes = Integer.parseInt(v);
                case "--pause-ms" -> pauseMs = Long.parseLong(v);
                case "--timeout-s" -> timeoutSeconds = Long.parseLong(v);
                case "--tenant" -> tenant = v;
                default -> {
                    System.err.println("unknown option " + a);
                    System.exit(2);
                }
            }
        }
        if (adminUrl == null || tokenUrls == null || adminToken == null || adminToken.isEmpty() || probes < 1) {
            System.err.println("usage: StreamLagProbe --admin-url=URL --token-urls=URL[,URL...] [--admin-token=T]"
                    + " [--probes=200] [--pause-ms=100] [--timeout-s=30] [--tenant=lag]");
            System.exit(2);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        StreamLagProbe probe = new StreamLagProbe(http, adminUrl, adminToken, List.of(tokenUrls.split(",")), tenant,
                System.err);
        int exit;
        try {
            exit = probe.run(probes, pauseMs, Duration.ofSeconds(timeoutSeconds), System.out);
        } catch (BenchException e) {
            System.err.println("error: " + e.getMessage());
            exit = 1;
        } finally {
            http.shutdownNow();
        }
        System.exit(exit);
    }

    int run(int probes, long pauseMs, Duration timeout, PrintStream out) throws IOException, InterruptedException {
        Instant started = Instant.now();
        String apiId = provision();
        String explainPath = "/admin/tenants/" + tenant + "/lifetimes/explain?grant_type=client_credentials&audience="
                + URLEncoder.encode(AUDIENCE, StandardCharsets.UTF_8) + "&client_id=";
        String clientId = createClient();
        String explain = explainPath + URLEncoder.encode(clientId, StandardCharsets.UTF_8);
        // every node must know the tenant, the API and the client before the first change is timed
        long lifetime = 600;
        for (int n = 0; n < nodes.size(); n++) {
            long waited = awaitLifetime(nodeApis.get(n), explain, lifetime, Duration.ofSeconds(60), System.nanoTime())
                    .lagNanos;
            if (waited < 0) {
                throw new BenchException("token node " + nodes.get(n)
                        + " did not learn the probe's tenant within 60 s");
            }
        }
        List<LongSamples> lags = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            lags.add(new LongSamples(probes));
        }
        LongSamples writes = new LongSamples(probes);
        LongSamples roundTrips = new LongSamples(probes * 8);
        int missed = 0;
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            for (int i = 0; i < probes; i++) {
                long next = 601 + i;
                long sent = System.nanoTime();
                HttpResponse<String> r = admin.patch("/admin/tenants/" + tenant + "/apis/" + apiId,
                        Json.newObject().put("token_lifetime", next));
                long committed = System.nanoTime();
                if (r.statusCode() != 200) {
                    throw new BenchException("change " + i + ": PATCH answered HTTP " + r.statusCode() + " "
                            + BodyExcerpt.of(r.body()));
                }
                writes.add(committed - sent);
                List<Future<Seen>> seen = new ArrayList<>();
                for (ManagementApi node : nodeApis) {
                    seen.add(pool.submit(() -> awaitLifetime(node, explain, next, timeout, committed)));
                }
                for (int n = 0; n < nodes.size(); n++) {
                    Seen s;
                    try {
                        s = seen.get(n).get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new BenchException("node " + nodes.get(n) + ": " + e.getCause());
                    }
                    if (s.lagNanos < 0) {
                        missed++;
                        err.println("[lag] node " + nodes.get(n) + " did not see change " + i + " within " + timeout);
                    } else {
                        lags.get(n).add(s.lagNanos);
                    }
                    roundTrips.add(s.lastRoundTripNanos);
                }
                if (pauseMs > 0) {
                    Thread.sleep(pauseMs);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        out.printf(Locale.ROOT, "# Stream lag probe %s%n", started);
        out.printf(Locale.ROOT, "%d configuration changes (PATCH of an API's token_lifetime at the command service %s),"
                + " %d ms apart; each awaited on %d token node(s) by polling the lifetime explanation%n",
                probes, admin.baseUrl(), pauseMs, nodes.size());
        out.println();
        out.println("| measured | count | p50 ms | p90 ms | p99 ms | max ms | mean ms |");
        out.println("|---|---|---|---|---|---|---|");
        List<LongSamples> all = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            row(out, "append → views of node " + (n + 1) + " (" + nodes.get(n) + ")", lags.get(n));
            all.add(lags.get(n));
        }
        if (nodes.size() > 1) {
            rowSorted(out, "append → views, all nodes", LongSamples.mergeSorted(all));
        }
        row(out, "PATCH round trip (command service)", writes);
        row(out, "explanation round trip (poll resolution)", roundTrips);
        out.printf(Locale.ROOT, "%nchanges not seen within %s: %d%n", timeout, missed);
        return missed == 0 ? 0 : 1;
    }

    private static void row(PrintStream out, String what, LongSamples samples) {
        rowSorted(out, what, LongSamples.mergeSorted(List.of(samples)));
    }

    private static void rowSorted(PrintStream out, String what, long[] sorted) {
        if (sorted.length == 0) {
            out.printf(Locale.ROOT, "| %s | 0 | – | – | – | – | – |%n", what);
            return;
        }
        Percentiles.Summary s = Percentiles.summarize(sorted);
        out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", what, s.count(), s.p50() / 1e6,
                s.p90() / 1e6, s.p99() / 1e6, s.max() / 1e6, s.mean() / 1e6);
    }

    record Seen(long lagNanos, long lastRoundTripNanos) {
    }

    /** Polls until the node's explanation carries {@code lifetime}; the lag from {@code sinceNanos}, or -1. */
    Seen awaitLifetime(ManagementApi node, String explain, long lifetime, Duration timeout, long sinceNanos)
            throws InterruptedException {
        long deadline = sinceNanos + timeout.toNanos();
        long roundTrip = 0;
        while (System.nanoTime() - deadline < 0) {
            long before = System.nanoTime();
            try {
                HttpResponse<String> r = node.get(explain);
                long after = System.nanoTime();
                roundTrip = after - before;
                if (r.statusCode() == 200 && lifetimeIn(r.body()) == lifetime) {
                    return new Seen(after - sinceNanos, roundTrip);
                }
            } catch (IOException e) {
                Thread.sleep(10); // a node that cannot answer: try again until the deadline
            }
        }
        return new Seen(-1, roundTrip);
    }

    static long lifetimeIn(String body) {
        try {
            JsonNode access = Json.object(body).get("access_token");
            if (access != null && access.isObject()) {
                Long v = Json.integer(access, "lifetime");
                return v == null ? -1 : v;
            }
        } catch (IllegalArgumentException e) {
            return -1;
        }
        return -1;
    }

    /** The probe's tenant, API (lifetime 600 s) and machine client; answers the API's id. */
    private String provision() throws IOException, InterruptedException {
        HttpResponse<String> r = admin.post("/admin/tenants",
                Json.newObject().put("id", tenant).put("name", "Lag probe"));
        ManagementApi.expect(r, 201, "create tenant " + tenant);
        r = admin.post("/admin/tenants/" + tenant + "/apis",
                Json.newObject().put("identifier", AUDIENCE).put("name", "Lag").put("token_lifetime", 600));
        ManagementApi.expect(r, 201, "create API");
        String apiId = Json.string(Json.object(r.body()), "id");
        if (apiId == null) {
            throw new BenchException("create API: no id in " + BodyExcerpt.of(r.body()));
        }
        return apiId;
    }

    private String createClient() throws IOException, InterruptedException {
        HttpResponse<String> r = admin.post("/admin/tenants/" + tenant + "/clients", machineClient());
        ManagementApi.expect(r, 201, "create client");
        String id = Json.string(Json.object(r.body()), "client_id");
        if (id == null) {
            throw new BenchException("create client: no client_id in " + BodyExcerpt.of(r.body()));
        }
        return id;
    }

    private static ObjectNode machineClient() {
        ObjectNode client = Json.newObject().put("name", "lag").put("app_type", "non_interactive");
        client.putArray("grant_types").add("client_credentials");
        return client;
    }
}
