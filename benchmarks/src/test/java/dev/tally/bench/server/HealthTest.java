package dev.tally.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tally.bench.http.BenchException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HealthTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger asked = new AtomicInteger();
    private HttpServer server;
    /** The health answers in turn; the last one repeats. */
    private volatile String[] answers;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/actuator/health", ex -> {
            String[] a = answers;
            String answer = a[Math.min(asked.getAndIncrement(), a.length - 1)];
            int status = Integer.parseInt(answer.substring(0, 3));
            byte[] body = answer.substring(4).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
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

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    @Timeout(10)
    void waitsUntilTheStatusIsUp() throws Exception {
        answers = new String[] {"503 {\"status\":\"DOWN\"}", "200 {\"status\":\"OUT_OF_SERVICE\"}",
                "200 {\"components\":{}, \"status\" : \"UP\"}"};
        Health.await(http, baseUrl(), System.nanoTime(), Duration.ofSeconds(5), null);
        assertEquals(3, asked.get());
    }

    @Test
    @Timeout(10)
    void givesUpAtTheDeadlineWithTheLastAnswer() {
        answers = new String[] {"503 {\"status\":\"DOWN\"}"};
        BenchException e = assertThrows(BenchException.class,
                () -> Health.await(http, baseUrl(), System.nanoTime(), Duration.ofSeconds(1), null));
        assertEquals("server not healthy within 1 s at " + baseUrl() + " (last: HTTP 503 {\"status\":\"DOWN\"})",
                e.getMessage());
        assertTrue(asked.get() >= 2, "asked again before giving up");
    }
}
