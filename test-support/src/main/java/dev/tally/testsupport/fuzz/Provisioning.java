package dev.tally.testsupport.fuzz;

import dev.tally.testsupport.fuzz.Fixture.Client;
import dev.tally.testsupport.fuzz.Fixture.Code;
import dev.tally.testsupport.fuzz.Fixture.LoginForm;
import dev.tally.testsupport.fuzz.Fixture.Tokens;
import dev.tally.testsupport.fuzz.Fixture.User;
import dev.tally.testsupport.fuzz.Fixture.Witnesses;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the {@link Fixture} through the real API, as a user of Tally would (management API, token endpoint, the
 * browser's authorize and login pages), and registers every secret involved. Every step must succeed; the first that
 * does not ends the run with what the server said.
 */
final class Provisioning {
    static final String TENANT = "fuzz";
    static final String SPARE_TENANT = "fuzz-spare";
    static final String WITNESS_TENANT = "fuzz-witness";
    static final String API = "https://api.fuzz.test";
    static final String WITNESS_API = "https://witness.fuzz.test";
    static final String OTHER_TENANT_API = "https://api.fuzz-witness.test";
    static final String CALLBACK = "https://app.fuzz.test/callback";
    static final String LOGOUT_URL = "https://app.fuzz.test/";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern HIDDEN = Pattern.compile("name=\"(request|csrf)\" value=\"([^\"]*)\"");
    private static final Pattern COOKIE = Pattern.compile("^(tally_\\w+)=([^;]*)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String baseUrl;
    private final String adminToken;
    private final Secrets secrets;

    Provisioning(String baseUrl, String adminToken, Secrets secrets) {
        this.baseUrl = baseUrl;
        this.adminToken = adminToken;
        this.secrets = secrets;
        secrets.add("the administrator's token", adminToken);
    }

    Fixture provision() {
        admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", "Fuzz target"), 201);
        admin("POST", "/admin/tenants", Map.of("id", SPARE_TENANT, "name", "Fuzz spare"), 201);
        admin("POST", "/admin/tenants", Map.of("id", WITNESS_TENANT, "name", "Fuzz witness", "signing_alg", "RS256"), 201);
        String t = "/admin/tenants/" + TENANT;

        String api = admin("POST", t + "/apis", Map.of("identifier", API, "name", "Fuzz API", "token_lifetime", 3600,
                "scopes", List.of("read", "write"), "allow_offline_access", true), 201).get("id").asString();
        String spareApi = admin("POST", t + "/apis", Map.of("identifier", "https://spare.fuzz.test", "name", "Spare API",
                "token_lifetime", 600),
                201).get("id").asString();
        String witnessApi = admin("POST", t + "/apis", Map.of("identifier", WITNESS_API, "name", "Witness API",
                "token_lifetime", 3600, "scopes", List.of("read"), "allow_offline_access", true), 201).get("id").asString();
        String otherApi = admin("POST", "/admin/tenants/" + WITNESS_TENANT + "/apis", Map.of("identifier",
                OTHER_TENANT_API, "name", "Other tenant's API", "token_lifetime", 3600, "scopes", List.of("read")), 201).get("id").asString();

        Client confidential = client(t, "confidential", Map.of("name", "Fuzz web app", "app_type", "regular_web",
                "grant_types", List.of("client_credentials", "authorization_code", "password", "refresh_token"),
                "callbacks", List.of(CALLBACK), "allowed_logout_urls", List.of(LOGOUT_URL)));
        Client spa = client(t, "SPA", Map.of("name", "Fuzz SPA", "app_type", "spa",
                "grant_types", List.of("authorization_code", "refresh_token"), "callbacks", List.of(CALLBACK),
                "allowed_logout_urls", List.of(LOGOUT_URL)));
        Client nativeApp = client(t, "native app", Map.of("name", "Fuzz native app", "app_type", "native",
                "grant_types", List.of("authorization_code", "refresh_token"), "callbacks", List.of(CALLBACK)));
        Client management = client(t, "management client", Map.of("name", "Fuzz tooling", "app_type", "non_interactive",
                "management_scopes", List.of("tenant:read")));
        Client spareClient = client(t, "spare client", Map.of("name", "Spare", "app_type", "non_interactive"));
        Client witnessClient = client(t, "witness client", Map.of("name", "Witness", "app_type", "regular_web",
                "grant_types", List.of("client_credentials", "password", "refresh_token")));
        Client otherTenantClient = client("/admin/tenants/" + WITNESS_TENANT, "other tenant's witness client",
                Map.of("name", "Other tenant's witness", "app_type", "non_interactive"));

        User user = user(t, "fuzz-user", "target user");
        User spareUser = user(t, "spare-user", "spare user");
        User witnessUser = user(t, "witness-user", "witness user");

        String rule = admin("POST", t + "/lifetime-rules", Map.of("name", "fuzz-rule", "priority", 10,
                "condition", "request.grant_type == \"client_credentials\"",
                "effects", Map.of("access_token_lifetime", 1800)), 201).get("id").asString();
        String spareRule = admin("POST", t + "/lifetime-rules", Map.of("name", "spare-rule", "priority", 20,
                "condition", "false", "effects", Map.of("access_token_lifetime", 60)), 201).get("id").asString();

        // Target tokens: the machine token, the password grant's set, the browser login's set, a management token.
        List<String> access = new ArrayList<>();
        List<String> refresh = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        access.add(token(confidential, "the confidential client's access token", Map.of("grant_type", "client_credentials",
                "audience", API, "scope", "read")).get("access_token").asString());
        JsonNode password = token(confidential, "the target user's password-grant tokens", Map.of("grant_type", "password",
                "username", user.username(), "password", user.password(), "audience", API,
                "scope", "openid offline_access read"));
        access.add(password.get("access_token").asString());
        refresh.add(password.get("refresh_token").asString());
        ids.add(password.get("id_token").asString());
        String managementToken = token(management, "the management token", Map.of("grant_type", "client_credentials",
                "audience", "urn:tally:management")).get("access_token").asString();

        Login login = logIn(spa, user);
        JsonNode browser = token(null, "the target user's browser-login tokens", Map.of("grant_type", "authorization_code",
                "client_id", spa.id(), "code", login.code().code(), "redirect_uri", CALLBACK,
                "code_verifier", login.code().verifier()));
        access.add(browser.get("access_token").asString());
        refresh.add(browser.get("refresh_token").asString());
        ids.add(browser.get("id_token").asString());
        List<Code> codes = new ArrayList<>(List.of(login.code()));
        codes.add(silentCode(spa, login.sessionCookie()));
        codes.add(silentCode(spa, login.sessionCookie()));
        List<LoginForm> forms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            forms.add(loginForm(i % 2 == 0 ? spa : nativeApp, pkce(verifier())).form());
        }
        List<String> sessionIds = new ArrayList<>();
        List<String> familyIds = new ArrayList<>();
        for (String token : access) {
            JsonNode about = introspect(confidential, token);
            if (about.hasNonNull("sid")) {
                sessionIds.add(about.get("sid").asString());
            }
            if (about.hasNonNull("fid")) {
                familyIds.add(about.get("fid").asString());
            }
        }
        if (sessionIds.isEmpty() || familyIds.isEmpty()) {
            throw new IllegalStateException("the target tokens name no session (" + sessionIds + ") or no family ("
                    + familyIds + ")");
        }

        // Witnesses: their secrets and tokens are used here and by the checks after the run, never by the run.
        String witnessAccess = token(witnessClient, "the witness client's access token", Map.of("grant_type",
                "client_credentials", "audience", WITNESS_API, "scope", "read")).get("access_token").asString();
        JsonNode witnessPassword = token(witnessClient, "the witness user's tokens", Map.of("grant_type", "password",
                "username", witnessUser.username(), "password", witnessUser.password(), "audience", WITNESS_API,
                "scope", "offline_access read"));
        String otherTenantAccess = tokenAt(WITNESS_TENANT, otherTenantClient, "the other tenant's access token",
                Map.of("grant_type", "client_credentials", "audience", OTHER_TENANT_API)).get("access_token").asString();
        String witnessFamily = introspect(witnessClient, witnessPassword.get("access_token").asString()).get("fid").asString();
        Map<String, String> representations = new LinkedHashMap<>();
        for (String path : List.of("/admin/tenants/" + WITNESS_TENANT, t + "/apis/" + witnessApi,
                t + "/clients/" + witnessClient.id(), t + "/users/" + witnessUser.id(),
                "/admin/tenants/" + WITNESS_TENANT + "/clients/" + otherTenantClient.id(),
                "/admin/tenants/" + WITNESS_TENANT + "/apis/" + otherApi)) {
            representations.put(path, admin("GET", path, null, 200).toString());
        }
        Witnesses witnesses = new Witnesses(WITNESS_TENANT, representations, witnessApi, WITNESS_API, witnessClient,
                witnessUser, witnessAccess, witnessPassword.get("access_token").asString(),
                witnessPassword.get("refresh_token").asString(), witnessFamily, otherTenantClient, otherApi,
                OTHER_TENANT_API, otherTenantAccess);

        Tokens tokens = new Tokens(List.copyOf(access), List.copyOf(refresh), List.copyOf(ids), List.copyOf(codes),
                managementToken, login.sessionCookie(), List.copyOf(sessionIds), List.copyOf(familyIds));
        return new Fixture(adminToken, TENANT, SPARE_TENANT, api, API, spareApi, confidential, spa, nativeApp, management,
                spareClient, user, spareUser, rule, spareRule, CALLBACK, LOGOUT_URL, tokens, List.copyOf(forms),
                witnesses);
    }

    private Client client(String tenantPath, String label, Map<String, Object> body) {
        JsonNode created = admin("POST", tenantPath + "/clients", body, 201);
        String secret = created.hasNonNull("client_secret") ? created.get("client_secret").asString() : null;
        secrets.add("the " + label + "'s secret", secret);
        return new Client(created.get("client_id").asString(), secret);
    }

    private User user(String tenantPath, String username, String label) {
        String password = randomText(24);
        secrets.add("the " + label + "'s password", password);
        String id = admin("POST", tenantPath + "/users", Map.of("username", username, "password", password), 201)
                .get("user_id").asString();
        return new User(id, username, password);
    }

    private JsonNode token(Client client, String what, Map<String, String> form) {
        return tokenAt(TENANT, client, what, form);
    }

    /** A token request, with {@code client_secret_basic} when the client has a secret; every token answered is a secret. */
    private JsonNode tokenAt(String tenant, Client client, String what, Map<String, String> form) {
        Map<String, String> params = new LinkedHashMap<>(form);
        String basic = null;
        if (client != null && client.secret() != null) {
            basic = Draft.basicCredentials(client.id(), client.secret());
            secrets.add("Basic credentials", basic);
        } else if (client != null) {
            params.put("client_id", client.id());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/t/" + tenant + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(params)));
        if (basic != null) {
            request.header("Authorization", "Basic " + basic);
        }
        HttpResponse<String> answer = send(request);
        expect(answer, 200, what);
        JsonNode tokens = JSON.readTree(answer.body());
        for (String name : List.of("access_token", "refresh_token", "id_token")) {
            if (tokens.hasNonNull(name)) {
                secrets.add(what + " (" + name + ")", tokens.get(name).asString());
            }
        }
        return tokens;
    }

    private JsonNode introspect(Client client, String token) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(baseUrl + "/t/" + TENANT + "/oauth/introspect"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Draft.basicCredentials(client.id(), client.secret()))
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(Map.of("token", token)))));
        expect(answer, 200, "introspection");
        JsonNode about = JSON.readTree(answer.body());
        if (!about.path("active").asBoolean()) {
            throw new IllegalStateException("a token made for the run is not active: " + secrets.mask(answer.body()));
        }
        return about;
    }

    private record Pending(LoginForm form, String verifier) {
    }

    private record Login(Code code, String sessionCookie) {
    }

    /** The browser's first visit: the authorize endpoint shows the login form and binds it to a cookie. */
    private Pending loginForm(Client client, String challenge) {
        return loginForm(client, challenge, null);
    }

    private Pending loginForm(Client client, String challenge, String verifier) {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(baseUrl + authorizePath(client, challenge))).GET());
        expect(page, 200, "the login page");
        Map<String, String> hidden = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(page.body());
        while (m.find()) {
            hidden.put(m.group(1), m.group(2));
        }
        String binding = cookies(page).get("tally_login");
        if (hidden.size() != 2 || binding == null) {
            throw new IllegalStateException("the login page has no form or no binding cookie: " + page.body());
        }
        secrets.add("a login form's CSRF token", hidden.get("csrf"));
        secrets.add("a login form's binding cookie", binding);
        return new Pending(new LoginForm(hidden.get("request"), hidden.get("csrf"), binding), verifier);
    }

    private Login logIn(Client client, User user) {
        String verifier = verifier();
        Pending pending = loginForm(client, pkce(verifier), verifier);
        HttpResponse<String> done = send(HttpRequest.newBuilder(URI.create(baseUrl + "/t/" + TENANT + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "tally_login=" + pending.form().binding())
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(Map.of("request", pending.form().requestId(),
                        "csrf", pending.form().csrf(), "username", user.username(), "password", user.password())))));
        expect(done, 302, "the login");
        String session = cookies(done).get("tally_session");
        secrets.add("the target user's session cookie", session);
        return new Login(new Code(codeOf(done), verifier), session);
    }

    /** Single sign-on: the authorize endpoint answers a live session's cookie with a code at once. */
    private Code silentCode(Client client, String sessionCookie) {
        String verifier = verifier();
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(baseUrl + authorizePath(client, pkce(verifier))))
                .header("Cookie", "tally_session=" + sessionCookie).GET());
        expect(answer, 302, "a code for the live session");
        return new Code(codeOf(answer), verifier);
    }

    private String authorizePath(Client client, String challenge) {
        return "/t/" + TENANT + "/authorize?" + formEncode(Map.of("response_type", "code", "client_id", client.id(),
                "redirect_uri", CALLBACK, "scope", "openid offline_access read", "audience", API, "state", "fuzz-state",
                "nonce", "fuzz-nonce", "code_challenge", challenge, "code_challenge_method", "S256"));
    }

    private String codeOf(HttpResponse<String> redirect) {
        String location = redirect.headers().firstValue("Location").orElseThrow();
        Matcher m = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (!m.find()) {
            throw new IllegalStateException("no code in " + location);
        }
        String code = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        secrets.add("an authorization code", code);
        return code;
    }

    private static Map<String, String> cookies(HttpResponse<String> answer) {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : answer.headers().allValues("Set-Cookie")) {
            Matcher m = COOKIE.matcher(header);
            if (m.find() && !m.group(2).isEmpty()) {
                cookies.put(m.group(1), m.group(2));
            }
        }
        return cookies;
    }

    private String verifier() {
        String verifier = randomText(64);
        secrets.add("a PKCE verifier", verifier);
        return verifier;
    }

    static String pkce(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode admin(String method, String path, Object body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + adminToken);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> answer = send(request);
        expect(answer, expected, method + " " + path);
        return JSON.readTree(answer.body());
    }

    private void expect(HttpResponse<String> answer, int status, String what) {
        if (answer.statusCode() != status) {
            throw new IllegalStateException("setting up the run: " + what + " answered " + answer.statusCode()
                    + " instead of " + status + ": " + secrets.mask(answer.body()));
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("setting up the run: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String formEncode(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** Letters and digits only, so the secret is the same in every encoding a log might show it in. */
    static String randomText(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
