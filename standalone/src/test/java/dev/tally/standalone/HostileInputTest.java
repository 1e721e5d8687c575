package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 15's five causes of a 500 on malformed input, each as it was found, over raw HTTP/1.1 on the standalone
 * server (the bytes exactly as an attacker sends them: a client library would refuse to send most of them): each
 * now gets the endpoint's 4xx in the endpoint's form, and the container never logs a parameter's value. Also the
 * data directory of a new server, owner-only.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(LoginFlowEndToEndTest.Clocks.class)
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest {
    static final String ADMIN = "hostile-input-admin-token";
    static final String PASSWORD = "correct horse battery staple";
    static Path dataDir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        // not there yet: the server creates it, and must create it owner-only
        dataDir = Files.createTempDirectory("tally-hostile").resolve("data");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;
    String tenant;
    String clientId;
    String clientSecret;
    String userId;

    @BeforeEach
    void tenant() {
        if (tenant != null) {
            return;
        }
        tenant = "hostile-" + Long.toHexString(System.nanoTime());
        TestHttp http = new TestHttp("http://localhost:" + port, ADMIN);
        assertThat(http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", "H")).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", "https://api.test",
                "name", "API", "token_lifetime", 600, "scopes", List.of("read"), "allow_offline_access", true)).status())
                .isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "m2m",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials", "password", "refresh_token")));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        clientId = client.text("client_id");
        clientSecret = client.text("client_secret");
        Response user = http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice", "password", PASSWORD));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        userId = user.text("user_id");
    }

    /** Cause 1: a form or query parameter the container cannot decode, on every endpoint the issue names. */
    @Test
    void undecodableParametersGetA400InTheEndpointsFormNotA500() throws Exception {
        List<String> spellings = List.of("%ff%fe", "%", "%zz", "%u0041", "\u00ff\u00fe" /* raw bytes FF FE */, "&=");
        String basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("/t/" + tenant + "/oauth/token", "grant_type=client_credentials&audience=x");
        forms.put("/t/" + tenant + "/oauth/token#password", "grant_type=password&username=alice");
        forms.put("/t/" + tenant + "/oauth/token#refresh", "grant_type=refresh_token&refresh_token=r");
        forms.put("/t/" + tenant + "/oauth/token#code", "grant_type=authorization_code&code=c&redirect_uri=https://x");
        forms.put("/t/" + tenant + "/oauth/introspect", "token=t");
        forms.put("/t/" + tenant + "/oauth/revoke", "token=t");
        List<String> reads = List.of("/t/" + tenant + "/revocations", "/admin/tenants/" + tenant + "/audit",
                "/admin/tenants/" + tenant + "/lifetimes/explain", "/admin/tenants/" + tenant + "/users",
                "/admin/tenants/" + tenant + "/users/" + userId + "/sessions", "/admin/tenants/" + tenant + "/refresh-token-families");
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (String spelling : spellings) {
            for (Map.Entry<String, String> form : forms.entrySet()) {
                String path = form.getKey().replaceFirst("#.*", "");
                Raw answer = raw("POST", path, Map.of("Authorization", basic,
                        "Content-Type", "application/x-www-form-urlencoded"), latin1(form.getValue() + "&x=" + spelling));
                requests++;
                if (answer.status != 400 || !answer.body.contains("\"error\":\"invalid_request\"")) {
                    failures.add(form.getKey() + " " + spelling + " -> " + answer);
                }
            }
            for (String read : reads) {
                Raw answer = raw("GET", read + "?x=" + spelling, Map.of("Authorization", "Bearer " + ADMIN), new byte[0]);
                requests++;
                boolean containerRefusedTheRequestLine = spelling.startsWith("\u00ff");
                if (containerRefusedTheRequestLine) {
                    // bytes that may not stand in a request line at all: the container answers before any filter
                    if (answer.status != 400 || answer.body.contains("Tomcat") || answer.body.contains("Exception")) {
                        failures.add(read + " raw bytes -> " + answer);
                    }
                } else if (answer.status != 400 || !answer.body.contains("\"status\":400")
                        || !answer.contentType.startsWith("application/problem+json")) {
                    failures.add(read + " " + spelling + " -> " + answer);
                }
            }
        }
        assertThat(failures).as(failures.size() + " of " + requests + " requests").isEmpty();
    }

    /** Cause 2: multipart without a boundary, on a POST and a PATCH of each kind of endpoint. */
    @Test
    void multipartWithoutABoundaryGetsA415() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + ADMIN, "Content-Type", "multipart/form-data");
        for (String[] call : List.of(new String[] {"POST", "/t/" + tenant + "/oauth/token"},
                new String[] {"POST", "/t/" + tenant + "/oauth/introspect"},
                new String[] {"POST", "/admin/tenants/" + tenant + "/users"},
                new String[] {"PATCH", "/admin/tenants/" + tenant + "/clients/" + clientId},
                new String[] {"POST", "/t/" + tenant + "/login"})) {
            Raw answer = raw(call[0], call[1], auth, latin1("--x\r\n"));
            assertThat(answer.status).as(call[0] + " " + call[1] + " -> " + answer).isEqualTo(415);
        }
    }

    /** Cause 3: a wildcard on a management write; an unparseable type or an unknown charset on the OAuth POSTs. */
    @Test
    void wildcardUnparseableOrUnknownCharsetContentTypesGetA415() throws Exception {
        Raw wildcard = raw("POST", "/admin/tenants/" + tenant + "/users",
                Map.of("Authorization", "Bearer " + ADMIN, "Content-Type", "*/*"), latin1("{}"));
        assertThat(wildcard.status).as(wildcard.toString()).isEqualTo(415);
        assertThat(wildcard.contentType).startsWith("application/problem+json");
        for (String type : List.of(";;;", " ", "application/x-www-form-urlencoded; charset=no-such-charset", "text/", "/",
                "application/x-www-form-urlencoded; charset=\"", "application/x-www-form-urlencoded; charset=UTF-16")) {
            for (String endpoint : List.of("token", "introspect", "revoke")) {
                Raw answer = raw("POST", "/t/" + tenant + "/oauth/" + endpoint, Map.of("Content-Type", type), latin1("token=t"));
                assertThat(answer.status).as(type + " on " + endpoint + " -> " + answer).isEqualTo(415);
                assertThat(answer.body).contains("\"error\":\"invalid_request\"");
            }
        }
    }

    /** Cause 4: a value named twice in {@code prompt} threw from {@code Set.of}. */
    @Test
    void aRepeatedPromptValueCountsOnce() throws Exception {
        TestHttp http = new TestHttp("http://localhost:" + port, ADMIN);
        Response spa = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "spa", "app_type", "spa",
                "callbacks", List.of("https://app.test/cb")));
        assertThat(spa.status()).as(spa.toString()).isEqualTo(201);
        String authorize = "/t/" + tenant + "/authorize?response_type=code&client_id=" + spa.text("client_id")
                + "&redirect_uri=https://app.test/cb&scope=openid&state=s&code_challenge_method=S256"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

        Raw twice = raw("GET", authorize + "&prompt=login%20login", Map.of(), new byte[0]);
        Raw noneAndLogin = raw("GET", authorize + "&prompt=none+login+none", Map.of(), new byte[0]);

        assertThat(twice.status).as(twice.toString()).isEqualTo(200);
        assertThat(twice.body).contains("<form");
        assertThat(noneAndLogin.status).as("none with another value stays an error: " + noneAndLogin).isEqualTo(302);
        assertThat(noneAndLogin.location).contains("error=invalid_request");
    }

    /** Cause 5: a form over the limit (the container's 2 MB was a 500), and a JSON body over its own, declared or chunked. */
    @Test
    void bodiesOverTheLimitGetA413() throws Exception {
        byte[] form = latin1("token=" + "a".repeat(70_000));
        Raw overForm = raw("POST", "/t/" + tenant + "/oauth/introspect", Map.of("Content-Type", "application/x-www-form-urlencoded"), form);
        assertThat(overForm.status).as(overForm.toString()).isEqualTo(413);
        assertThat(overForm.body).contains("\"error\":\"invalid_request\"");

        byte[] json = latin1("{\"username\":\"" + "b".repeat(1_100_000) + "\"}");
        Map<String, String> jsonHeaders = Map.of("Authorization", "Bearer " + ADMIN, "Content-Type", "application/json");
        Raw declared = raw("POST", "/admin/tenants/" + tenant + "/users", jsonHeaders, json);
        Raw chunked = rawChunked("POST", "/admin/tenants/" + tenant + "/users", jsonHeaders, json);
        assertThat(declared.status).as(declared.toString()).isEqualTo(413);
        assertThat(chunked.status).as(chunked.toString()).isEqualTo(413);
        assertThat(chunked.contentType).startsWith("application/problem+json");

        Raw underLimit = raw("POST", "/t/" + tenant + "/oauth/introspect", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                latin1("token=" + "a".repeat(60_000)));
        assertThat(underLimit.status).as("under the limit the endpoint answers itself: " + underLimit).isEqualTo(401);
        Raw chunkedUnderLimit = rawChunked("POST", "/t/" + tenant + "/oauth/introspect",
                Map.of("Content-Type", "application/x-www-form-urlencoded"), latin1("token=" + "a".repeat(60_000)));
        assertThat(chunkedUnderLimit.status).as(chunkedUnderLimit.toString()).isEqualTo(401);
    }

    /**
     * A body that ends (the client closes its side) before the length it declared is refused with a 400, never handed
     * on cut short (a form cut after {@code scope=a} would ask for another scope). The container flags the failed read
     * itself and answers through its error page, which renders it in the addressed endpoint's form: an RFC 6749 error
     * on the token endpoint, an RFC 9457 problem on the management API (Spring Boot's own JSON before).
     */
    @Test
    void aBodyShorterThanItsContentLengthGetsA400InTheEndpointsForm() throws Exception {
        String token = cutShort("/t/" + tenant + "/oauth/token", "application/x-www-form-urlencoded",
                "grant_type=client_credentials&scope=a");
        assertThat(token).startsWith("HTTP/1.1 400");
        // not answered by the endpoint, which would have refused the missing client authentication
        assertThat(token).doesNotContain("invalid_client");
        assertThat(token).contains("Content-Type: application/json")
                .endsWith("{\"error\":\"invalid_request\",\"error_description\":\"the request could not be read\"}");

        String management = cutShort("/admin/tenants", "application/json", "{\"tenant_id\":\"cut\"");
        assertThat(management).startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json")
                .endsWith("{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
                        + "\"detail\":\"the request could not be read\"}");
    }

    /** Spring Boot's error path asked for directly: a 404 in the management API's form, not Boot's own JSON. */
    @Test
    void theErrorPathItselfIsNotFoundAsAProblem() throws Exception {
        Raw error = raw("GET", "/error", Map.of(), new byte[0]);

        assertThat(error.status).isEqualTo(404);
        assertThat(error.contentType).startsWith("application/problem+json");
        assertThat(error.body).contains("\"status\":404").doesNotContain("timestamp");
    }

    /** Sends the head and the start of a body that declares 40 bytes more, closes the sending side, reads the answer. */
    private String cutShort(String path, String contentType, String start) throws IOException {
        byte[] sent = latin1(start);
        String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: " + contentType + "\r\nContent-Length: " + (sent.length + 40) + "\r\n\r\n";
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(latin1(head));
            out.write(sent);
            out.flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The container logged {@code Parameter [password] with value [...]} at ERROR when a password had a byte it could
     * not decode, on the password grant and on the login form. Also a password in a request line the container
     * cannot parse, and in a cookie it cannot parse.
     */
    @Test
    void anUndecodablePasswordIsRefusedAndNeverLogged(CapturedOutput output) throws Exception {
        String secret = "Zq7-never-in-a-log-" + Long.toHexString(System.nanoTime());
        byte[] grant = latin1("grant_type=password&username=alice&client_id=" + clientId + "&client_secret=" + clientSecret
                + "&password=" + secret + "%F6");
        Raw token = raw("POST", "/t/" + tenant + "/oauth/token", Map.of("Content-Type", "application/x-www-form-urlencoded"), grant);
        Raw rawByte = raw("POST", "/t/" + tenant + "/oauth/token", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                latin1("grant_type=password&username=alice&password=" + secret + "\u00f6"));
        Raw login = raw("POST", "/t/" + tenant + "/login", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                latin1("request=r&csrf=c&username=alice&password=" + secret + "%F6"));
        Raw requestLine = raw("GET", "/t/" + tenant + "/oauth/token?password=" + secret + "\u0001{}", Map.of(), new byte[0]);
        Raw cookie = raw("GET", "/t/" + tenant + "/.well-known/jwks.json", Map.of("Cookie", "tally_session=" + secret + "\"; ;=\u00f6"), new byte[0]);

        assertThat(token.status).as(token.toString()).isEqualTo(400);
        assertThat(rawByte.status).as(rawByte.toString()).isEqualTo(400);
        assertThat(login.status).as(login.toString()).isEqualTo(400);
        assertThat(login.contentType).startsWith("text/html");
        assertThat(requestLine.status).as(requestLine.toString()).isEqualTo(400);
        assertThat(cookie.status).as(cookie.toString()).isLessThan(500);
        assertThat(output.getAll()).doesNotContain(secret).doesNotContain(clientSecret);
    }

    /** A new data directory, its database and the master key are readable by their owner only. */
    @Test
    void aNewDataDirectoryAndEveryFileInItAreOwnerOnly() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
        List<String> files;
        try (Stream<Path> listed = Files.list(dataDir)) {
            files = listed.map(f -> f.getFileName() + " " + permissions(f)).sorted().toList();
        }
        assertThat(files).contains("master.key rw-------", "tally.mv.db rw-------")
                .allSatisfy(f -> assertThat(f).endsWith(" rw-------"));
    }

    private static String permissions(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    record Raw(int status, String contentType, String location, String body) {
        @Override
        public String toString() {
            return status + " " + contentType + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /** One request, its target and headers sent as Latin-1 bytes, exactly as given. */
    Raw raw(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        return exchange(latin1(head.toString()), body);
    }

    Raw rawChunked(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 8192) {
            int n = Math.min(8192, body.length - at);
            chunks.writeBytes(latin1(Integer.toHexString(n) + "\r\n"));
            chunks.write(body, at, n);
            chunks.writeBytes(latin1("\r\n"));
        }
        chunks.writeBytes(latin1("0\r\n\r\n"));
        return exchange(latin1(head.toString()), chunks.toByteArray());
    }

    private Raw exchange(byte[] head, byte[] body) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            try {
                out.write(body);
                out.flush();
            } catch (IOException closedEarly) {
                // the server may answer (413) and close before the whole body is sent: read its answer
            }
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int endOfHead = answer.indexOf("\r\n\r\n");
            String[] lines = answer.substring(0, Math.max(0, endOfHead)).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String contentType = "";
            String location = "";
            for (String line : lines) {
                String lower = line.toLowerCase();
                if (lower.startsWith("content-type:")) {
                    contentType = line.substring(13).trim();
                } else if (lower.startsWith("location:")) {
                    location = line.substring(9).trim();
                }
            }
            return new Raw(status, contentType, location, answer.substring(endOfHead + 4));
        }
    }
}
