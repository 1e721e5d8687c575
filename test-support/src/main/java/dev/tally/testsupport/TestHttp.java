package dev.tally.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to a running Tally over real HTTP, the way a client application would. */
public final class TestHttp {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client;
    private final String baseUrl;
    private final String adminToken;

    public TestHttp(String baseUrl, String adminToken) {
        this(baseUrl, adminToken, null);
    }

    /**
     * A client whose connections leave from {@code localAddress} (null: the system's choice), so a server on this
     * machine sees requests from several addresses: any of 127.0.0.0/8 is this machine's on Linux.
     */
    public TestHttp(String baseUrl, String adminToken, InetAddress localAddress) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        this.client = (localAddress == null ? builder : builder.localAddress(localAddress)).build();
        this.baseUrl = baseUrl;
        this.adminToken = adminToken;
    }

    /** A loopback address by its text, such as {@code 127.0.0.2}; nothing is looked up. */
    public static InetAddress loopback(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A management API call with the administrator's token; {@code body} is serialized to JSON unless a String. */
    public Response admin(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + adminToken);
        return send(withJson(b, method, body));
    }

    /** A management API GET asking for {@code accept} (e.g. {@code application/x-ndjson} for an export). */
    public Response adminGet(String path, String accept) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + adminToken)
                .header("Accept", accept).GET());
    }

    public Response adminWithoutToken(String method, String path, Object body) {
        return send(withJson(HttpRequest.newBuilder(URI.create(baseUrl + path)), method, body));
    }

    /** A GET with {@code Authorization: Bearer token} (a resource server's call). */
    public Response bearer(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token).GET());
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    /** A form POST (e.g. the token endpoint); {@code basic} is "id:secret" for client_secret_basic, or null. */
    public Response form(String path, Map<String, String> params, String basicUser, String basicPassword) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(params)));
        if (basicUser != null) {
            String pair = urlEncode(basicUser) + ":" + urlEncode(basicPassword);
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return send(b);
    }

    public static Map<String, String> params(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    public static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    private static HttpRequest.Builder withJson(HttpRequest.Builder b, String method, Object body) {
        if (body == null) {
            return b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        return b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException("HTTP request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, String> params) {
        return params.entrySet().stream().map(e -> urlEncode(e.getKey()) + "=" + urlEncode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(", ", e.getValue())).findFirst().orElse(null);
        }

        public String text(String field) {
            JsonNode n = json().get(field);
            return n == null || n.isNull() ? null : n.asString();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
