package dev.tally.bench.provision;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** Tally's management API ({@code /admin/...}) at one server, with the admin token: JSON bodies in, answers as text. */
public final class ManagementApi {
    private final HttpClient http;
    private final String baseUrl;
    private final String adminToken;
    private final Duration timeout;

    public ManagementApi(HttpClient http, String baseUrl, String adminToken, Duration timeout) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.adminToken = adminToken;
        this.timeout = timeout;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public HttpResponse<String> post(String path, JsonNode body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    public HttpResponse<String> patch(String path, JsonNode body) throws IOException, InterruptedException {
        return send("PATCH", path, body);
    }

    /** A GET of {@code pathAndQuery} (already encoded). */
    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send("GET", pathAndQuery, null);
    }

    /** Ends the run unless the answer has {@code status}: "what: expected HTTP 201, got 400 {body}". */
    public static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new BenchException(what + ": expected HTTP " + status + ", got " + r.statusCode() + " "
                    + BodyExcerpt.of(r.body()));
        }
    }

    private HttpResponse<String> send(String method, String path, JsonNode body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + adminToken)
                .header("Accept", "application/json");
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
