package dev.tally.bench.scenario;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.http.Json;
import dev.tally.bench.provision.Provisioning;
import dev.tally.bench.provision.TenantClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The refresh scenario for one worker: it owns one refresh token family (started with the password grant) and
 * always presents the refresh token of the last 200 answer. With one family per worker nothing else presents its
 * tokens, so every refusal is a server fault, never reuse detection doing its job; and since a refused or
 * unanswered request may have spent the token, the worker cannot go on after one.
 */
final class RefreshRotationSource implements RequestSource {
    private final TenantClient client;
    private final String formPrefix;
    private String current;

    RefreshRotationSource(TenantClient client, String firstRefreshToken) {
        this.client = client;
        this.formPrefix = "grant_type=refresh_token"
                + "&client_id=" + FormPost.enc(client.clientId())
                + "&client_secret=" + FormPost.enc(client.clientSecret())
                + "&refresh_token=";
        this.current = firstRefreshToken;
    }

    /** A new family: the password grant for the tenant's bench user, asking for offline_access. */
    static RefreshRotationSource start(HttpClient http, TenantClient client)
            throws IOException, InterruptedException {
        return new RefreshRotationSource(client, passwordGrant(http, client));
    }

    /** The refresh token of a password grant; a {@link BenchException} with the server's words otherwise. */
    static String passwordGrant(HttpClient http, TenantClient client)
            throws IOException, InterruptedException {
        String form = "grant_type=password"
                + "&client_id=" + FormPost.enc(client.clientId())
                + "&client_secret=" + FormPost.enc(client.clientSecret())
                + "&username=" + FormPost.enc(client.username())
                + "&password=" + FormPost.enc(client.password())
                + "&audience=" + FormPost.enc(Provisioning.AUDIENCE)
                + "&scope=offline_access";
        HttpResponse<String> r = http.send(FormPost.to(client.tokenUri(), form), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new BenchException("password grant for tenant " + client.tenant() + " failed: HTTP " + r.statusCode()
                    + " " + BodyExcerpt.of(r.body()));
        }
        String problem = TokenResponseCheck.problem(r.body(), Provisioning.TOKEN_LIFETIME);
        String token = refreshTokenIn(r.body());
        if (problem == null && token == null) {
            problem = "no refresh_token (is offline_access granted?)";
        }
        if (problem != null) {
            throw new BenchException("password grant for tenant " + client.tenant() + " answered an invalid token response: "
                    + problem + " in " + BodyExcerpt.of(r.body()));
        }
        return token;
    }

    /** The token the next request presents. */
    String current() {
        return current;
    }

    @Override
    public HttpRequest next() {
        return FormPost.to(client.tokenUri(), formPrefix + FormPost.enc(current));
    }

    @Override
    public String validate(String body) {
        String problem = TokenResponseCheck.problem(body, Provisioning.TOKEN_LIFETIME);
        return problem != null ? problem : rotationProblem(body);
    }

    @Override
    public String onSuccess(String body) {
        String problem = rotationProblem(body);
        if (problem == null) {
            current = refreshTokenIn(body);
        }
        return problem;
    }

    @Override
    public boolean survivesFailure() {
        return false;
    }

    /** Null if the answer carries a refresh token other than the one presented. */
    private String rotationProblem(String body) {
        String next = refreshTokenIn(body);
        if (next == null) {
            return "no refresh_token in the answer to a refresh with rotation";
        }
        if (next.equals(current)) {
            return "the refresh_token was not rotated: the answer returned the presented token";
        }
        return null;
    }

    static String refreshTokenIn(String body) {
        try {
            String token = Json.string(Json.object(body), "refresh_token");
            return token == null || token.isEmpty() ? null : token;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
