package dev.tally.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.Browser;
import dev.tally.testsupport.ServiceProcess;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;

/**
 * A real Tally for the starter's tests: the standalone jar the build made ({@code tally.standalone.jar}), run as a
 * process of its own (H2 in a fresh directory) so that nothing of Tally is on the test application's class path, set
 * up through the management API and signed in to through its login page, as a user does.
 */
final class TallyServer implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple";
    static final String CALLBACK = "http://127.0.0.1/callback";

    private final ServiceProcess process;
    private final Path dataDir;
    private final TestHttp http;

    private TallyServer(ServiceProcess process, Path dataDir, String adminToken) {
        this.process = process;
        this.dataDir = dataDir;
        this.http = new TestHttp(process.url(), adminToken);
    }

    static TallyServer start() {
        Path jar = Path.of(System.getProperty("tally.standalone.jar", "../standalone/target/tally.jar"));
        String admin = "starter-admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        int port = ServiceProcess.freePort();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("tally-starter");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServiceProcess process = ServiceProcess.startJar("standalone-starter", jar, Map.of("TALLY_DATA_DIR",
                dataDir.toString(), "TALLY_ADMIN_TOKEN", admin, "TALLY_BASE_URL", "http://127.0.0.1:" + port), port,
                Duration.ofSeconds(90));
        return new TallyServer(process, dataDir, admin);
    }

    String baseUrl() {
        return process.url();
    }

    String issuer(String tenant) {
        return baseUrl() + "/t/" + tenant;
    }

    TestHttp http() {
        return http;
    }

    /** A management API call that must answer {@code status}. */
    Response admin(String method, String path, Object body, int status) {
        Response answer = http.admin(method, path, body);
        assertThat(answer.status()).as("%s %s: %s", method, path, answer).isEqualTo(status);
        return answer;
    }

    /** A token of the client credentials grant for {@code audience}. */
    String clientCredentials(String tenant, String clientId, String secret, String audience) {
        Response answer = http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type",
                "client_credentials", "audience", audience), clientId, secret);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.text("access_token");
    }

    /**
     * The code flow with PKCE as a web application runs it: the user signs in at Tally's login page, the code is
     * exchanged with the client's secret. Returns the token response.
     */
    Response signIn(String tenant, String clientId, String secret, String username, String scope, String audience) {
        String verifier = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        Browser browser = new Browser(baseUrl());
        HttpResponse<String> form = browser.get("/t/" + tenant + "/authorize?" + Browser.encode(Map.of(
                "response_type", "code", "client_id", clientId, "redirect_uri", CALLBACK, "scope", scope,
                "audience", audience, "state", "s1", "code_challenge", challenge(verifier),
                "code_challenge_method", "S256")));
        assertThat(form.statusCode()).as("the login page: %s", form.body()).isEqualTo(200);
        HttpResponse<String> submitted = browser.post("/t/" + tenant + "/login", Map.of(
                "request", Browser.hidden(form.body(), "request"), "csrf", Browser.hidden(form.body(), "csrf"),
                "username", username, "password", PASSWORD));
        assertThat(submitted.statusCode()).as("the login: %s", submitted.body()).isEqualTo(302);
        String code = Browser.redirectParams(submitted).get("code");
        assertThat(code).as("the redirect: %s", submitted.headers().map()).isNotNull();
        Response tokens = http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "code", code, "redirect_uri", CALLBACK, "code_verifier", verifier), clientId, secret);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return tokens;
    }

    private static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind harms nothing
        }
    }
}
