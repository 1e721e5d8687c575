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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The introspection scenario: one access token per tenant, obtained with client credentials before the load and
 * renewed at half its lifetime, then RFC 7662 introspection of it by the same client, the same prepared request
 * until the token is renewed. A 200 answer must say {@code "active": true} for the token's own client: an inactive
 * answer would be a cheap refusal, not the work being measured.
 */
final class IntrospectionSource implements RequestSource {
    private final List<Prepared> requests;
    private int next;

    /**
     * One tenant's or peer's introspection request, {@code clientId} null at a peer (its answer is checked for
     * {@code active} only). Its token is renewed on a daemon thread at half its lifetime ({@code expires_in}):
     * Keycloak's benchmark realm gives access tokens a minute, less than a run's warm-up, and the introspection of an
     * expired token is a cheap {@code "active": false}, which the check refuses.
     */
    static final class Prepared {
        private static final ScheduledExecutorService RENEWALS = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "introspected-token-renewal");
            thread.setDaemon(true);
            return thread;
        });

        private final Issuer issuer;
        private final String clientId;
        private volatile HttpRequest request;

        /** How a fresh token is obtained, with the introspection request for it. */
        @FunctionalInterface
        interface Issuer {
            Issued issue() throws IOException, InterruptedException;
        }

        /** @param expiresIn the token's {@code expires_in} in seconds, 0 if the answer gave none */
        record Issued(HttpRequest introspection, long expiresIn) {
        }

        /** A request whose token is never renewed. */
        Prepared(HttpRequest request, String clientId) {
            this(null, request, clientId);
        }

        private Prepared(Issuer issuer, HttpRequest request, String clientId) {
            this.issuer = issuer;
            this.request = request;
            this.clientId = clientId;
        }

        /** Issues the first token now and renews it every {@link #renewEvery} seconds of its lifetime. */
        static Prepared renewing(Issuer issuer, String clientId) throws IOException, InterruptedException {
            Issued first = issuer.issue();
            Prepared prepared = new Prepared(issuer, first.introspection(), clientId);
            long every = renewEvery(first.expiresIn());
            if (every > 0) {
                RENEWALS.scheduleWithFixedDelay(prepared::renewQuietly, every, every, TimeUnit.SECONDS);
            }
            return prepared;
        }

        /** Half the token's lifetime, at least a second; 0 (never) for a token without {@code expires_in}. */
        static long renewEvery(long expiresIn) {
            return expiresIn <= 0 ? 0 : Math.max(1, expiresIn / 2);
        }

        HttpRequest request() {
            return request;
        }

        String clientId() {
            return clientId;
        }

        /** A fresh token's request from now on. */
        void renew() throws IOException, InterruptedException {
            request = issuer.issue().introspection();
        }

        private void renewQuietly() {
            try {
                renew();
            } catch (IOException | RuntimeException e) {
                System.err.println("[bench] renewing the introspected token failed (its answers will turn inactive): "
                        + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * At a peer: its client's access token (client credentials), introspected by the same client at the token
     * endpoint's {@code /introspect} (Keycloak's location).
     */
    static Prepared prepare(HttpClient http, Peer peer) throws IOException, InterruptedException {
        return Prepared.renewing(() -> {
            HttpResponse<String> r = http.send(TokenRequestSource.tokenRequest(peer),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode answer = r.statusCode() == 200 ? Json.object(r.body()) : null;
            String token = answer == null ? null : Json.string(answer, "access_token");
            if (token == null) {
                throw new BenchException("token for introspection at the peer: HTTP " + r.statusCode() + " "
                        + BodyExcerpt.of(r.body()));
            }
            String form = "token=" + FormPost.enc(token)
                    + "&token_type_hint=access_token"
                    + "&client_id=" + FormPost.enc(peer.clientId())
                    + "&client_secret=" + FormPost.enc(peer.clientSecret());
            return new Prepared.Issued(FormPost.to(URI.create(peer.tokenUri() + "/introspect"), form),
                    expiresIn(answer));
        }, null);
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
        return Prepared.renewing(() -> {
            HttpResponse<String> r = http.send(TokenRequestSource.tokenRequest(c),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new BenchException("token for introspection in tenant " + c.tenant() + ": HTTP "
                        + r.statusCode() + " " + BodyExcerpt.of(r.body()));
            }
            JsonNode answer = Json.object(r.body());
            String token = Json.string(answer, "access_token");
            if (token == null) {
                throw new BenchException("token for introspection in tenant " + c.tenant() + ": no access_token");
            }
            String form = "token=" + FormPost.enc(token)
                    + "&token_type_hint=access_token"
                    + "&client_id=" + FormPost.enc(c.clientId())
                    + "&client_secret=" + FormPost.enc(c.clientSecret());
            URI uri = URI.create(c.tokenUri().toString().replace("/oauth/token", "/oauth/introspect"));
            return new Prepared.Issued(FormPost.to(uri, form), expiresIn(answer));
        }, c.clientId());
    }

    private static long expiresIn(JsonNode answer) {
        Long seconds = Json.integer(answer, "expires_in");
        return seconds == null ? 0 : seconds;
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
