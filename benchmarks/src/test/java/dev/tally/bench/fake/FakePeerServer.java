package dev.tally.bench.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.bench.http.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
 * A stand-in for one Keycloak realm's token endpoint as the refresh scenario meets a peer there: the password grant
 * and the refresh_token grant for one confidential client (client_secret_post) and one user, each password grant a
 * session of its own whose refresh token is rotated with no reuse allowed ({@code revokeRefreshToken=true},
 * {@code refreshTokenMaxReuse=0}), access tokens of 60 s, and Keycloak's error words. On 127.0.0.1 only; it exists to
 * exercise the tool, not to resemble Keycloak's cost.
 */
public final class FakePeerServer implements AutoCloseable {
    public static final String TOKEN_PATH = "/realms/bench/protocol/openid-connect/token";
    static final long ACCESS_TOKEN_LIFESPAN = 60;

    /** One login session's refresh tokens; guarded by its own monitor. */
    private static final class Session {
        final Set<String> issued = new HashSet<>();
        String current;

        Session(String first) {
            current = first;
            issued.add(first);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String clientId;
    private final String clientSecret;
    private final String username;
    private final String password;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<Map<String, String>> passwordForms = new CopyOnWriteArrayList<>();
    private final AtomicLong rotations = new AtomicLong();
    private final Set<String> machineTokens = ConcurrentHashMap.newKeySet();
    private final AtomicLong introspections = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private volatile boolean rotateRefreshTokens = true;

    private FakePeerServer(HttpServer server, ExecutorService executor, String clientId, String clientSecret,
                           String username, String password) {
        this.server = server;
        this.executor = executor;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.username = username;
        this.password = password;
    }

    /** The realm with this one client and this one user, on any free loopback port. */
    public static FakePeerServer start(String clientId, String clientSecret, String username, String password)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        FakePeerServer fake = new FakePeerServer(http, executor, clientId, clientSecret, username, password);
        http.createContext("/", fake::handle);
        http.setExecutor(executor);
        http.start();
        return fake;
    }

    public String tokenUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + TOKEN_PATH;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The forms of the successful password grants, each decoded, in the order received. */
    public List<Map<String, String>> passwordForms() {
        return List.copyOf(passwordForms);
    }

    /** Refresh requests answered 200. */
    /** Client-credentials tokens issued so far. */
    public int machineTokens() {
        return machineTokens.size();
    }

    /** Introspection requests answered so far. */
    public long introspections() {
        return introspections.get();
    }

    public long rotations() {
        return rotations.get();
    }

    /** Refresh requests answered with an error: reuse, an unknown token, bad credentials. */
    public long refusals() {
        return refusals.get();
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

    private void handle(HttpExchange ex) throws IOException {
        try {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            boolean introspect = path.equals(TOKEN_PATH + "/introspect");
            if (!ex.getRequestMethod().equals("POST") || !(path.equals(TOKEN_PATH) || introspect)) {
                send(ex, 404, error("not_found", "Resource not found"));
                return;
            }
            Map<String, String> form = form(body);
            if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
                send(ex, 401, error("unauthorized_client", "Invalid client or Invalid client credentials"));
                return;
            }
            if (introspect) {
                introspections.incrementAndGet();
                send(ex, 200, Json.newObject().put("active", machineTokens.contains(form.get("token")))
                        .put("client_id", clientId));
                return;
            }
            switch (String.valueOf(form.get("grant_type"))) {
                case "password" -> password(ex, form);
                case "refresh_token" -> refresh(ex, form);
                case "client_credentials" -> {
                    String token = "eyJhbGciOiJFUzI1NiJ9." + randomId(40) + "." + randomId(86);
                    machineTokens.add(token);
                    send(ex, 200, Json.newObject().put("access_token", token).put("expires_in", ACCESS_TOKEN_LIFESPAN)
                            .put("token_type", "Bearer").put("scope", "email profile"));
                }
                default -> send(ex, 400, error("unsupported_grant_type", "Unsupported grant_type"));
            }
        } catch (RuntimeException e) {
            send(ex, 500, error("server_error", String.valueOf(e)));
        } finally {
            ex.close();
        }
    }

    private void password(HttpExchange ex, Map<String, String> form) throws IOException {
        if (!username.equals(form.get("username")) || !password.equals(form.get("password"))) {
            send(ex, 401, error("invalid_grant", "Invalid user credentials"));
            return;
        }
        passwordForms.add(Map.copyOf(form));
        String sessionId = randomId(24);
        String first = "kc." + sessionId + "." + randomId(43);
        sessions.put(sessionId, new Session(first));
        sendTokens(ex, first);
    }

    /** Rotation with no reuse: the current token gets a successor, any other is refused. */
    private void refresh(HttpExchange ex, Map<String, String> form) throws IOException {
        String presented = String.valueOf(form.get("refresh_token"));
        String[] parts = presented.split("\\.");
        Session session = parts.length == 3 ? sessions.get(parts[1]) : null;
        String refusal = null;
        String next = null;
        if (session == null) {
            refusal = "Invalid refresh token";
        } else {
            synchronized (session) {
                if (presented.equals(session.current)) {
                    next = rotateRefreshTokens ? "kc." + parts[1] + "." + randomId(43) : presented;
                    session.current = next;
                    session.issued.add(next);
                } else {
                    refusal = session.issued.contains(presented) ? "Maximum allowed refresh token reuse exceeded"
                            : "Invalid refresh token";
                }
            }
        }
        if (refusal != null) {
            refusals.incrementAndGet();
            send(ex, 400, error("invalid_grant", refusal));
            return;
        }
        rotations.incrementAndGet();
        sendTokens(ex, next);
    }

    private static void sendTokens(HttpExchange ex, String refreshToken) throws IOException {
        ObjectNode answer = Json.newObject()
                .put("access_token", "eyJhbGciOiJFUzI1NiJ9." + randomId(40) + "." + randomId(86))
                .put("expires_in", ACCESS_TOKEN_LIFESPAN)
                .put("refresh_expires_in", 1800)
                .put("refresh_token", refreshToken)
                .put("token_type", "Bearer")
                .put("not-before-policy", 0)
                .put("session_state", randomId(24))
                .put("scope", "email profile");
        send(ex, 200, answer);
    }

    private static Map<String, String> form(String body) {
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
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
