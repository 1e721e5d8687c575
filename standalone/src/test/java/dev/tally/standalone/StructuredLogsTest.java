package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.ServiceProcess;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The documented structured-log option, as an operator turns it on: the standalone server as a process of its own
 * with {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs} and request lines on ({@code LOGGING_LEVEL_TALLY_REQUEST=INFO}).
 * After real traffic with secrets in it (the administrator's token, a client secret, a password, the tokens issued),
 * every line the server wrote is one JSON object, each request's line names its request id, tenant and client, and
 * no secret appears anywhere in the output.
 */
class StructuredLogsTest {
    static final String TENANT = "logs";
    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dataDir;

    @Test
    void everyLineIsJsonWithTheRequestsIdTenantAndClientAndNoSecret() throws Exception {
        String admin = "logsadmin" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        List<String> secrets = new ArrayList<>(List.of(admin, PASSWORD));
        try (ServiceProcess server = ServiceProcess.start("standalone-logs", TallyStandalone.class,
                Map.of("TALLY_DATA_DIR", dataDir.toString(), "TALLY_ADMIN_TOKEN", admin,
                        "LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs", "LOGGING_LEVEL_TALLY_REQUEST", "INFO"),
                ServiceProcess.freePort(), Duration.ofSeconds(90))) {
            TestHttp http = new TestHttp(server.url(), admin);
            assertThat(http.admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", "Logs")).status()).isEqualTo(201);
            assertThat(http.admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", "Again")).status())
                    .as("refused as the caller's mistake, in the answer and not as a warning").isEqualTo(409);
            assertThat(http.admin("POST", "/admin/tenants/" + TENANT + "/apis", Map.of("identifier", "https://api.logs.test",
                    "name", "API", "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true))
                    .status()).isEqualTo(201);
            Response client = http.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "Backend",
                    "app_type", "non_interactive", "grant_types", List.of("client_credentials", "password", "refresh_token")));
            assertThat(client.status()).as(client.toString()).isEqualTo(201);
            String clientId = client.text("client_id");
            String secret = client.text("client_secret");
            secrets.add(secret);
            assertThat(http.admin("POST", "/admin/tenants/" + TENANT + "/users", Map.of("username", "alice",
                    "password", PASSWORD)).status()).isEqualTo(201);

            // a gateway's request id is kept and answered
            HttpResponse<String> traced = token(server.url(), "trace-0001", clientId, secret,
                    "grant_type=client_credentials&audience=https%3A%2F%2Fapi.logs.test");
            assertThat(traced.statusCode()).as(traced.body()).isEqualTo(200);
            assertThat(traced.headers().firstValue("X-Request-Id")).hasValue("trace-0001");
            secrets.add(TestHttp.parse(traced.body()).get("access_token").asString());

            // one that is not a plain identifier is replaced, never logged
            String hostileId = "evil id with spaces " + secret;
            HttpResponse<String> replaced = token(server.url(), hostileId, clientId, "wrong-" + secret,
                    "grant_type=client_credentials");
            assertThat(replaced.statusCode()).isEqualTo(401);
            String generated = replaced.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(generated).matches("[0-9a-f]{24}");

            HttpResponse<String> password = token(server.url(), "trace-0002", clientId, secret,
                    "grant_type=password&username=alice&password=" + PASSWORD.replace(" ", "+")
                            + "&audience=https%3A%2F%2Fapi.logs.test&scope=offline_access+read%3Aorders");
            assertThat(password.statusCode()).as(password.body()).isEqualTo(200);
            String refreshToken = TestHttp.parse(password.body()).get("refresh_token").asString();
            secrets.add(refreshToken);
            secrets.add(TestHttp.parse(password.body()).get("access_token").asString());
            HttpResponse<String> rotated = token(server.url(), "trace-0003", clientId, secret,
                    "grant_type=refresh_token&refresh_token=" + refreshToken);
            assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
            secrets.add(TestHttp.parse(rotated.body()).get("refresh_token").asString());
            assertThat(http.admin("GET", "/admin/tenants/" + TENANT, null).status()).isEqualTo(200);

            List<JsonNode> lines = jsonLines(server.log());

            JsonNode tracedLine = requestLine(lines, "trace-0001");
            assertThat(tracedLine.path("tenant").asString()).isEqualTo(TENANT);
            assertThat(tracedLine.path("client_id").asString()).as("named by the client authentication, deep in the token endpoint")
                    .isEqualTo(clientId);
            assertThat(message(tracedLine)).startsWith("POST /t/logs/oauth/token 200 ");

            JsonNode refusedLine = requestLine(lines, generated);
            assertThat(refusedLine.path("tenant").asString()).isEqualTo(TENANT);
            assertThat(refusedLine.has("client_id")).as("a client that failed to authenticate is not named").isFalse();
            assertThat(message(refusedLine)).startsWith("POST /t/logs/oauth/token 401 ");

            assertThat(message(requestLine(lines, "trace-0003"))).startsWith("POST /t/logs/oauth/token 200 ");
            long adminLines = lines.stream().filter(l -> message(l).startsWith("GET /admin/tenants/logs 200 ")).count();
            assertThat(adminLines).isEqualTo(1);

            String output = Files.readString(server.log(), StandardCharsets.UTF_8);
            assertThat(output).doesNotContain("evil id with spaces");
            assertThat(output).as("Axon's warning for the refused creation").doesNotContain("trying to create an aggregate");
            for (String s : secrets) {
                assertThat(output).as("a secret in the log").doesNotContain(s);
            }
        }
    }

    /** Every line of the log is a JSON object; the JVM's own warnings on standard error are the only exception. */
    private static List<JsonNode> jsonLines(Path log) throws IOException {
        List<JsonNode> json = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                json.add(TestHttp.parse(line));
            } else if (!line.isBlank() && !line.startsWith("WARNING: ")) {
                other.add(line);
            }
        }
        assertThat(other).as("lines that are not JSON").isEmpty();
        assertThat(json).as("JSON lines").hasSizeGreaterThan(10);
        return json;
    }

    private static JsonNode requestLine(List<JsonNode> lines, String requestId) {
        List<JsonNode> found = lines.stream().filter(l -> requestId.equals(l.path("request_id").asString(null))
                && "tally.request".equals(logger(l))).toList();
        assertThat(found).as("the request line of %s", requestId).hasSize(1);
        return found.get(0);
    }

    private static String message(JsonNode line) {
        return line.path("message").asString("");
    }

    private static String logger(JsonNode line) {
        JsonNode nested = line.path("log").path("logger");
        return nested.isMissingNode() ? line.path("log.logger").asString(null) : nested.asString(null);
    }

    private static HttpResponse<String> token(String base, String requestId, String clientId, String secret, String form)
            throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/t/" + TENANT + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .header("X-Request-Id", requestId).POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
