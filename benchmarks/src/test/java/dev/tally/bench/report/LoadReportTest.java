package dev.tally.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.load.Counts;
import dev.tally.bench.load.LoadResult;
import dev.tally.bench.options.LoadOptions;
import dev.tally.bench.server.ProcMemory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The report, character for character. The expected texts of the first three cases were printed by the tool's
 * report code as it was before the split into packages (commit 0f11495), from the same inputs.
 */
class LoadReportTest {
    private static final LoadReport.Machine MACHINE = new LoadReport.Machine("Linux 6.18.44-fc-v1147 amd64",
            "Eclipse Adoptium 25.0.3+9-LTS (/usr/lib/jvm/temurin-25-jdk-amd64)", 2, 25);

    private static LoadOptions options(String... args) {
        return LoadOptions.parse(args, Map.of());
    }

    private static String format(LoadReport report) {
        return report.format(MACHINE).replace(System.lineSeparator(), "\n");
    }

    private static long[] statuses(int... statusAndCount) {
        long[] counts = Counts.none().statusCounts();
        for (int i = 0; i < statusAndCount.length; i += 2) {
            counts[statusAndCount[i]] = statusAndCount[i + 1];
        }
        return counts;
    }

    @Test
    void aRefreshRunThatWentWrongInEveryWay() {
        LoadOptions o = options("--base-url=http://127.0.0.1:9", "--admin-token=t", "--scenario=refresh",
                "--concurrency=4", "--warmup=10", "--duration=5", "--max-requests=1003", "--validate-every=50");
        LoadResult r = new LoadResult("platform", new Counts(1000, 3, 1, 10, 2, 5, 1, 4, 1, statuses(500, 2, 429, 1)),
                LongStream.rangeClosed(1, 1000).map(i -> i * 1_000_000L + 5_000).toArray(), 5.0, true, true, true,
                "HTTP 500 {\"error\":\"server_error\"} (1.00 s after the load started, measured)",
                "java.io.IOException: boom (2.00 s after the load started, measured)",
                "expires_in is 60, expected 3600 in {} (3.00 s after the load started, measured)",
                Optional.of(new ProcMemory.Sample(307200, 409600)), 4.5, 0.25, 1.5);
        assertEquals(A, format(new LoadReport(Instant.parse("2026-12-03T13:36:17.789Z"), o, "http://127.0.0.1:9", 2,
                null, r)));
    }

    @Test
    void nothingMeasuredIsNotANumber() {
        LoadOptions o = options("--base-url=http://127.0.0.1:9", "--admin-token=t", "--threads=virtual",
                "--http-executor=pool");
        LoadResult r = new LoadResult("virtual", Counts.none(), new long[0], 0, false, false, false, null, null, null,
                Optional.empty(), 0, -1, -1);
        assertEquals(B, format(new LoadReport(Instant.parse("2026-01-02T03:04:05Z"), o, "http://127.0.0.1:9", 1, null,
                r)));
    }

    @Test
    void stoppedThreadsAreReportedInAnyScenarioOnceThereAreAny() {
        LoadOptions o = options("--base-url=http://127.0.0.1:9", "--admin-token=t", "--scenario=introspect");
        LoadResult r = new LoadResult("platform", new Counts(3, 0, 0, 0, 0, 0, 0, 16, 1, statuses()),
                new long[] {1_234_567, 2_000_000, 9_999_999}, 0.5, false, false, false, null, null, null,
                Optional.empty(), 0, -1, -1);
        assertEquals(C, format(new LoadReport(Instant.parse("2026-01-02T03:04:05Z"), o,
                "http://127.0.0.1:9,http://127.0.0.1:10", 3, null, r)));
    }

    @Test
    void aServerTheToolStartedIsDescribedWithItsMemoryAndItsStop() {
        LoadOptions o = options("--jar=/x/tally.jar", "--concurrency=2");
        LoadReport.StartedServer server = new LoadReport.StartedServer(
                List.of("/jdk/bin/java", "-Xmx512m", "-jar", "/x/tally.jar", "--server.port=1234"),
                "/jdk/bin/java: openjdk version \"25.0.3\"", 7.254, Optional.of(new ProcMemory.Sample(102400, 204800)),
                "SIGTERM, exited in 1.52 s (exit code 143)");
        LoadResult r = new LoadResult("platform", new Counts(2, 0, 0, 5, 0, 2, 0, 2, 0, statuses()),
                new long[] {1_000_000, 3_000_000}, 1.0, false, false, false, null, null, null,
                Optional.of(new ProcMemory.Sample(307200, 409600)), 0.5, 0.31, 1.42);
        String text = format(new LoadReport(Instant.parse("2026-01-02T03:04:05Z"), o, "http://127.0.0.1:1234", 1,
                server, r));
        assertTrue(text.contains("""
                tool JDK:         Eclipse Adoptium 25.0.3+9-LTS (/usr/lib/jvm/temurin-25-jdk-amd64)
                server JDK:       /jdk/bin/java: openjdk version "25.0.3" (same binary as the tool)
                server command:   /jdk/bin/java -Xmx512m -jar /x/tally.jar --server.port=1234
                server startup:   7.25 s (process start -> health UP)
                target:           http://127.0.0.1:1234  1 tenant(s)/client(s), audience https://api.bench.test
                """), text);
        assertTrue(text.contains("""
                CPU in window:    tool 0.31, server 1.42 (average cores busy; 2 available)
                validated:        2 sampled responses (every 1000th success per thread), 0 invalid
                server RSS idle:  VmRSS 100.0 MiB, VmHWM 200.0 MiB (right after health UP)
                server RSS load:  VmRSS 300.0 MiB, VmHWM 400.0 MiB (last sample in the window, at 0.5 s of it)
                server stop:      SIGTERM, exited in 1.52 s (exit code 143)
                ```
                """), text);
        assertTrue(text.endsWith("""
                | 2026-01-02T03:04:05Z | client_credentials | 25 | 2 platform | 1.00 | 2 | 0 | 2.0 | 1.00 | 3.00 \
                | 3.00 | 3.00 | 3.00 | 100.0 | 300.0 | 7.25 |
                """), text);
        assertTrue(!text.contains("threads stopped"), "client credentials without a stopped thread: no such line");

        LoadResult noSampleInWindow = new LoadResult("platform", r.counts(), r.sortedLatencies(), 1.0, false, false,
                false, null, null, null, Optional.empty(), 0, 0.31, 1.42)
                .orMemoryAfterLoad(Optional.of(new ProcMemory.Sample(204800, 409600)));
        LoadReport.StartedServer withoutIdle = new LoadReport.StartedServer(server.command(), server.jdk(),
                server.startupSeconds(), Optional.empty(), server.stopSummary());
        text = format(new LoadReport(Instant.parse("2026-01-02T03:04:05Z"), o, "http://127.0.0.1:1234", 1,
                withoutIdle, noSampleInWindow));
        assertTrue(text.contains("""
                server RSS idle:  n/a (right after health UP)
                server RSS load:  VmRSS 200.0 MiB, VmHWM 400.0 MiB (sampled right after the load)
                """), text);
        assertTrue(text.endsWith("| n/a | 200.0 | 7.25 |\n"), text);
    }

    @Test
    void aPeerRunSaysSoAndShowsThePeersProcessInsteadOfAStartedServer() {
        LoadOptions o = options("--peer-token-url=http://127.0.0.1:8180/realms/bench/protocol/openid-connect/token",
                "--peer-client=m2m:s3cret", "--peer-user=alice:pw", "--concurrency=2", "--warmup=3", "--duration=5");
        LoadResult r = new LoadResult("platform", new Counts(2, 0, 0, 5, 0, 2, 0, 2, 0, statuses()),
                new long[] {1_000_000, 3_000_000}, 1.0, false, false, false, null, null, null,
                Optional.of(new ProcMemory.Sample(307200, 409600)), 0.5, 0.31, 1.42);
        LoadReport.PeerServer peer = new LoadReport.PeerServer(4242L, "/jdk/bin/java",
                Optional.of(new ProcMemory.Sample(102400, 204800)));
        String text = format(new LoadReport(Instant.parse("2026-01-02T03:04:05Z"), o, peer, r));
        assertTrue(text.startsWith("""
                ## Peer refresh load

                ```
                date:             2026-01-02T03:04:05Z
                scenario:         refresh at a peer: grant_type=refresh_token (client_secret_post), one family per \
                thread (started by the password grant), each answer's refresh_token presented next
                host:             Linux 6.18.44-fc-v1147 amd64, 2 CPUs (shared by load generator and server)
                tool JDK:         Eclipse Adoptium 25.0.3+9-LTS (/usr/lib/jvm/temurin-25-jdk-amd64)
                server:           peer, neither started nor provisioned by the tool; pid 4242, /jdk/bin/java
                target:           http://127.0.0.1:8180/realms/bench/protocol/openid-connect/token  client m2m, \
                user alice, no scope
                """), text);
        assertTrue(text.contains("""
                threads stopped:  0 of 2 (a thread stops at its first error or invalid answer: its token may be spent)
                """), text);
        assertTrue(text.contains("""
                CPU in window:    tool 0.31, server 1.42 (average cores busy; 2 available)
                validated:        2 sampled responses (every 1000th success per thread), 0 invalid; expires_in not \
                checked (the peer's own)
                server RSS idle:  VmRSS 100.0 MiB, VmHWM 200.0 MiB (before the tool started its families)
                server RSS load:  VmRSS 300.0 MiB, VmHWM 400.0 MiB (last sample in the window, at 0.5 s of it)
                ```
                """), text);
        assertTrue(text.endsWith("""
                | 2026-01-02T03:04:05Z | refresh (peer) | 25 | 2 platform | 1.00 | 2 | 0 | 2.0 | 1.00 | 3.00 \
                | 3.00 | 3.00 | 3.00 | 100.0 | 300.0 | n/a |
                """), text);
        assertFalse(text.contains("s3cret") || text.contains("audience"), text);

        String notFound = format(new LoadReport(Instant.parse("2026-01-02T03:04:05Z"), o,
                LoadReport.PeerServer.NOT_FOUND, new LoadResult("platform", r.counts(), r.sortedLatencies(), 1.0,
                false, false, false, null, null, null, Optional.empty(), 0, 0.31, -1)));
        assertTrue(notFound.contains("""
                server:           peer, neither started nor provisioned by the tool; its process was not found
                """), notFound);
        assertTrue(notFound.contains("""
                CPU in window:    tool 0.31, server n/a (average cores busy; 2 available)
                """), notFound);
        assertTrue(notFound.contains("""
                server RSS:       not measured (the peer's process was not found; --peer-pid=PID names it)
                ```
                """), notFound);
        assertTrue(notFound.endsWith("| n/a | n/a | n/a |\n"), notFound);
    }

    private static final String A = """
            ## Tally refresh load

            ```
            date:             2026-12-03T13:36:17Z
            scenario:         refresh: grant_type=refresh_token, rotation rotate, one family per thread (started by the password grant), each answer's refresh_token presented next
            host:             Linux 6.18.44-fc-v1147 amd64, 2 CPUs (shared by load generator and server)
            tool JDK:         Eclipse Adoptium 25.0.3+9-LTS (/usr/lib/jvm/temurin-25-jdk-amd64)
            server:           already running (not started by the tool)
            target:           http://127.0.0.1:9  2 tenant(s)/client(s)/user(s), audience https://api.bench.test
            concurrency:      4 platform threads, closed loop, 1 shared HttpClient (HTTP/1.1 keep-alive, direct executor)
            warm-up:          10 s, not measured (10 ok, 2 errors)
            duration:         5.00 s measured (5 s requested); STOPPED EARLY: --max-requests=1003 reached; STOPPED EARLY: server process died; workers had to be interrupted
            total requests:   1004
            errors:           4 (non-200: 3 [429 x1, 500 x2], exceptions: 1)
            threads stopped:  1 of 4 (a thread stops at its first error or invalid answer: its token may be spent)
            throughput:       200.0 req/s (200 responses only)
            latency p50:      500.01 ms
            latency p90:      900.01 ms
            latency p99:      990.01 ms
            latency p99.9:    999.01 ms
            latency max:      1000.01 ms
            latency mean:     500.51 ms
            CPU in window:    tool 0.25, server 1.50 (average cores busy; 2 available)
            validated:        5 sampled responses (every 50th success per thread), 1 invalid
            server RSS:       n/a (server not started by the tool)
            first error:      HTTP 500 {"error":"server_error"} (1.00 s after the load started, measured)
            first exception:  java.io.IOException: boom (2.00 s after the load started, measured)
            first invalid:    expires_in is 60, expected 3600 in {} (3.00 s after the load started, measured)
            ```

            | date | scenario | JDK | threads | duration s | requests | errors | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | RSS idle MiB | RSS load MiB | startup s |
            |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
            | 2026-12-03T13:36:17Z | refresh | 25 | 4 platform | 5.00 | 1004 | 4 | 200.0 | 500.01 | 900.01 | 990.01 | 999.01 | 1000.01 | n/a | 300.0 | n/a |
            """;

    private static final String B = """
            ## Tally client_credentials load

            ```
            date:             2026-01-02T03:04:05Z
            scenario:         client_credentials: grant_type=client_credentials, one prepared request per tenant
            host:             Linux 6.18.44-fc-v1147 amd64, 2 CPUs (shared by load generator and server)
            tool JDK:         Eclipse Adoptium 25.0.3+9-LTS (/usr/lib/jvm/temurin-25-jdk-amd64)
            server:           already running (not started by the tool)
            target:           http://127.0.0.1:9  1 tenant(s)/client(s), audience https://api.bench.test
            concurrency:      16 virtual threads, closed loop, 1 shared HttpClient (HTTP/1.1 keep-alive, pool executor)
            warm-up:          10 s, not measured (0 ok, 0 errors)
            duration:         0.00 s measured (30 s requested)
            total requests:   0
            errors:           0 (non-200: 0, exceptions: 0)
            throughput:       0.0 req/s (200 responses only)
            latency p50:      n/a
            latency p90:      n/a
            latency p99:      n/a
            latency p99.9:    n/a
            latency max:      n/a
            latency mean:     n/a
            CPU in window:    tool n/a, server n/a (average cores busy; 2 available)
            validated:        0 sampled responses (every 1000th success per thread), 0 invalid
            server RSS:       n/a (server not started by the tool)
            ```

            | date | scenario | JDK | threads | duration s | requests | errors | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | RSS idle MiB | RSS load MiB | startup s |
            |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
            | 2026-01-02T03:04:05Z | client_credentials | 25 | 16 virtual | 0.00 | 0 | 0 | 0.0 | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a |
            """;

    private static final String C = """
            ## Tally introspect load

            ```
            date:             2026-01-02T03:04:05Z
            scenario:         introspect: RFC 7662 introspection of one access token per tenant by its client (client_secret_post), answers checked for active=true
            host:             Linux 6.18.44-fc-v1147 amd64, 2 CPUs (shared by load generator and server)
            tool JDK:         Eclipse Adoptium 25.0.3+9-LTS (/usr/lib/jvm/temurin-25-jdk-amd64)
            server:           already running (not started by the tool)
            target:           http://127.0.0.1:9,http://127.0.0.1:10  3 tenant(s)/client(s), audience https://api.bench.test
            concurrency:      16 platform threads, closed loop, 1 shared HttpClient (HTTP/1.1 keep-alive, direct executor)
            warm-up:          10 s, not measured (0 ok, 0 errors)
            duration:         0.50 s measured (30 s requested)
            total requests:   3
            errors:           0 (non-200: 0, exceptions: 0)
            threads stopped:  1 of 16 (a thread stops at its first error or invalid answer: its token may be spent)
            throughput:       6.0 req/s (200 responses only)
            latency p50:      2.00 ms
            latency p90:      10.00 ms
            latency p99:      10.00 ms
            latency p99.9:    10.00 ms
            latency max:      10.00 ms
            latency mean:     4.41 ms
            CPU in window:    tool n/a, server n/a (average cores busy; 2 available)
            validated:        0 sampled responses (every 1000th success per thread), 0 invalid
            server RSS:       n/a (server not started by the tool)
            ```

            | date | scenario | JDK | threads | duration s | requests | errors | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | RSS idle MiB | RSS load MiB | startup s |
            |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
            | 2026-01-02T03:04:05Z | introspect | 25 | 16 platform | 0.50 | 3 | 0 | 6.0 | 2.00 | 10.00 | 10.00 | 10.00 | 10.00 | n/a | n/a | n/a |
            """;
}
