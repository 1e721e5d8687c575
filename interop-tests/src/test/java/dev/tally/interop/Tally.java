package dev.tally.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.Browser;
import dev.tally.testsupport.ServiceProcess;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The standalone server, as its users run it ({@code java -jar standalone/target/tally.jar}, H2 in a fresh data
 * directory), started once for every test class of this module and stopped when JUnit ends the run. It runs on the
 * jar's own class path: Spring Security and the client libraries these tests use are on this JVM's class path only,
 * and on Tally's they would change what Tally does.
 *
 * <p>A test class takes it as a parameter of its {@code @BeforeAll} ({@code @ExtendWith(Tally.Server.class)}) and
 * sets up what it needs through the management API, in a tenant of its own.
 */
final class Tally implements AutoCloseable {
    static final Duration STARTUP = Duration.ofSeconds(90);
    static final String PASSWORD = "correct horse battery staple";

    private final ServiceProcess process;
    private final Path dataDir;
    private final TestHttp http;

    private Tally(ServiceProcess process, Path dataDir, String adminToken) {
        this.process = process;
        this.dataDir = dataDir;
        this.http = new TestHttp(process.url(), adminToken);
    }

    /** Starts the jar the build made ({@code tally.standalone.jar}, set by this module's pom). */
    static Tally start() {
        Path jar = Path.of(System.getProperty("tally.standalone.jar", "../standalone/target/tally.jar"));
        String admin = "interop-admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        int port = ServiceProcess.freePort();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("tally-interop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the issuer is fixed, as in production: it must not follow the Host header a client sends
        ServiceProcess process = ServiceProcess.startJar("standalone-interop", jar, Map.of("TALLY_DATA_DIR",
                dataDir.toString(), "TALLY_ADMIN_TOKEN", admin, "TALLY_BASE_URL", "http://127.0.0.1:" + port), port,
                STARTUP);
        return new Tally(process, dataDir, admin);
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

    void tenant(String id) {
        created(http.admin("POST", "/admin/tenants", Map.of("id", id, "name", id)));
    }

    /** An API with the scope {@code read:orders}; {@code more} adds or overrides fields (e.g. {@code token_dialect}). */
    void api(String tenant, String identifier, Map<String, Object> more) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("identifier", identifier, "name", identifier,
                "token_lifetime", 600, "scopes", List.of("read:orders")));
        body.putAll(more);
        created(http.admin("POST", "/admin/tenants/" + tenant + "/apis", body));
    }

    /** A client; the answer holds {@code client_id} and, for a confidential one, {@code client_secret}. */
    Response client(String tenant, Map<String, Object> body) {
        return created(http.admin("POST", "/admin/tenants/" + tenant + "/clients", body));
    }

    void user(String tenant, String username) {
        created(http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", username,
                "password", PASSWORD)));
    }

    /**
     * A user's browser in the code flow: opens {@code authorizeRequest} (built by the client library under test), fills
     * in the login form Tally shows, and answers the redirect to the client's callback (with {@code code} and
     * {@code state}, or an error).
     */
    URI signIn(URI authorizeRequest, String tenant, String username) {
        Browser browser = new Browser(baseUrl());
        HttpResponse<String> form = browser.get(authorizeRequest.getRawPath() + "?" + authorizeRequest.getRawQuery());
        assertThat(form.statusCode()).as("the login page: %s", form.body()).isEqualTo(200);
        HttpResponse<String> submitted = browser.post("/t/" + tenant + "/login", Map.of(
                "request", Browser.hidden(form.body(), "request"), "csrf", Browser.hidden(form.body(), "csrf"),
                "username", username, "password", PASSWORD));
        assertThat(submitted.statusCode()).as("the login: %s", submitted.body()).isEqualTo(302);
        return URI.create(submitted.headers().firstValue("Location").orElseThrow());
    }

    private static Response created(Response answer) {
        assertThat(answer.status()).as("the management API's answer: %s", answer).isEqualTo(201);
        return answer;
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

    /** Gives a test class the one server of the run, started by the first class that asks. */
    static final class Server implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Tally.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(Tally.class))
                    .computeIfAbsent(Tally.class, k -> Tally.start(), Tally.class);
        }
    }
}
