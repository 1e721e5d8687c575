package dev.tally.bench.scenario;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.http.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The refresh scenario for one worker: it owns one refresh token family (started with the password grant) and
 * always presents the refresh token of the last 200 answer. With one family per worker nothing else presents its
 * tokens, so every refusal is a server fault, never reuse detection doing its job; and since a refused or
 * unanswered request may have spent the token, the worker cannot go on after one. The same at Tally and at a peer:
 * only the {@link FamilyEndpoint} differs.
 */
final class RefreshRotationSource implements RequestSource {
    private final FamilyEndpoint endpoint;
    private final String formPrefix;
    private String current;

    RefreshRotationSource(FamilyEndpoint endpoint, String firstRefreshToken) {
        this.endpoint = endpoint;
        this.formPrefix = "grant_type=refresh_token&" + endpoint.clientForm() + "&refresh_token=";
        this.current = firstRefreshToken;
    }

    /** A new family: the password grant for the endpoint's user. */
    static RefreshRotationSource start(HttpClient http, FamilyEndpoint endpoint)
            throws IOException, InterruptedException {
        return new RefreshRotationSource(endpoint, passwordGrant(http, endpoint));
    }

    /** The form of the password grant that starts a family. */
    static String passwordForm(FamilyEndpoint endpoint) {
        return "grant_type=password&" + endpoint.clientForm()
                + "&username=" + FormPost.enc(endpoint.username())
                + "&password=" + FormPost.enc(endpoint.password())
                + endpoint.passwordExtra();
    }

    /** The refresh token of a password grant; a {@link BenchException} with the server's words otherwise. */
    static String passwordGrant(HttpClient http, FamilyEndpoint endpoint)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(FormPost.to(endpoint.tokenUri(), passwordForm(endpoint)),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new BenchException("password grant for " + endpoint.where() + " failed: HTTP " + r.statusCode()
                    + " " + BodyExcerpt.of(r.body()));
        }
        String problem = TokenResponseCheck.problem(r.body(), endpoint.expiresIn());
        String token = refreshTokenIn(r.body());
        if (problem == null && token == null) {
            problem = "no refresh_token (" + endpoint.noRefreshTokenHint() + ")";
        }
        if (problem != null) {
            throw new BenchException("password grant for " + endpoint.where() + " answered an invalid token response: "
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
        return FormPost.to(endpoint.tokenUri(), formPrefix + FormPost.enc(current));
    }

    @Override
    public String validate(String body) {
        String problem = TokenResponseCheck.problem(body, endpoint.expiresIn());
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
