package dev.tally.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.Browser;
import dev.tally.testsupport.StandaloneJar;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The standalone server, as its users run it ({@link StandaloneJar}: {@code java -jar standalone/target/tally.jar},
 * H2 in a fresh data directory), started once for every test class of this module and stopped when JUnit ends the run.
 * It runs on the jar's own class path: Spring Security and the client libraries these tests use are on this JVM's
 * class path only, and on Tally's they would change what Tally does.
 *
 * <p>A test class takes it as a parameter of its {@code @BeforeAll} ({@code @ExtendWith(Tally.Server.class)}) and
 * sets up what it needs through the management API, in a tenant of its own.
 */
final class Tally implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple";

    private final StandaloneJar server;

    private Tally(StandaloneJar server) {
        this.server = server;
    }

    /** Starts the jar the build made ({@code tally.standalone.jar}, set by this module's pom). */
    static Tally start() {
        return new Tally(StandaloneJar.start("interop"));
    }

    String baseUrl() {
        return server.baseUrl();
    }

    String issuer(String tenant) {
        return server.issuer(tenant);
    }

    TestHttp http() {
        return server.http();
    }

    void tenant(String id) {
        created(http().admin("POST", "/admin/tenants", Map.of("id", id, "name", id)));
    }

    /** An API with the scope {@code read:orders}; {@code more} adds or overrides fields (e.g. {@code token_dialect}). */
    void api(String tenant, String identifier, Map<String, Object> more) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("identifier", identifier, "name", identifier,
                "token_lifetime", 600, "scopes", List.of("read:orders")));
        body.putAll(more);
        created(http().admin("POST", "/admin/tenants/" + tenant + "/apis", body));
    }

    /** A client; the answer holds {@code client_id} and, for a confidential one, {@code client_secret}. */
    Response client(String tenant, Map<String, Object> body) {
        return created(http().admin("POST", "/admin/tenants/" + tenant + "/clients", body));
    }

    void user(String tenant, String username) {
        created(http().admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", username,
                "password", PASSWORD)));
    }

    /**
     * A user's browser in the code flow: opens {@code authorizeRequest} (built by the client library under test), fills
     * in the login form Tally shows, and answers the redirect to the client's callback (with {@code code} and
     * {@code state}, or an error).
     */
    URI signIn(URI authorizeRequest, String tenant, String username) {
        HttpResponse<String> submitted = new Browser(baseUrl()).logIn(authorizeRequest.getRawPath() + "?"
                + authorizeRequest.getRawQuery(), tenant, username, PASSWORD);
        assertThat(submitted.statusCode()).as("the login: %s", submitted.body()).isEqualTo(302);
        return URI.create(submitted.headers().firstValue("Location").orElseThrow());
    }

    private static Response created(Response answer) {
        assertThat(answer.status()).as("the management API's answer: %s", answer).isEqualTo(201);
        return answer;
    }

    @Override
    public void close() {
        server.close();
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
