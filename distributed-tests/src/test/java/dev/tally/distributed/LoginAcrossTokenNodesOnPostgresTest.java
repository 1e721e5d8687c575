package dev.tally.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two token-service nodes behind an imaginary load balancer without sticky routing, each a separate application with
 * its own command-service connection, on one PostgreSQL database: a login form shown by one node is posted to the
 * other and logs in, once; the same form posted again, or to both nodes at the same moment, gives at most one login;
 * wrong passwords spread over both nodes count together against the per-user limit (5 by default); and a database
 * the login state cannot be read from or written to is a 503 page, never a 500.
 *
 * The browser here is explicit about its cookie (the login form's browser binding): it sends the one the form came
 * with, also where a real browser would already have dropped it, so what refuses a second use is the server.
 */
class LoginAcrossTokenNodesOnPostgresTest {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_dist_login");
    static final String TENANT = "duo";
    static final String CALLBACK = "https://app.duo.test/callback";
    static final String PASSWORD = "correct horse battery staple";
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static final List<ConfigurableApplicationContext> services = new ArrayList<>();
    static String nodeA;
    static String nodeB;
    static String spaClientId;
    static String legacyClientId;
    static String legacySecret;

    /** Small pools: three services here, and the PostgreSQL server's connections are shared with other test runs. */
    static Map<String, String> environment() {
        Map<String, String> env = Services.environment(DB);
        env.put("TALLY_DB_POOL_SIZE", "4");
        return env;
    }

    @BeforeAll
    static void deploy() {
        ConfigurableApplicationContext command = start(Services.command(environment()));
        TestHttp admin = new TestHttp(Services.url(command), Services.ADMIN_TOKEN);
        created(admin.admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", "Two token nodes, no sticky routing")));
        spaClientId = created(admin.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "Web app",
                "app_type", "spa", "callbacks", List.of(CALLBACK)))).text("client_id");
        Response legacy = created(admin.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "Legacy",
                "app_type", "regular_web", "grant_types", List.of("password"))));
        legacyClientId = legacy.text("client_id");
        legacySecret = legacy.text("client_secret");
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            created(admin.admin("POST", "/admin/tenants/" + TENANT + "/users", Map.of("username", user, "password", PASSWORD)));
        }
        // started after the configuration was made: their views are fed by the start-up read of the store (no Kafka)
        nodeA = Services.url(start(Services.token(environment(), Services.url(command))));
        nodeB = Services.url(start(Services.token(environment(), Services.url(command))));
    }

    @AfterAll
    static void undeploy() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
    }

    @Test
    void aFormShownByOneNodeLogsInOnTheOtherOnceAndItsCodeRedeems() throws Exception {
        LoginForm form = showForm(nodeA);

        HttpResponse<String> onB = submit(nodeB, form, "alice", PASSWORD);

        assertThat(onB.statusCode()).as(onB.body()).isEqualTo(302);
        Map<String, String> redirect = redirectParams(onB);
        assertThat(redirect).containsEntry("state", "s-1").containsKey("code");
        assertThat(onB.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("tally_session="));
        Response tokens = new TestHttp(nodeA, null).form("/t/" + TENANT + "/oauth/token", TestHttp.params(
                "grant_type", "authorization_code", "client_id", spaClientId, "code", redirect.get("code"),
                "redirect_uri", CALLBACK, "code_verifier", VERIFIER), null, null);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(SignedJWT.parse(tokens.text("id_token")).getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("n-1");

        HttpResponse<String> again = submit(nodeA, form, "alice", PASSWORD);
        assertThat(again.statusCode()).as("the same form, cookie and CSRF token, posted again to the first node")
                .isEqualTo(403);
        assertThat(again.body()).contains("Sign-in expired");
        assertThat(again.headers().firstValue("Location")).isEmpty();
        assertThat(submit(nodeB, form, "alice", PASSWORD).statusCode()).as("and to the node that used it").isEqualTo(403);
    }

    @Test
    void oneFormPostedToBothNodesAtTheSameMomentLogsInOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= 5; round++) {
                LoginForm form = showForm(round % 2 == 0 ? nodeA : nodeB);
                CountDownLatch ready = new CountDownLatch(2);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (String node : List.of(nodeA, nodeB)) {
                    answers.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return submit(node, form, "carol", PASSWORD);
                    }));
                }
                assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
                go.countDown();
                HttpResponse<String> a = answers.get(0).get(60, TimeUnit.SECONDS);
                HttpResponse<String> b = answers.get(1).get(60, TimeUnit.SECONDS);
                List<Integer> statuses = List.of(a.statusCode(), b.statusCode());
                assertThat(statuses).as("round %d: A %s, B %s", round, a.body(), b.body()).containsExactlyInAnyOrder(302, 403);
                HttpResponse<String> winner = a.statusCode() == 302 ? a : b;
                assertThat(redirectParams(winner)).containsKey("code");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrongPasswordsSpreadOverBothNodesCountTogether() {
        LoginForm onA = showForm(nodeA);
        LoginForm onB = showForm(nodeB);
        // five failures, three on A and two on B: neither node alone has seen five
        for (int i = 1; i <= 5; i++) {
            boolean a = i % 2 == 1;
            HttpResponse<String> wrong = submit(a ? nodeA : nodeB, a ? onA : onB, "bob", "wrong password " + i);
            assertThat(wrong.statusCode()).as("attempt %d: %s", i, wrong.body()).isEqualTo(401);
            assertThat(wrong.body()).contains("Wrong username or password");
        }

        for (String node : List.of(nodeA, nodeB)) {
            HttpResponse<String> throttled = submit(node, node.equals(nodeA) ? onA : onB, "bob", PASSWORD);
            assertThat(throttled.statusCode()).as("the right password on %s, after five failures in all", node).isEqualTo(429);
            assertThat(throttled.body()).contains("Too many failed attempts. Try again in 15 minutes.");
        }
        Response grant = new TestHttp(nodeB, null).form("/t/" + TENANT + "/oauth/token", TestHttp.params(
                "grant_type", "password", "username", "Bob", "password", PASSWORD), legacyClientId, legacySecret);
        assertThat(grant.status()).as("the password grant counts the same failures: " + grant).isEqualTo(429);
        assertThat(grant.text("error_description")).startsWith("too many failed attempts");

        HttpResponse<String> otherUser = submit(nodeA, onA, "dave", PASSWORD);
        assertThat(otherUser.statusCode()).as("another user from the same address: " + otherUser.body()).isEqualTo(302);
    }

    @Test
    void aLoginStateDatabaseFailureIsA503PageAndNothingIsDecided() throws Exception {
        LoginForm form = showForm(nodeA);

        HttpResponse<String> noForms;
        HttpResponse<String> noFormToPost;
        try (Away away = new Away("pending_authorization")) {
            noForms = get(nodeB, authorizePath(), null);
            noFormToPost = submit(nodeB, form, "alice", PASSWORD);
        }
        for (HttpResponse<String> outage : List.of(noForms, noFormToPost)) {
            assertThat(outage.statusCode()).as(outage.body()).isEqualTo(503);
            assertThat(outage.body()).contains("Temporarily unavailable").doesNotContain("Exception", "at dev.tally");
        }

        HttpResponse<String> noCounts;
        Response grantWithoutCounts;
        try (Away away = new Away("login_failure")) {
            noCounts = submit(nodeB, form, "alice", PASSWORD);
            grantWithoutCounts = new TestHttp(nodeA, null).form("/t/" + TENANT + "/oauth/token", TestHttp.params(
                    "grant_type", "password", "username", "alice", "password", PASSWORD), legacyClientId, legacySecret);
        }
        assertThat(noCounts.statusCode()).as(noCounts.body()).isEqualTo(503);
        assertThat(noCounts.body()).contains("Temporarily unavailable");
        assertThat(grantWithoutCounts.status()).as(grantWithoutCounts.toString()).isEqualTo(503);
        assertThat(grantWithoutCounts.text("error")).isEqualTo("temporarily_unavailable");

        HttpResponse<String> after = submit(nodeA, form, "alice", PASSWORD);
        assertThat(after.statusCode()).as("the form was not used up by the failed attempts: " + after.body()).isEqualTo(302);
    }

    // ---- the browser

    record LoginForm(String request, String csrf, String bindingCookie) {
    }

    static String authorizePath() {
        return "/t/" + TENANT + "/authorize?response_type=code&client_id=" + spaClientId + "&redirect_uri=" + CALLBACK
                + "&scope=openid&state=s-1&nonce=n-1&code_challenge=" + CHALLENGE + "&code_challenge_method=S256";
    }

    /** GET authorize on the node: the login page, with the form's hidden fields and the browser-binding cookie. */
    static LoginForm showForm(String node) {
        HttpResponse<String> page = get(node, authorizePath(), null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        String binding = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("tally_login="))
                .map(c -> c.substring("tally_login=".length(), c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new AssertionError("no login cookie: " + page.headers()));
        return new LoginForm(hidden(page.body(), "request"), hidden(page.body(), "csrf"), binding);
    }

    static HttpResponse<String> submit(String node, LoginForm form, String username, String password) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("request", form.request());
        fields.put("csrf", form.csrf());
        fields.put("username", username);
        fields.put("password", password);
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(node + "/t/" + TENANT + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "tally_login=" + form.bindingCookie())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> get(String node, String pathAndQuery, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node + pathAndQuery)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return BROWSER.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no hidden input '" + name + "' in: " + html);
        }
        return m.group(1);
    }

    static Map<String, String> redirectParams(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "no Location; status " + response.statusCode() + ": " + response.body()));
        assertThat(location).startsWith(CALLBACK + "?");
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    // ---- helpers

    /** A table renamed away for the duration of a block (an outage of exactly that state), then put back. */
    static final class Away implements AutoCloseable {
        private final String table;

        Away(String table) throws Exception {
            this.table = table;
            execute("ALTER TABLE " + table + " RENAME TO " + table + "_away");
        }

        @Override
        public void close() throws Exception {
            execute("ALTER TABLE " + table + "_away RENAME TO " + table);
        }

        private static void execute(String sql) throws Exception {
            try (Connection c = DB.connect(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    private static ConfigurableApplicationContext start(ConfigurableApplicationContext service) {
        services.add(service);
        return service;
    }

    private static Response created(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response;
    }
}
