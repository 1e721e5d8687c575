package dev.tally.bench.scenario;

import dev.tally.bench.server.Peer;
import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.http.Json;
import dev.tally.bench.provision.TenantClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The introspection scenario: one access token per tenant, obtained once with client credentials before the load,
 * then RFC 7662 introspection of it by the same client, the same prepared request every time. A 200 answer must
 * say {@code "active": true} for the token's own client: an inactive answer would be a cheap refusal, not the work
 * being measured.
 */
final class IntrospectionSource implements RequestSource {
    private final List<Prepared> requests;
    private int next;

    /** {@code clientId} null at a peer: its answer is checked for {@code active} only. */
    record Prepared(HttpRequest request, String clientId) {
    }

    /**
     * At a peer: its client's access token (client credentials), introspected by the same client at the token
     * endpoint's {@code /introspect} (Keycloak's location).
     */
    static Prepared prepare(HttpClient http, Peer peer) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(TokenRequestSource.tokenRequest(peer),
                HttpResponse.BodyHandlers.ofString());
        String token = r.statusCode() == 200 ? Json.string(Json.object(r.body()), "access_token") : null;
        if (token == null) {
            throw new BenchException("token for introspection at the peer: HTTP " + r.statusCode() + " "
                    + BodyExcerpt.of(r.body()));
        }
        String form = "token=" + FormPost.enc(token)
                + "&token_type_hint=access_token"
                + "&client_id=" + FormPost.enc(peer.clientId())
                + "&client_secret=" + FormPost.enc(peer.clientSecret());
        return new Prepared(FormPost.to(URI.create(peer.tokenUri() + "/introspect"), form), null);
    }

    IntrospectionSource(List<Prepared> requests, int workerIndex) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no introspection requests");
        }
        this.requests = requests;
        this.next = workerIndex % requests.size();
    }

    /** Gets the tenant's access token and prepares the introspection request for it. */
    static Prepared prepare(HttpClient http, TenantClient c)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(TokenRequestSource.tokenRequest(c), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new BenchException("token for introspection in tenant " + c.tenant() + ": HTTP " + r.statusCode()
                    + " " + BodyExcerpt.of(r.body()));
        }
        String token = Json.string(Json.object(r.body()), "access_token");
        if (token == null) {
            throw new BenchException("token for introspection in tenant " + c.tenant() + ": no access_token");
        }
        String form = "token=" + FormPost.enc(token)
                + "&token_type_hint=access_token"
                + "&client_id=" + FormPost.enc(c.clientId())
                + "&client_secret=" + FormPost.enc(c.clientSecret());
        URI uri = URI.create(c.tokenUri().toString().replace("/oauth/token", "/oauth/introspect"));
        return new Prepared(FormPost.to(uri, form), c.clientId());
    }

    @Override
    public HttpRequest next() {
        HttpRequest request = requests.get(next).request();
        if (++next == requests.size()) {
            next = 0;
        }
        return request;
    }

    @Override
    public String validate(String body) {
        JsonNode json;
        try {
            json = Json.object(body);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (!Json.isTrue(json, "active")) {
            return "active is " + Json.shown(json, "active") + ", expected true";
        }
        if (requests.get(0).clientId() != null
                && (Json.string(json, "jti") == null || Json.string(json, "client_id") == null)) {
            return "an active answer without jti or client_id";
        }
        return null;
    }
}
