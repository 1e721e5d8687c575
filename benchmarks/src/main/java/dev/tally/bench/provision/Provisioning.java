package dev.tally.bench.provision;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.http.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the load tool creates through the management API before a run, per tenant ({@code bench}, {@code bench-2},
 * ...): the API {@link #AUDIENCE} with tokens of {@link #TOKEN_LIFETIME} seconds and one client. With
 * {@link Clients#PASSWORD_WITH_ROTATION} the API also allows offline access and the tenant gets the user
 * {@link #BENCH_USER} (a random password, never printed). A tenant or API that exists already (a reused database) is
 * reused; users and clients are always new.
 */
public final class Provisioning {
    public static final String AUDIENCE = "https://api.bench.test";
    public static final String BENCH_USER = "bench-user";
    public static final long TOKEN_LIFETIME = 3600;

    /** The client each tenant gets. */
    public enum Clients {
        /** {@code non_interactive} with the client_credentials grant. */
        MACHINE,
        /** {@code regular_web} with the password and refresh_token grants, refresh tokens rotated. */
        PASSWORD_WITH_ROTATION
    }

    private final ManagementApi api;
    private final PrintStream err;

    public Provisioning(ManagementApi api, PrintStream err) {
        this.api = api;
        this.err = err;
    }

    /** One client per tenant, asking for tokens at the server the management API belongs to. */
    public List<TenantClient> provision(int tenants, Clients kind) throws IOException, InterruptedException {
        List<TenantClient> clients = new ArrayList<>();
        for (int n = 0; n < tenants; n++) {
            clients.add(provisionTenant(n, kind));
        }
        return clients;
    }

    private TenantClient provisionTenant(int n, Clients kind) throws IOException, InterruptedException {
        boolean users = kind == Clients.PASSWORD_WITH_ROTATION;
        String tenant = n == 0 ? "bench" : "bench-" + (n + 1);
        HttpResponse<String> r = api.post("/admin/tenants", tenant(tenant, n));
        if (r.statusCode() == 409) {
            err.println("[bench] tenant " + tenant + " exists already; reusing it");
        } else {
            ManagementApi.expect(r, 201, "create tenant " + tenant);
        }
        r = api.post("/admin/tenants/" + tenant + "/apis", api(users));
        if (r.statusCode() == 409) {
            err.println("[bench] API " + AUDIENCE + " exists already in tenant " + tenant + "; reusing it");
        } else {
            ManagementApi.expect(r, 201, "create API in tenant " + tenant);
        }
        String username = null;
        String password = null;
        String userId = null;
        if (users) {
            username = BENCH_USER;
            password = randomPassword();
            r = api.post("/admin/tenants/" + tenant + "/users", user(username, password));
            ManagementApi.expect(r, 201, "create user in tenant " + tenant);
            userId = Json.string(Json.object(r.body()), "user_id");
        }
        r = api.post("/admin/tenants/" + tenant + "/clients", client(kind));
        ManagementApi.expect(r, 201, "create client in tenant " + tenant);
        JsonNode json;
        try {
            json = Json.object(r.body());
        } catch (IllegalArgumentException e) {
            throw new BenchException("create client: " + e.getMessage() + " in " + BodyExcerpt.of(r.body()));
        }
        String id = Json.string(json, "client_id");
        String secret = Json.string(json, "client_secret");
        if (id == null || secret == null) {
            throw new BenchException("create client: no client_id/client_secret in " + BodyExcerpt.of(r.body()));
        }
        return new TenantClient(tenant, id, secret, TenantClient.tokenUri(api.baseUrl(), tenant), username, password,
                userId);
    }

    static ObjectNode tenant(String id, int n) {
        return Json.newObject().put("id", id).put("name", "Bench " + (n + 1));
    }

    static ObjectNode api(boolean allowOfflineAccess) {
        ObjectNode api = Json.newObject().put("identifier", AUDIENCE).put("name", "Orders")
                .put("token_lifetime", TOKEN_LIFETIME);
        if (allowOfflineAccess) {
            api.put("allow_offline_access", true);
        }
        return api;
    }

    static ObjectNode user(String username, String password) {
        return Json.newObject().put("username", username).put("password", password);
    }

    static ObjectNode client(Clients kind) {
        ObjectNode client = Json.newObject().put("name", "load");
        if (kind == Clients.PASSWORD_WITH_ROTATION) {
            client.put("app_type", "regular_web");
            client.putArray("grant_types").add("password").add("refresh_token");
            client.putObject("refresh_token").put("rotation", "rotate");
        } else {
            client.put("app_type", "non_interactive");
            client.putArray("grant_types").add("client_credentials");
        }
        return client;
    }

    /** 20 random letters and digits: the bench user's password, never printed. */
    static String randomPassword() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder b = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
