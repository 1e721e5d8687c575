package dev.tally.bench;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.Json;
import dev.tally.bench.latency.Percentiles;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The query side's figures on a large store (issue 17), against a running server whose views are to be measured:
 * <ol>
 *   <li>how long until every view is {@code live} at the store's head ({@code GET /admin/projections});</li>
 *   <li>a filtered audit page ({@code GET /admin/tenants/{t}/audit}), {@code --requests} times per filter: a user, a
 *   family, an event type, a one-hour time range (the samples' last hour, and an hour a day before it); p50/p99 per
 *   filter, one request at a time;</li>
 *   <li>time travel to a family's past ({@code GET .../refresh-token-families/{id}?at=}), just before one of its
 *   rotations;</li>
 *   <li>the replay of each query view ({@code POST /admin/projections/{name}/replay}) until it is live at the head,
 *   or for {@code --replay-seconds}: events/s.</li>
 * </ol>
 * The users, families and instants come from the audit view itself (a page of {@code TokenRotated} per tenant).
 *
 * <pre>
 * LargeStoreProbe --base-url=http://127.0.0.1:8080 --admin-token=... (or TALLY_ADMIN_TOKEN) [--tenants=20]
 *                 [--requests=500] [--replay=audit,sessions,revocations] [--replay-seconds=0 (until live)]
 *                 [--steps=wait,queries,replay]
 * </pre>
 */
public final class LargeStoreProbe {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String admin;

    private LargeStoreProbe(String base, String admin) {
        this.base = base;
        this.admin = admin;
    }

    /** One place in a family's history, as the audit view shows it. */
    record Sample(String tenant, String userId, String familyId, Instant at) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("options are --name=value, got: " + a);
            }
            o.put(a.substring(2, eq), a.substring(eq + 1));
        }
        String admin = o.getOrDefault("admin-token", System.getenv("TALLY_ADMIN_TOKEN"));
        if (o.get("base-url") == null || admin == null) {
            throw new IllegalArgumentException("--base-url and --admin-token (or TALLY_ADMIN_TOKEN) are required");
        }
        LargeStoreProbe probe = new LargeStoreProbe(o.get("base-url"), admin);
        int tenants = Integer.parseInt(o.getOrDefault("tenants", "20"));
        int requests = Integer.parseInt(o.getOrDefault("requests", "500"));
        List<String> replay = Arrays.asList(o.getOrDefault("replay", "audit,sessions,revocations").split(","));

        List<String> steps = Arrays.asList(o.getOrDefault("steps", "wait,queries,replay").split(","));
        if (steps.contains("wait")) {
            long t0 = System.nanoTime();
            long head = probe.waitAllLive();
            System.out.printf("views live at head %d after %.1f s of waiting%n", head,
                    (System.nanoTime() - t0) / 1e9);
        }
        if (steps.contains("queries")) {
            probe.queries(tenants, requests);
        }
        if (steps.contains("replay")) {
            System.out.println();
            System.out.println("| view | events | replay s | events/s |");
            System.out.println("| --- | ---: | ---: | ---: |");
            double window = Double.parseDouble(o.getOrDefault("replay-seconds", "0"));
            for (String view : replay) {
                probe.replay(view.trim(), window);
            }
        }
    }

    private void queries(int tenants, int requests) throws IOException, InterruptedException {
        List<Sample> samples = samples(tenants);
        System.out.printf("samples          %d families from %d tenants%n", samples.size(), tenants);
        System.out.println("| request | n | p50 ms | p90 ms | p99 ms | max ms | rows per page (mean) |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        measure("audit, a user", requests, samples, s -> "/admin/tenants/" + s.tenant() + "/audit?user_id="
                + enc(s.userId()));
        measure("audit, a family", requests, samples, s -> "/admin/tenants/" + s.tenant() + "/audit?family_id="
                + enc(s.familyId()));
        measure("audit, an event type", requests, samples, s -> "/admin/tenants/" + s.tenant()
                + "/audit?type=TokenRotated");
        measure("audit, one hour", requests, samples, s -> "/admin/tenants/" + s.tenant() + "/audit?from="
                + enc(s.at().minusSeconds(3600).toString()) + "&to=" + enc(s.at().toString()));
        // a day before the samples: on a large store (build-store.sh: 10 ms apart, 10 million events span 28 hours)
        // that is far back in the history the tenant's newer rows stand in front of
        measure("audit, one hour a day earlier", requests, samples, s -> "/admin/tenants/" + s.tenant()
                + "/audit?from=" + enc(s.at().minusSeconds(25 * 3600).toString())
                + "&to=" + enc(s.at().minusSeconds(24 * 3600).toString()));
        measure("audit, a type in one hour", requests, samples, s -> "/admin/tenants/" + s.tenant()
                + "/audit?type=AccessTokenIssued&from=" + enc(s.at().minusSeconds(3600).toString()) + "&to="
                + enc(s.at().toString()));
        measure("time travel, a family", requests, samples, s -> "/admin/tenants/" + s.tenant()
                + "/refresh-token-families/" + enc(s.familyId()) + "?at=" + enc(s.at().minusMillis(1).toString()));
    }

    private interface Path {
        String of(Sample s);
    }

    private void measure(String name, int n, List<Sample> samples, Path path) throws IOException, InterruptedException {
        long[] micros = new long[n];
        long rows = 0;
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i % samples.size());
            long t = System.nanoTime();
            HttpResponse<String> r = get(path.of(s));
            micros[i] = (System.nanoTime() - t) / 1_000;
            if (r.statusCode() != 200) {
                throw new BenchException(name + ": " + r.statusCode() + " for " + path.of(s) + ": " + r.body());
            }
            JsonNode events = Json.object(r.body()).path("events");
            rows += events.isArray() ? events.size() : 1;
        }
        Arrays.sort(micros);
        Percentiles.Summary p = Percentiles.summarize(micros);
        System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", name, n, p.p50() / 1e3, p.p90() / 1e3,
                p.p99() / 1e3, p.max() / 1e3, (double) rows / n);
    }

    private List<Sample> samples(int tenants) throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            String tenant = t == 0 ? "bench" : "bench-" + (t + 1);
            HttpResponse<String> r = get("/admin/tenants/" + tenant + "/audit?type=TokenRotated&limit=25");
            if (r.statusCode() != 200) {
                throw new BenchException("audit of " + tenant + ": " + r.statusCode() + " " + r.body());
            }
            for (JsonNode e : Json.object(r.body()).path("events")) {
                samples.add(new Sample(tenant, e.path("user_id").asString(), e.path("family_id").asString(),
                        Instant.parse(e.path("occurred_at").asString())));
            }
        }
        if (samples.isEmpty()) {
            throw new BenchException("no TokenRotated event in the audit view of the first " + tenants + " tenants");
        }
        // interleave the tenants, so consecutive requests do not hit one tenant's pages
        samples.sort((a, b) -> Integer.compare(a.familyId().hashCode(), b.familyId().hashCode()));
        return samples;
    }

    /**
     * Replays one view and prints its events/s: until it is live at the head, or, with a window ({@code
     * --replay-seconds}, for a store too large to replay in a sitting), over the events applied within the window;
     * such a row says "(window)", and the replay goes on in the server after it.
     */
    private void replay(String view, double windowSeconds) throws IOException, InterruptedException {
        long t = System.nanoTime();
        HttpResponse<String> r = post("/admin/projections/" + view + "/replay");
        if (r.statusCode() / 100 != 2) {
            throw new BenchException("replay of " + view + ": " + r.statusCode() + " " + r.body());
        }
        while (true) {
            JsonNode v = Json.object(get("/admin/projections/" + view).body());
            double seconds = (System.nanoTime() - t) / 1e9;
            if ("live".equals(v.path("status").asString()) && v.path("lag_events").asLong(-1) == 0) {
                long head = v.path("head").asLong();
                System.out.printf("| %s | %d | %.1f | %.0f |%n", view, head, seconds, head / seconds);
                return;
            }
            if (windowSeconds > 0 && seconds >= windowSeconds) {
                long applied = v.path("position").asLong();
                System.out.printf("| %s (window) | %d of %d | %.1f | %.0f |%n", view, applied, v.path("head").asLong(),
                        seconds, applied / seconds);
                return;
            }
            Thread.sleep(200);
        }
    }

    /**
     * Waits until every view is live with no lag; answers the head. Prints when each view first reached the head
     * (seconds from the start of the wait) and how far each was at the start.
     */
    private long waitAllLive() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Map<String, Long> startedAt = new LinkedHashMap<>();
        Map<String, Boolean> reported = new LinkedHashMap<>();
        while (true) {
            JsonNode all = Json.object(get("/admin/projections").body()).path("projections");
            boolean live = true;
            long head = 0;
            for (JsonNode v : all) {
                String name = v.path("name").asString();
                startedAt.putIfAbsent(name, v.path("position").asLong());
                boolean atHead = "live".equals(v.path("status").asString()) && v.path("lag_events").asLong(-1) == 0;
                if (atHead && reported.putIfAbsent(name, true) == null) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    long done = v.path("head").asLong() - startedAt.get(name);
                    System.out.printf("view %-18s at the head %d after %.1f s (from position %d: %s events/s)%n",
                            name, v.path("head").asLong(), s, startedAt.get(name),
                            s < 1 || done == 0 ? "-" : String.format("%.0f", done / s));
                }
                live &= atHead;
                head = Math.max(head, v.path("head").asLong());
            }
            if (live && !all.isEmpty()) {
                return head;
            }
            Thread.sleep(500);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + admin);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
