package dev.tally.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tally.bench.options.LoadOptions;
import dev.tally.bench.scenario.RequestSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The closed loop against a server that fails every 4th request, with sources written here. */
class LoadLoopTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong served = new AtomicLong();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", ex -> {
            boolean fail = served.incrementAndGet() % 4 == 0;
            byte[] body = (fail ? "{\"error\":\"server_error\"}" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(fail ? 503 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        http.shutdownNow();
    }

    /** Sends the same GET every time; answers "valid" unless told otherwise. */
    private final class Source implements RequestSource {
        private final boolean survivesFailure;
        private final HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).build();

        Source(boolean survivesFailure) {
            this.survivesFailure = survivesFailure;
        }

        @Override
        public HttpRequest next() {
            return request;
        }

        @Override
        public String validate(String body) {
            return body.contains("\"ok\"") ? null : "not ok";
        }

        @Override
        public String onSuccess(String body) {
            return null;
        }

        @Override
        public boolean survivesFailure() {
            return survivesFailure;
        }
    }

    private LoadResult run(List<RequestSource> sources, String... args) throws InterruptedException {
        LoadOptions o = LoadOptions.parse(args, Map.of());
        return LoadLoop.run(http, sources, o, null, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(30)
    void theCapEndsTheLoadAndEveryAnswerIsCountedOnce() throws Exception {
        LoadResult r = run(List.of(new Source(true), new Source(true)), "--base-url=http://127.0.0.1:9",
                "--admin-token=t", "--warmup=0", "--duration=20", "--max-requests=40", "--validate-every=1");
        Counts c = r.counts();
        assertTrue(r.capReached());
        assertEquals(40, served.get());
        assertEquals(40, c.total());
        assertEquals(30, c.ok());
        assertEquals(10, c.non200());
        assertEquals(10, c.statusCounts()[503]);
        assertEquals(30, c.validated(), "--validate-every=1 checks every success");
        assertEquals(0, c.validationFailures());
        assertEquals(2, c.workers());
        assertEquals(0, c.workersStopped());
        assertEquals(30, r.sortedLatencies().length, "latencies of successes only");
        assertTrue(r.sortedLatencies()[0] <= r.sortedLatencies()[29], "ascending");
        assertTrue(r.windowSeconds() > 0 && r.windowSeconds() < 20, "the window ended with the last answer");
        assertTrue(r.firstError().startsWith("HTTP 503 {\"error\":\"server_error\"} ("), r.firstError());
        assertNull(r.firstException());
        assertTrue(r.failed());
        assertEquals("platform", r.threadKind());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("[bench] 2 platform threads: warm-up 0 s, then "
                + "measuring 20 s (cap 40 requests)"));
    }

    @Test
    @Timeout(30)
    void aSourceThatCannotGoOnAfterAFailureEndsItsThread() throws Exception {
        LoadResult r = run(List.of(new Source(false)), "--base-url=http://127.0.0.1:9", "--admin-token=t",
                "--warmup=0", "--duration=20", "--threads=virtual");
        Counts c = r.counts();
        assertFalse(r.capReached());
        assertEquals(4, served.get(), "three successes, then the failure that ends the only thread");
        assertEquals(3, c.ok());
        assertEquals(1, c.non200());
        assertEquals(1, c.workersStopped());
        assertEquals("virtual", r.threadKind());
    }

    @Test
    @Timeout(30)
    void aLoadInTheBackgroundEndsWhenTheCallerHasEnough() throws Exception {
        long t0 = System.nanoTime();
        LoadOptions o = LoadOptions.parse(new String[] {"--base-url=http://127.0.0.1:9", "--admin-token=t",
                "--warmup=0", "--duration=3600"}, Map.of());
        LoadResult r = LoadLoop.run(http, List.of(new Source(true), new Source(true)), o, null,
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> served.get() >= 40);
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "ended long before its hour");
        long servedAtTheEnd = served.get();
        assertTrue(servedAtTheEnd >= 40);
        // Every answer a worker received is counted. One fresh-clone CI run saw the server count one request more
        // than the workers (238 against 237); the cause is not known (the JDK's client resends an idempotent request
        // on a new connection when it finds its pooled one closed, which is one way), so at most one per worker.
        long unanswered = servedAtTheEnd - r.counts().total();
        assertTrue(unanswered >= 0 && unanswered <= 2, servedAtTheEnd + " served, " + r.counts().total() + " counted");
        Thread.sleep(300);
        assertEquals(servedAtTheEnd, served.get(), "no request after the end");
        assertEquals(0, r.counts().workersStopped(), "ended, not stopped by a failure");
        assertFalse(r.capReached());
    }
}
