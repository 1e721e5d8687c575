package dev.tally.bench.server;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/** Waiting for a server's {@code /actuator/health} to say UP, before anything is provisioned or measured. */
public final class Health {
    private static final Pattern STATUS_UP = Pattern.compile("\"status\"\\s*:\\s*\"UP\"");

    private Health() {
    }

    /**
     * Asks every 100 ms until the answer is 200 with status UP. Gives up {@code timeout} after {@code sinceNanos}
     * with the last answer, or at once when {@code server} (the child the tool started, or null) has exited; either
     * way with the last lines of the child's output.
     */
    public static void await(HttpClient http, String baseUrl, long sinceNanos, Duration timeout, ServerProcess server)
            throws InterruptedException {
        HttpRequest health = HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = sinceNanos + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            if (server != null && !server.isAlive()) {
                throw new BenchException("server exited with code " + server.exitCode()
                        + " before becoming healthy; last lines of its output:\n" + server.logTail(40));
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && STATUS_UP.matcher(r.body()).find()) {
                    return;
                }
                last = "HTTP " + r.statusCode() + " " + BodyExcerpt.of(r.body());
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new BenchException("server not healthy within " + timeout.toSeconds() + " s at " + baseUrl
                        + " (last: " + last + ")"
                        + (server != null ? "; last lines of its output:\n" + server.logTail(40) : ""));
            }
            Thread.sleep(100);
        }
    }
}
