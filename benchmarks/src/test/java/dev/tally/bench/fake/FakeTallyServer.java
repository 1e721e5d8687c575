package dev.tally.bench.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.bench.http.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stand-in for Tally that speaks just the contract the benchmark drives (health, admin API for tenants, APIs,
 * clients and users, the token endpoint's client_credentials, password and refresh_token grants with rotation
 * and reuse detection, and introspection of its own access tokens), on 127.0.0.1 only. It exists to exercise the tool, not to resemble the real server's cost.
 * {@link #main} makes it startable like tally.jar ({@code --server.port}, {@code --tally.data-dir},
 * {@code TALLY_ADMIN_TOKEN}); system property {@code fake.startupDelayMs} delays the bind to exercise health polling.
 */
public final class FakeTallyServer implements AutoCloseable {
    private record Client(String secret, List<String> grantTypes) {
    }

    private record Api(long lifetime, boolean allowOfflineAccess) {
    }

    /** One chain of refresh tokens; guarded by its own monitor. */
    private static final class Family {
        final String tenant;
        final String clientId;
        final Set<String> issued = new HashSet<>();
        String current;
        long audienceLifetime;
        boolean revoked;

        Family(String tenant, String clientId, String first, long audienceLifetime) {
            this.tenant = tenant;
            this.clientId = clientId;
            this.current = first;
            this.audienceLifetime = audienceLifetime;
            issued.add(first);
        }
    }

    private static final class Tenant {
        final Map<String, Api> apis = new ConcurrentHashMap<>();
        final Map<String, Client> clients = new ConcurrentHashMap<>();
        final Map<String, String> users = new ConcurrentHashMap<>(); // username -> password
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String adminToken;
    private final int failEveryNthToken;
    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final AtomicLong passwordGrants = new AtomicLong();
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong reuseDetected = new AtomicLong();
    private final AtomicLong refreshRefusals = new AtomicLong();
    private volatile boolean rotateRefreshTokens = true;
    private final List<String> adminRequests = new CopyOnWriteArrayList<>();
    private final AtomicLong introspections = new AtomicLong();

    private FakeTallyServer(HttpServer server, ExecutorService executor, String adminToken, int failEveryNthToken) {
        this.server = server;
        this.executor = executor;
        this.adminToken = adminToken;
        this.failEveryNthToken = failEveryNthToken;
    }

    /**
     * @param port              0 for any free port
     * @param failEveryNthToken when &gt; 0, every Nth token request answers 500 (to test error accounting)
     */
    public static FakeTallyServer start(int port, String adminToken, int failEveryNthToken) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        FakeTallyServer fake = new FakeTallyServer(http, executor, adminToken, failEveryNthToken);
        http.createContext("/", fake::handle);
        http.setExecutor(executor);
        http.start();
        return fake;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public long tokenRequests() {
        return tokenRequests.get();
    }

    /** Successful password grants (each started a family when offline_access was granted). */
    public long passwordGrants() {
        return passwordGrants.get();
    }

    public long familiesStarted() {
        return families.size();
    }

    /** Refresh requests answered 200. */
    public long rotations() {
        return rotations.get();
    }

    /** Tokens of a family presented after they were replaced: the family was revoked. */
    public long reuseDetected() {
        return reuseDetected.get();
    }

    /** Refresh requests answered with an error, reuse included. */
    public long refreshRefusals() {
        return refreshRefusals.get();
    }

    /** Every admin request in the order received: "POST /admin/tenants {json}". */
    public List<String> adminRequests() {
        return List.copyOf(adminRequests);
    }

    /** Introspection requests answered 200. */
    public long introspections() {
        return introspections.get();
    }

    /** With false, a refresh answers the presented token again instead of a new one (a server bug to catch). */
    public void rotateRefreshTokens(boolean rotate) {
        this.rotateRefreshTokens = rotate;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        int port = 8080;
        Path dataDir = null;
        for (String a : args) {
            if (a.startsWith("--server.port=")) {
                port = Integer.parseInt(a.substring("--server.port=".length()));
            } else if (a.startsWith("--tally.data-dir=")) {
                dataDir = Path.of(a.substring("--tally.data-dir=".length()));
            }
        }
        String token = System.getenv("TALLY_ADMIN_TOKEN");
        if (token == null || token.isEmpty()) {
            System.err.println("TALLY_ADMIN_TOKEN is not set");
            System.exit(2);
        }
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve("fake-tally.txt"), "fake data\n");
        }
        Thread.sleep(Long.getLong("fake.startupDelayMs", 0));
        FakeTallyServer fake = start(port, token, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(fake::close));
        System.out.println("fake tally listening on " + fake.baseUrl());
        Thread.currentThread().join();
    }

    // ------------------------------------------------------------------ routing

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestMethod();
            String[] p = ex.getRequestURI().getPath().split("/");
            if (method.equals("GET") && ex.getRequestURI().getPath().equals("/actuator/health")) {
                send(ex, 200, Json.newObject().put("status", "UP"));
            } else if (p.length >= 2 && p[1].equals("admin")) {
                admin(ex, method, p, new String(body, StandardCharsets.UTF_8));
            } else if (method.equals("POST") && p.length == 5 && p[1].equals("t") && p[3].equals("oauth")
                    && p[4].equals("token")) {
                token(ex, p[2], new String(body, StandardCharsets.UTF_8));
            } else if (method.equals("POST") && p.length == 5 && p[1].equals("t") && p[3].equals("oauth")
                    && p[4].equals("introspect")) {
                introspect(ex, p[2], new String(body, StandardCharsets.UTF_8));
            } else {
                send(ex, 404, error("not_found", "no such endpoint"));
            }
        } catch (RuntimeException e) {
            send(ex, 500, error("server_error", String.valueOf(e)));
        } finally {
            ex.close();
        }
    }

    private void admin(HttpExchange ex, String method, String[] p, String body) throws IOException {
        adminRequests.add(method + " " + ex.getRequestURI().getPath() + " " + body);
        if (!("Bearer " + adminToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, error("unauthorized", "bad admin token"));
            return;
        }
        if (!method.equals("POST")) {
            send(ex, 405, error("method_not_allowed", method));
            return;
        }
        JsonNode json;
        try {
            json = Json.object(body);
        } catch (IllegalArgumentException e) {
            send(ex, 400, error("invalid_request", e.getMessage()));
            return;
        }
        if (p.length == 3 && p[2].equals("tenants")) {
            String id = Json.string(json, "id");
            if (id == null || !id.matches("[a-z0-9-]+")) {
                send(ex, 400, error("invalid_request", "bad id"));
            } else if (tenants.putIfAbsent(id, new Tenant()) != null) {
                send(ex, 409, error("conflict", "tenant exists"));
            } else {
                send(ex, 201, Json.newObject().put("id", id));
            }
            return;
        }
        Tenant tenant = p.length == 5 && p[2].equals("tenants") ? tenants.get(p[3]) : null;
        if (tenant == null) {
            send(ex, 404, error("not_found", "no such tenant or endpoint"));
        } else if (p[4].equals("apis")) {
            String identifier = Json.string(json, "identifier");
            Long lifetime = Json.integer(json, "token_lifetime");
            boolean offline = Json.isTrue(json, "allow_offline_access");
            if (identifier == null) {
                send(ex, 400, error("invalid_request", "identifier missing"));
            } else if (tenant.apis.putIfAbsent(identifier, new Api(lifetime == null ? 86400 : lifetime, offline)) != null) {
                send(ex, 409, error("conflict", "api exists"));
            } else {
                send(ex, 201, Json.newObject().put("identifier", identifier));
            }
        } else if (p[4].equals("users")) {
            String username = Json.string(json, "username");
            String password = Json.string(json, "password");
            if (username == null || password == null || password.length() < 8) {
                send(ex, 400, error("invalid_request", "username and a password of 8 or more characters required"));
            } else if (tenant.users.putIfAbsent(username, password) != null) {
                send(ex, 409, error("conflict", "user exists"));
            } else {
                send(ex, 201, Json.newObject().put("user_id", "usr_" + randomId(12)).put("username", username));
            }
        } else if (p[4].equals("clients")) {
            String id = randomId(16);
            String secret = randomId(32);
            List<String> grants = new ArrayList<>();
            json.path("grant_types").forEach(g -> grants.add(g.asString()));
            tenant.clients.put(id, new Client(secret, grants));
            send(ex, 201, Json.newObject().put("client_id", id).put("client_secret", secret)
                    .put("name", Json.shown(json, "name")));
        } else {
            send(ex, 404, error("not_found", "no such endpoint"));
        }
    }

    private void token(HttpExchange ex, String tenantId, String body) throws IOException {
        long n = tokenRequests.incrementAndGet();
        if (failEveryNthToken > 0 && n % failEveryNthToken == 0) {
            send(ex, 500, error("server_error", "injected failure #" + n));
            return;
        }
        Caller caller = caller(ex, tenantId, body);
        if (caller == null) {
            return;
        }
        Tenant tenant = caller.tenant();
        Map<String, String> form = caller.form();
        Map.Entry<String, Client> client = caller.client();
        String grant = String.valueOf(form.get("grant_type"));
        if (!List.of("client_credentials", "password", "refresh_token").contains(grant)) {
            send(ex, 400, error("unsupported_grant_type", grant));
            return;
        }
        if (!client.getValue().grantTypes().contains(grant)) {
            send(ex, 400, error("unauthorized_client", "grant not allowed"));
            return;
        }
        switch (grant) {
            case "client_credentials" -> {
                Api api = tenant.apis.get(String.valueOf(form.get("audience")));
                if (api == null) {
                    send(ex, 403, error("access_denied", "unknown audience"));
                    return;
                }
                sendTokens(ex, tenantId, client.getKey() + "@clients", form.get("audience"), api.lifetime(), null);
            }
            case "password" -> password(ex, tenantId, tenant, client, form);
            default -> refresh(ex, tenantId, client.getKey(), form);
        }
    }

    /**
     * RFC 7662 for the tokens this fake issued (their payload names the tenant as issuer), asked by any client of the
     * tenant: active with a jti and the asking client's id; anything else inactive.
     */
    private void introspect(HttpExchange ex, String tenantId, String body) throws IOException {
        Caller caller = caller(ex, tenantId, body);
        if (caller == null) {
            return;
        }
        String[] parts = String.valueOf(caller.form().get("token")).split("\\.");
        boolean active = false;
        if (parts.length == 3) {
            try {
                JsonNode payload = Json.object(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
                active = ("fake/" + tenantId).equals(Json.string(payload, "iss"));
            } catch (IllegalArgumentException e) {
                active = false;
            }
        }
        if (!active) {
            send(ex, 200, Json.newObject().put("active", false));
            return;
        }
        introspections.incrementAndGet();
        send(ex, 200, Json.newObject().put("active", true).put("jti", randomId(16))
                .put("client_id", caller.client().getKey()));
    }

    /** Who asks at an OAuth endpoint: the tenant, the request's form and the authenticated client. */
    private record Caller(Tenant tenant, Map<String, String> form, Map.Entry<String, Client> client) {
    }

    /** The caller of an OAuth request; null after answering 404, 400 or 401. */
    private Caller caller(HttpExchange ex, String tenantId, String body) throws IOException {
        Tenant tenant = tenants.get(tenantId);
        if (tenant == null) {
            send(ex, 404, error("not_found", "no such tenant"));
            return null;
        }
        Map<String, String> form = form(ex, body);
        if (form == null) {
            return null;
        }
        Map.Entry<String, Client> client = authenticate(ex, tenant, form);
        return client == null ? null : new Caller(tenant, form, client);
    }

    /** The form of a urlencoded body; null after answering 400 when the body is not one. */
    private static Map<String, String> form(HttpExchange ex, String body) throws IOException {
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            send(ex, 400, error("invalid_request", "form body expected"));
            return null;
        }
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    /** client_secret_basic or client_secret_post; the entry is (client_id, client), or null after answering 401. */
    private static Map.Entry<String, Client> authenticate(HttpExchange ex, Tenant tenant, Map<String, String> form)
            throws IOException {
        Map.Entry<String, Client> client = credentials(ex, tenant, form);
        if (client == null) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
            send(ex, 401, error("invalid_client", "client authentication failed"));
        }
        return client;
    }

    private static Map.Entry<String, Client> credentials(HttpExchange ex, Tenant tenant, Map<String, String> form) {
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = ex.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String decoded = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        }
        Client client = id == null ? null : tenant.clients.get(id);
        return client != null && client.secret().equals(secret) ? Map.entry(id, client) : null;
    }

    private void password(HttpExchange ex, String tenantId, Tenant tenant, Map.Entry<String, Client> client,
                          Map<String, String> form) throws IOException {
        String username = form.get("username");
        if (username == null || !String.valueOf(form.get("password")).equals(tenant.users.get(username))) {
            send(ex, 400, error("invalid_grant", "wrong username or password"));
            return;
        }
        Api api = tenant.apis.get(String.valueOf(form.get("audience")));
        if (api == null) {
            send(ex, 400, error("invalid_target", "unknown audience"));
            return;
        }
        passwordGrants.incrementAndGet();
        String refreshToken = null;
        List<String> scopes = List.of(String.valueOf(form.get("scope")).split(" "));
        if (scopes.contains("offline_access") && api.allowOfflineAccess()
                && client.getValue().grantTypes().contains("refresh_token")) {
            String familyId = "rtf_" + randomId(16);
            refreshToken = familyId + "." + randomId(43);
            families.put(familyId, new Family(tenantId, client.getKey(), refreshToken, api.lifetime()));
        }
        sendTokens(ex, tenantId, "usr_" + username, form.get("audience"), api.lifetime(), refreshToken);
    }

    /** Rotation as Tally does it: the current token gets a successor; an earlier one revokes the family. */
    private void refresh(HttpExchange ex, String tenantId, String clientId, Map<String, String> form) throws IOException {
        String presented = String.valueOf(form.get("refresh_token"));
        int dot = presented.indexOf('.');
        Family family = dot < 0 ? null : families.get(presented.substring(0, dot));
        String refusal = null;
        String next = null;
        long lifetime = 0;
        if (family == null || !family.tenant.equals(tenantId)) {
            refusal = "unknown refresh token";
        } else {
            synchronized (family) {
                lifetime = family.audienceLifetime;
                if (family.revoked) {
                    refusal = "the refresh token was revoked";
                } else if (!family.clientId.equals(clientId)) {
                    refusal = "the refresh token was issued to another client";
                } else if (presented.equals(family.current)) {
                    next = rotateRefreshTokens ? presented.substring(0, dot) + "." + randomId(43) : presented;
                    family.current = next;
                    family.issued.add(next);
                } else if (family.issued.contains(presented)) {
                    family.revoked = true;
                    reuseDetected.incrementAndGet();
                    refusal = "the refresh token was already used; every token of its family is revoked";
                } else {
                    refusal = "unknown refresh token";
                }
            }
        }
        if (refusal != null) {
            refreshRefusals.incrementAndGet();
            send(ex, 400, error("invalid_grant", refusal));
            return;
        }
        rotations.incrementAndGet();
        sendTokens(ex, tenantId, "usr_bench", "https://api.bench.test", lifetime, next);
    }

    private static void sendTokens(HttpExchange ex, String tenantId, String subject, String audience, long lifetime,
                                   String refreshToken) throws IOException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String header = b64.encodeToString(Json.write(Json.newObject().put("alg", "none").put("typ", "JWT"))
                .getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(Json.write(Json.newObject().put("iss", "fake/" + tenantId).put("sub", subject)
                .put("aud", audience).put("iat", now).put("exp", now + lifetime)).getBytes(StandardCharsets.UTF_8));
        byte[] sig = new byte[32];
        ThreadLocalRandom.current().nextBytes(sig);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ObjectNode answer = Json.newObject().put("access_token", header + "." + payload + "." + b64.encodeToString(sig))
                .put("token_type", "Bearer").put("expires_in", lifetime);
        if (refreshToken != null) {
            answer.put("scope", "offline_access").put("refresh_token", refreshToken);
        }
        send(ex, 200, answer);
    }

    private static ObjectNode error(String code, String description) {
        return Json.newObject().put("error", code).put("error_description", description);
    }

    private static String randomId(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static void send(HttpExchange ex, int status, JsonNode json) throws IOException {
        byte[] bytes = Json.write(json).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
