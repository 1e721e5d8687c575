package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.problem.ManagementApi;
import dev.tally.testsupport.Await;
import dev.tally.testsupport.Browser;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI description of the management API ({@code GET /admin/openapi.json}) against the running standalone
 * server: it is valid OpenAPI 3.1; its operations are exactly the application's {@link ManagementApi} routes; and real
 * requests, through the API itself, reach every documented operation, each answer's status documented for it and its
 * body valid against the documented schema ({@link OpenApiConformance}).
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(LoginFlowEndToEndTest.Clocks.class)
class OpenApiDescriptionTest {
    static final String ADMIN = "openapi-description-admin-token";
    static final String PASSWORD = "correct horse battery staple";
    static final String CALLBACK = LoginFlowEndToEndTest.CALLBACK;
    static final String MANAGEMENT = "urn:tally:management";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-openapi");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        // the answers are under test here, not the hashing: the cheapest Argon2id keeps the logins fast
        registry.add("tally.password.argon2.memory-kib", () -> "8");
        registry.add("tally.password.argon2.iterations", () -> "1");
    }

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping handlerMapping;

    String base() {
        return "http://localhost:" + port;
    }

    TestHttp admin() {
        return new TestHttp(base(), ADMIN);
    }

    String description() {
        Response served = new TestHttp(base(), "unused").adminWithoutToken("GET", "/admin/openapi.json", null);
        assertThat(served.status()).as(served.toString()).isEqualTo(200);
        return served.body();
    }

    @Test
    void theDescriptionIsPublicCacheableAndValidOpenApi31() throws Exception {
        Response served = new TestHttp(base(), "unused").adminWithoutToken("GET", "/admin/openapi.json", null);
        assertThat(served.status()).as("no token needed").isEqualTo(200);
        assertThat(served.header("Content-Type")).startsWith("application/json");
        assertThat(served.header("Cache-Control")).contains("public").contains("max-age=");
        String etag = served.header("ETag");
        assertThat(etag).isNotBlank();
        HttpResponse<String> revalidated = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base() + "/admin/openapi.json")).header("If-None-Match", etag).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revalidated.statusCode()).isEqualTo(304);
        new OpenApiConformance(served.body()).check("GET", "/admin/openapi.json",
                new Response(revalidated.statusCode(), revalidated.headers().map(), revalidated.body()));
        HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base() + "/admin/openapi.json")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).as("HEAD is public too").isEqualTo(200);

        // the rest of /admin stays guarded, as do other methods on the description and paths that only resemble it
        TestHttp anonymous = new TestHttp(base(), "unused");
        assertThat(anonymous.adminWithoutToken("GET", "/admin/projections", null).status()).isEqualTo(401);
        assertThat(anonymous.adminWithoutToken("GET", "/admin/tenants", null).status()).isEqualTo(401);
        assertThat(anonymous.adminWithoutToken("POST", "/admin/openapi.json", "{}").status()).isEqualTo(401);
        assertThat(anonymous.adminWithoutToken("GET", "/admin/openapi.json/", null).status()).isEqualTo(401);
        assertThat(anonymous.adminWithoutToken("GET", "/admin/tenants/openapi.json", null).status()).isEqualTo(401);

        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.body(), null, options);
        assertThat(parsed.getMessages()).as("the parser's messages").isEmpty();
        OpenAPI api = parsed.getOpenAPI();
        assertThat(api).isNotNull();
        assertThat(api.getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        OpenApiConformance conformance = new OpenApiConformance(served.body());
        assertThat(api.getPaths().values().stream().mapToInt(path -> path.readOperations().size()).sum())
                .as("operations as the parser reads them").isEqualTo(conformance.documentedOperations().size()).isEqualTo(49);
        assertThat(api.getComponents().getSecuritySchemes()).containsOnlyKeys("platformAdmin", "managementToken");

        // every example the description gives is valid against the schema it illustrates
        int examples = 0;
        for (String[] media : conformance.examples()) {
            List<JsonNode> values = conformance.examplesAt(media[0]);
            if (media[0].startsWith("/paths/")) {
                assertThat(values).as("an example for %s", media[0]).isNotEmpty();
            }
            for (JsonNode value : values) {
                conformance.assertValid(media[0] + "/schema", value, "example at " + media[0]);
                examples++;
            }
        }
        assertThat(examples).isGreaterThanOrEqualTo(conformance.documentedOperations().size());

        // the answers' schemas are closed: an example with one field more (in the object, or in an array's first item)
        // is refused, so a field added to an answer but not to the description fails the answers test
        int closed = 0;
        for (String[] media : conformance.examples()) {
            boolean success = media[0].matches("/paths/[^/]+/[a-z]+/responses/2\\d\\d/content/application~1(json|x-ndjson)");
            if (!success || media[0].startsWith("/paths/~1admin~1openapi.json/")) {
                continue;
            }
            for (JsonNode value : conformance.examplesAt(media[0])) {
                JsonNode widened = value.deepCopy();
                JsonNode target = widened.isArray() ? widened.get(0) : widened;
                ((ObjectNode) target).put("undocumented_field", 1);
                assertThat(conformance.errors(media[0] + "/schema", widened)).as("%s refuses a field it does not name",
                        media[0]).isNotEmpty();
                closed++;
            }
        }
        assertThat(closed).as("closed answer schemas checked").isGreaterThan(35);
    }

    /** A request the test client cannot make: a body of another content type. */
    Response sendAsAdmin(String method, String path, String contentType, String body) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + path))
                    .header("Authorization", "Bearer " + ADMIN).header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every route of a {@link ManagementApi} controller is documented, and nothing else is. */
    @Test
    void theDocumentedOperationsAreExactlyTheManagementRoutes() {
        OpenApiConformance api = new OpenApiConformance(description());
        Set<String> routes = new TreeSet<>();
        int namedParameters = 0;
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : handlerMapping.getHandlerMethods().entrySet()) {
            boolean managementPath = e.getKey().getPatternValues().stream()
                    .anyMatch(p -> p.startsWith("/admin") || p.startsWith("/t/{tenant}/revocations"));
            boolean managementApi = AnnotatedElementUtils.hasAnnotation(e.getValue().getBeanType(), ManagementApi.class);
            // a controller under /admin that forgot @ManagementApi would answer errors that are not problems
            assertThat(managementApi || !managementPath).as("%s serves the management API's paths as @ManagementApi",
                    e.getValue()).isTrue();
            if (!managementApi) {
                continue;
            }
            Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
            assertThat(methods).as("%s names its methods", e.getValue()).isNotEmpty();
            for (String pattern : e.getKey().getPatternValues()) {
                for (RequestMethod method : methods) {
                    routes.add(method.name() + " " + pattern);
                    // a query parameter the handler names is documented for the operation (the query side's
                    // handlers take them as a map and refuse unknown ones: the answers test covers those)
                    for (MethodParameter parameter : e.getValue().getMethodParameters()) {
                        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
                        if (param == null || Map.class.isAssignableFrom(parameter.getParameterType())) {
                            continue;
                        }
                        String name = param.name().isEmpty() ? parameter.getParameterName() : param.name();
                        if (api.doc().path("paths").has(pattern)) {
                            assertThat(api.queryParameters(method.name(), pattern))
                                    .as("query parameters documented for %s %s", method, pattern).contains(name);
                            namedParameters++;
                        }
                    }
                }
            }
        }
        assertThat(namedParameters).as("named query parameters checked").isGreaterThanOrEqualTo(7);
        Set<String> documented = api.documentedOperations();
        assertThat(routes).as("management routes").hasSizeGreaterThan(40);
        assertThat(documented).as("documented operations = the application's management routes")
                .containsExactlyInAnyOrderElementsOf(routes);
    }

    /**
     * Drives the whole management API through itself (a tenant, an API, clients, a user who logs in, rules, keys,
     * revocations, a legal hold, projections) and holds every answer, success and error, against the description.
     */
    @Test
    void everyDocumentedOperationAnswersAsDocumented() {
        OpenApiConformance api = new OpenApiConformance(description());
        TestHttp admin = admin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String t = "oa-" + suffix;
        String other = "ob-" + suffix;
        String audience = "https://api." + t + ".test";

        // tenants
        Response created = api.call(admin, "POST", "/admin/tenants", null, Map.of("id", t, "name", "OpenAPI",
                "default_token_lifetime", 900, "session_idle_timeout", 3600, "session_absolute_timeout", 86400,
                "refresh_token_rotation", "rotate", "on_permission_change", "revoke_all"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(api.call(admin, "POST", "/admin/tenants", null, Map.of("id", other, "name", "Other")).status()).isEqualTo(201);
        assertThat(api.call(admin, "POST", "/admin/tenants", null, Map.of("id", t, "name", "again")).status()).isEqualTo(409);
        assertThat(api.call(admin, "POST", "/admin/tenants", null, "{\"id\": \"oc-" + suffix + "\", \"name\": \"x\", "
                + "\"default_token_lifetime\": \"soon\"}").status()).isEqualTo(400);
        assertThat(api.call(admin, "POST", "/admin/tenants", null, "{\"id\": \"oc-" + suffix + "\", \"nmae\": \"x\"}").status())
                .as("a request body is closed").isEqualTo(400);
        Response tooLarge = sendAsAdmin("POST", "/admin/tenants", "application/json",
                "{\"id\": \"" + other + "\", \"name\": \"" + "x".repeat(1_100_000) + "\"}");
        api.check("POST", "/admin/tenants", tooLarge);
        assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(413);
        Response plainText = sendAsAdmin("POST", "/admin/tenants", "text/plain", "id=" + other);
        api.check("POST", "/admin/tenants", plainText);
        assertThat(plainText.status()).as(plainText.toString()).isEqualTo(415);
        assertThat(api.call(admin, "GET", "/admin/tenants", null, null).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}", null, null, t).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}", null, null, "nope-" + suffix).status()).isEqualTo(404);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}", null, Map.of("name", "OpenAPI tenant",
                "refresh_token_leeway", 5), t).status()).isEqualTo(200);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}", null, "{\"on_permission_change\": \"sometimes\"}", t)
                .status()).isEqualTo(400);

        // APIs
        Response apiCreated = api.call(admin, "POST", "/admin/tenants/{tenant}/apis", null, Map.of("identifier", audience,
                "name", "Orders", "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true), t);
        assertThat(apiCreated.status()).as(apiCreated.toString()).isEqualTo(201);
        String apiId = apiCreated.text("id");
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/apis", null, Map.of("identifier", audience, "name", "Twice",
                "token_lifetime", 60), t).status()).isEqualTo(409);
        Response second = api.call(admin, "POST", "/admin/tenants/{tenant}/apis", null, Map.of("identifier",
                "https://billing." + t + ".test", "name", "Billing", "token_lifetime", 600, "token_dialect", "access_token", "signing_alg", "RS256"), t);
        assertThat(second.status()).as(second.toString()).isEqualTo(201);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/apis", null, null, t).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/apis/{apiId}", null, null, t, apiId).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/apis/{apiId}", null, null, t, "api_nope").status())
                .isEqualTo(404);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/apis/{apiId}", null, Map.of("token_lifetime", 1800), t, apiId)
                .status()).isEqualTo(200);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/apis/{apiId}", null, "{\"token_lifetime\": -1}", t, apiId)
                .status()).isEqualTo(400);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/apis", null, null, "nope-" + suffix).status()).isEqualTo(404);

        // clients
        Response machine = api.call(admin, "POST", "/admin/tenants/{tenant}/clients", null, Map.of("name", "Ops",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials"),
                "management_scopes", List.of("tenant:read")), t);
        assertThat(machine.status()).as(machine.toString()).isEqualTo(201);
        String machineId = machine.text("client_id");
        Response web = api.call(admin, "POST", "/admin/tenants/{tenant}/clients", null, Map.of("name", "Web app",
                "app_type", "spa", "callbacks", List.of(CALLBACK), "grant_types", List.of("authorization_code", "refresh_token"),
                "refresh_token", Map.of("rotation", "rotate", "token_lifetime", 86400)), t);
        assertThat(web.status()).as(web.toString()).isEqualTo(201);
        String webId = web.text("client_id");
        Response legacy = api.call(admin, "POST", "/admin/tenants/{tenant}/clients", null, Map.of("name", "Legacy",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token"),
                "client_metadata", Map.of("team", "billing")), t);
        assertThat(legacy.status()).as(legacy.toString()).isEqualTo(201);
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/clients", null, "{\"name\": \"No type\"}", t).status())
                .isEqualTo(400);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/clients", null, null, t).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/clients/{clientId}", null, null, t, webId).status())
                .isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/clients/{clientId}", null, null, t, "nope").status())
                .isEqualTo(404);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/clients/{clientId}", null, Map.of("name", "Web app 2",
                "allowed_logout_urls", List.of("https://app.test/bye")), t, webId).status()).isEqualTo(200);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/clients/{clientId}", null,
                "{\"token_endpoint_auth_method\": \"telepathy\"}", t, machineId).status()).isEqualTo(400);
        Response rotated = api.call(admin, "POST", "/admin/tenants/{tenant}/clients/{clientId}/rotate-secret", null, null, t,
                machineId);
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.text("client_secret")).isNotBlank();
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/clients/{clientId}/rotate-secret", null, null, t, "nope")
                .status()).isEqualTo(404);

        // users
        Response alice = api.call(admin, "POST", "/admin/tenants/{tenant}/users", null, Map.of("username", "alice",
                "password", PASSWORD, "roles", List.of("buyer"), "user_metadata", Map.of("locale", "fr")), t);
        assertThat(alice.status()).as(alice.toString()).isEqualTo(201);
        String aliceId = alice.text("user_id");
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/users", null, Map.of("username", "ALICE", "password", PASSWORD), t)
                .status()).as("usernames are unique in any case").isEqualTo(409);
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/users", null, "{\"username\": \"bob\"}", t).status())
                .isEqualTo(400);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/users", null, null, t).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/users", "username=Alice", null, t).json().size()).isEqualTo(1);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/users/{userId}", null, null, t, aliceId).status())
                .isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/users/{userId}", null, null, t, "usr_nope").status())
                .isEqualTo(404);

        // lifetime rules and the explain tool
        Response rule = api.call(admin, "POST", "/admin/tenants/{tenant}/lifetime-rules", null, Map.of("name", "short-machines",
                "priority", 10, "condition", "client.app_type == 'non_interactive'",
                "effects", Map.of("access_token_lifetime", 300)), t);
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);
        String ruleId = rule.text("id");
        Response badRule = api.call(admin, "POST", "/admin/tenants/{tenant}/lifetime-rules", null, Map.of("name", "broken",
                "condition", "client.app_type ==", "effects", Map.of("access_token_lifetime", 300)), t);
        assertThat(badRule.status()).isEqualTo(400);
        assertThat(badRule.json().has("line")).as(badRule.toString()).isTrue();
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/lifetime-rules", null, null, t).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/lifetime-rules/{ruleId}", null, null, t, ruleId).status())
                .isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/lifetime-rules/{ruleId}", null, null, t, "rul_nope").status())
                .isEqualTo(404);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/lifetime-rules/{ruleId}", null, Map.of("priority", 5,
                "effects", Map.of("expires_at", Map.of("daily_at", "00:00"))), t, ruleId).status()).isEqualTo(200);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/lifetime-rules/{ruleId}", null,
                "{\"effects\": {\"expires_at\": {\"daily_at\": \"noon\"}}}", t, ruleId).status()).isEqualTo(400);
        Response explained = api.call(admin, "GET", "/admin/tenants/{tenant}/lifetimes/explain",
                "client_id=" + machineId + "&audience=" + audience, null, t);
        assertThat(explained.status()).as(explained.toString()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/lifetimes/explain", "client_id=" + webId
                + "&grant_type=authorization_code&user_id=" + aliceId + "&scope=openid%20offline_access&audience=" + audience,
                null, t).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/lifetimes/explain", null, null, t).status()).isEqualTo(400);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/lifetimes/explain", "client_id=nope", null, t).status())
                .isEqualTo(404);

        // a login session with a refresh-token family, and a family without a session (the password grant)
        Browser browser = new Browser(base());
        String code = LoginFlowEndToEndTest.login(browser, t, webId, PASSWORD, "openid offline_access read:orders");
        Response tokens = admin.form("/t/" + t + "/oauth/token", TestHttp.params("grant_type", "authorization_code",
                "client_id", webId, "code", code, "redirect_uri", CALLBACK, "code_verifier", LoginFlowEndToEndTest.VERIFIER),
                null, null);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        Response rotatedToken = admin.form("/t/" + t + "/oauth/token", TestHttp.params("grant_type", "refresh_token",
                "client_id", webId, "refresh_token", tokens.text("refresh_token")), null, null);
        assertThat(rotatedToken.status()).as(rotatedToken.toString()).isEqualTo(200);
        Response passwordGrant = admin.form("/t/" + t + "/oauth/token", TestHttp.params("grant_type", "password",
                "username", "alice", "password", PASSWORD, "audience", audience, "scope", "offline_access read:orders"),
                legacy.text("client_id"), legacy.text("client_secret"));
        assertThat(passwordGrant.status()).as(passwordGrant.toString()).isEqualTo(200);

        Response userSessions = api.call(admin, "GET", "/admin/tenants/{tenant}/users/{userId}/sessions", null, null, t, aliceId);
        assertThat(userSessions.json().size()).as(userSessions.toString()).isEqualTo(1);
        String sessionId = userSessions.json().get(0).get("session_id").asString();
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/users/{userId}/sessions", "include_ended=maybe", null, t,
                aliceId).status()).isEqualTo(400);

        // the query side: sessions, families, timelines, time travel, the audit
        Await.await("the session and both families in the views", Duration.ofSeconds(10), () ->
                admin.admin("GET", "/admin/tenants/" + t + "/refresh-token-families", null).json()
                        .get("refresh_token_families").size() == 2
                        && admin.admin("GET", "/admin/tenants/" + t + "/sessions", null).json().get("sessions").size() == 1);
        Response sessions = api.call(admin, "GET", "/admin/tenants/{tenant}/sessions", "user_id=" + aliceId + "&limit=10", null, t);
        assertThat(sessions.json().get("sessions").size()).isEqualTo(1);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/sessions", "limit=0", null, t).status()).isEqualTo(400);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/sessions/{sessionId}", null, null, t, sessionId).status())
                .isEqualTo(200);
        // the server's clock, which the tests sharing this context move: the session exists at that instant
        String now = LoginFlowEndToEndTest.CLOCK.instant().plusSeconds(3600).toString();
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/sessions/{sessionId}", "at=" + now, null, t, sessionId)
                .json().get("as_of").asString()).isEqualTo(now);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/sessions/{sessionId}", "at=yesterday", null, t, sessionId)
                .status()).isEqualTo(400);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/sessions/{sessionId}", null, null, t, "ses_nope").status())
                .isEqualTo(404);
        Response families = api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families", "limit=1", null, t);
        assertThat(families.json().get("next_cursor").isString()).as("a second page").isTrue();
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families",
                "cursor=" + families.json().get("next_cursor").asString(), null, t).json().get("refresh_token_families").size())
                .isEqualTo(1);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families", "cursor=not-ours", null, t).status())
                .isEqualTo(400);
        Response ofSession = api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families", "session_id=" + sessionId,
                null, t);
        String familyId = ofSession.json().get("refresh_token_families").get(0).get("family_id").asString();
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families/{familyId}", null, null, t, familyId)
                .json().get("generation").asInt()).as("rotated once").isEqualTo(2);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families/{familyId}", "at=" + now, null, t,
                familyId).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families/{familyId}", null, null, t, "fam_nope")
                .status()).isEqualTo(404);
        Await.await("the session's and the family's timelines", Duration.ofSeconds(10), () ->
                admin.admin("GET", "/admin/tenants/" + t + "/refresh-token-families/" + familyId + "/history", null).status() == 200
                        && admin.admin("GET", "/admin/tenants/" + t + "/sessions/" + sessionId + "/history", null).status() == 200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/sessions/{sessionId}/history", null, null, t, sessionId)
                .json().get("events").size()).isGreaterThan(0);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/sessions/{sessionId}/history", "limit=5", null, t, sessionId)
                .status()).as("the timeline takes no parameters").isEqualTo(400);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/sessions/{sessionId}/history", null, null, t, "ses_nope")
                .status()).isEqualTo(404);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families/{familyId}/history", null, null, t,
                familyId).json().get("events").size()).isGreaterThan(1);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families/{familyId}/history", null, null, t,
                "fam_nope").status()).isEqualTo(404);
        Response audit = api.call(admin, "GET", "/admin/tenants/{tenant}/audit", "limit=3&type=TenantCreated,ApiRegistered,"
                + "ClientRegistered,UserRegistered,SessionStarted,AccessTokenIssued", null, t);
        assertThat(audit.json().get("events").size()).isEqualTo(3);
        String issuedJti = api.call(admin, "GET", "/admin/tenants/{tenant}/audit", "limit=1&type=AccessTokenIssued", null, t)
                .json().get("events").get(0).get("jti").asString();
        Response byJti = api.call(admin, "GET", "/admin/tenants/{tenant}/audit", "jti=" + issuedJti, null, t);
        assertThat(byJti.json().get("events").size()).as(byJti.toString()).isPositive();
        byJti.json().get("events").forEach(e -> assertThat(e.get("jti").asString()).isEqualTo(issuedJti));
        Response export = api.callAccepting(admin, "GET", "/admin/tenants/{tenant}/audit", "user_id=" + aliceId, null,
                "application/x-ndjson", t);
        assertThat(export.body().lines().count()).as(export.toString()).isGreaterThan(3);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/audit", "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                null, t).status()).isEqualTo(400);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/audit", null, null, "nope-" + suffix).status()).isEqualTo(404);

        // signing keys
        Response keys = api.call(admin, "GET", "/admin/tenants/{tenant}/signing-keys", null, null, t);
        assertThat(keys.json().size()).as(keys.toString()).isGreaterThan(0);
        Response rotatedKeys = api.call(admin, "POST", "/admin/tenants/{tenant}/signing-keys/rotate", null, Map.of("alg", "ES256"), t);
        assertThat(rotatedKeys.status()).as(rotatedKeys.toString()).isEqualTo(202);
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/signing-keys/rotate", null, "{\"alg\": \"HS256\"}", t).status())
                .isEqualTo(400);
        String pendingKid = rotatedKeys.json().get(0).get("kid").asString();
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/signing-keys/{kid}/revoke", null,
                Map.of("reason", "rehearsal"), t, pendingKid).status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/signing-keys", null, null, "nope-" + suffix).status())
                .isEqualTo(404);

        // revocations by the administrator, and the revocation list
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/refresh-token-families/{familyId}", null, null, t, familyId)
                .status()).isEqualTo(204);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/refresh-token-families/{familyId}", null, null, t,
                "fam_nope").status()).isEqualTo(404);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/users/{userId}/sessions/{sessionId}", null, null, t,
                aliceId, sessionId).status()).isEqualTo(204);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/users/{userId}/sessions/{sessionId}", null, null, t,
                aliceId, "ses_nope").status()).isEqualTo(404);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/users/{userId}/sessions", null, null, t, aliceId).status())
                .isEqualTo(204);
        assertThat(api.call(admin, "GET", "/admin/tenants/{tenant}/users/{userId}/sessions", "include_ended=true", null, t, aliceId)
                .json().get(0).get("end_reason").asString()).isEqualTo("administrator");
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/users/{userId}", null, Map.of("roles", List.of("buyer",
                "approver")), t, aliceId).status()).isEqualTo(200);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/users/{userId}", null, "{\"roles\": \"approver\"}", t,
                aliceId).status()).isEqualTo(400);
        Await.await("the revocations of a family, a session, a key and a subject", Duration.ofSeconds(10), () -> {
            Set<String> kinds = new TreeSet<>();
            admin.admin("GET", "/t/" + t + "/revocations", null).json().get("revocations")
                    .forEach(r -> kinds.add(r.get("kind").asString()));
            return kinds.containsAll(List.of("family", "session", "signing_key", "subject"));
        });
        Await.await("the ended session and family in the views", Duration.ofSeconds(10), () ->
                "revoked".equals(admin.admin("GET", "/admin/tenants/" + t + "/sessions/" + sessionId, null).text("status"))
                        && "revoked".equals(admin.admin("GET", "/admin/tenants/" + t + "/refresh-token-families/" + familyId,
                        null).text("status")));
        Response endedSession = api.call(admin, "GET", "/admin/tenants/{tenant}/sessions/{sessionId}", null, null, t, sessionId);
        assertThat(endedSession.json().get("cause").get("kind").asString()).as(endedSession.toString()).isEqualTo("administrator");
        Response endedFamily = api.call(admin, "GET", "/admin/tenants/{tenant}/refresh-token-families/{familyId}", null, null, t,
                familyId);
        assertThat(endedFamily.json().get("ended_at").isString()).as(endedFamily.toString()).isTrue();
        Response revocations = api.call(admin, "GET", "/t/{tenant}/revocations", "limit=2", null, t);
        assertThat(revocations.json().get("has_more").asBoolean()).isTrue();
        Response rest = api.call(admin, "GET", "/t/{tenant}/revocations", "since=" + revocations.text("next_cursor"), null, t);
        assertThat(rest.json().get("revocations").size()).isGreaterThan(1);
        assertThat(api.call(admin, "GET", "/t/{tenant}/revocations", "since=r1", null, t).status()).isEqualTo(400);
        assertThat(api.call(admin, "GET", "/t/{tenant}/revocations", null, null, "nope-" + suffix).status()).isEqualTo(404);

        // a tenant's management token: reads its tenant, writes nothing there
        Response managementToken = admin.form("/t/" + t + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", MANAGEMENT), machineId, rotated.text("client_secret"));
        assertThat(managementToken.status()).as(managementToken.toString()).isEqualTo(200);
        TestHttp reader = new TestHttp(base(), managementToken.text("access_token"));
        assertThat(api.call(reader, "GET", "/admin/tenants/{tenant}/users", null, null, t).status()).isEqualTo(200);
        assertThat(api.call(reader, "GET", "/t/{tenant}/revocations", null, null, t).status()).isEqualTo(200);
        assertThat(api.call(reader, "POST", "/admin/tenants/{tenant}/users", null, Map.of("username", "mallory",
                "password", PASSWORD), t).status()).isEqualTo(403);
        assertThat(api.call(admin, "PATCH", "/admin/tenants/{tenant}/clients/{clientId}", null,
                Map.of("management_scopes", List.of("tenant:admin")), t, machineId).status()).isEqualTo(200);

        // legal hold
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/legal-hold", null, Map.of("reason", "case 7"), t).status())
                .isEqualTo(200);
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/legal-hold", null, Map.of("reason", "again"), t).status())
                .isEqualTo(409);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/legal-hold", null, null, t).status()).isEqualTo(200);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/legal-hold", null, null, t).status()).isEqualTo(404);
        assertThat(api.call(admin, "POST", "/admin/tenants/{tenant}/legal-hold", null, "[]", t).status()).isEqualTo(400);

        // the master key ring and the projections
        assertThat(api.call(admin, "POST", "/admin/master-key/reseal", null, null).status()).isEqualTo(200);
        Response projections = api.call(admin, "GET", "/admin/projections", null, null);
        assertThat(projections.json().get("projections").size()).isGreaterThan(0);
        assertThat(api.call(admin, "GET", "/admin/projections/{name}", null, null, "audit").status()).isEqualTo(200);
        assertThat(api.call(admin, "GET", "/admin/projections/{name}", null, null, "nope").status()).isEqualTo(404);
        assertThat(api.call(admin, "POST", "/admin/projections/{name}/replay", null, null, "nope").status()).isEqualTo(404);
        assertThat(api.call(admin, "POST", "/admin/projections/{name}/replay", null, null, "sessions").status()).isEqualTo(202);
        Await.await("the sessions view live again", Duration.ofSeconds(10), () ->
                "live".equals(admin.admin("GET", "/admin/projections/sessions", null).text("status")));

        // deletions
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/lifetime-rules/{ruleId}", null, null, t, ruleId).status())
                .isEqualTo(204);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/lifetime-rules/{ruleId}", null, null, t, ruleId).status())
                .isEqualTo(404);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/clients/{clientId}", null, null, t, webId).status())
                .isEqualTo(204);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/clients/{clientId}", null, null, t, webId).status())
                .isEqualTo(404);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/apis/{apiId}", null, null, t, apiId).status())
                .isEqualTo(204);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/apis/{apiId}", null, null, t, apiId).status())
                .isEqualTo(404);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/users/{userId}", null, null, t, aliceId).status())
                .isEqualTo(204);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}/users/{userId}", null, null, t, aliceId).status())
                .isEqualTo(404);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}", null, null, t).status()).isEqualTo(204);
        assertThat(api.call(admin, "DELETE", "/admin/tenants/{tenant}", null, null, t).status()).isEqualTo(404);

        // every operation without a token (401), and with a management token of another tenant (403)
        Response foreignClient = admin.admin("POST", "/admin/tenants/" + other + "/clients", Map.of("name", "Foreign ops",
                "app_type", "non_interactive", "grant_types", List.of("client_credentials"),
                "management_scopes", List.of("tenant:admin")));
        Response foreignToken = admin.form("/t/" + other + "/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", MANAGEMENT), foreignClient.text("client_id"), foreignClient.text("client_secret"));
        assertThat(foreignToken.status()).as(foreignToken.toString()).isEqualTo(200);
        TestHttp foreign = new TestHttp(base(), foreignToken.text("access_token"));
        TestHttp anonymous = new TestHttp(base(), "unused");
        for (String operation : api.documentedOperations()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String template = operation.substring(operation.indexOf(' ') + 1);
            if (api.operation(method, template).has("security") && api.operation(method, template).get("security").isEmpty()) {
                api.check(method, template, anonymous.adminWithoutToken(method, template, null));
                api.check(method, template, anonymous.adminWithoutToken(method, template + "?q=%ff", null));
                continue;
            }
            String[] args = new String[(int) template.chars().filter(c -> c == '{').count()];
            Arrays.fill(args, "x");
            if (template.contains("{tenant}")) {
                args[0] = t;
            }
            String path = OpenApiConformance.expand(template, args);
            Response undecodable = anonymous.adminWithoutToken(method, path + "?q=%ff", null);
            api.check(method, template, undecodable);
            assertThat(undecodable.status()).as("%s with a query string that does not decode", operation).isEqualTo(400);
            Response unauthenticated = anonymous.adminWithoutToken(method, path, null);
            api.check(method, template, unauthenticated);
            assertThat(unauthenticated.status()).as("%s without a token", operation).isEqualTo(401);
            Response forbidden = foreign.admin(method, path, null);
            api.check(method, template, forbidden);
            assertThat(forbidden.status()).as("%s with another tenant's token", operation).isEqualTo(403);
        }

        Map<String, Set<Integer>> exercised = api.exercised();
        assertThat(exercised.keySet()).as("every documented operation exercised")
                .containsExactlyInAnyOrderElementsOf(api.documentedOperations());
        Map<Integer, Integer> byStatus = new HashMap<>();
        exercised.values().forEach(statuses -> statuses.forEach(s -> byStatus.merge(s, 1, Integer::sum)));
        assertThat(byStatus).as("operations answering each status").containsKeys(200, 201, 202, 204, 400, 401, 403,
                404, 409, 413, 415);
        assertThat(exercised).hasSize(49);
        System.out.printf("OpenAPI conformance: %d operations exercised, %d bodies validated; operations per status %s%n",
                exercised.size(), api.validatedBodies(), new TreeMap<>(byStatus));
    }
}
