package dev.tally.resourceserver.revocation;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * A management token of the tenant for reading its revocation list, got with client credentials
 * ({@code audience=urn:tally:management}) from the token endpoint the issuer's discovery names, and renewed once
 * three quarters of its lifetime have passed, or at once when Tally refuses it. The token and the secret are never
 * logged.
 */
final class ManagementToken {
    static final String AUDIENCE = "urn:tally:management";

    private final String issuer;
    private final String basic;
    private final TallyHttp http;
    private final Clock clock;
    private URI tokenEndpoint;
    private String token;
    private Instant renewAt = Instant.MIN;

    ManagementToken(String issuer, String clientId, String clientSecret, TallyHttp http, Clock clock) {
        this.issuer = issuer;
        // RFC 6749 §2.3.1: each part form-encoded before the Basic encoding
        this.basic = "Basic " + Base64.getEncoder().encodeToString((form(clientId) + ":" + form(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        this.http = http;
        this.clock = clock;
    }

    /** The current token, fetched first if there is none or it is due for renewal. Called by the poller's thread only. */
    String current() throws IOException, InterruptedException {
        if (token == null || !clock.instant().isBefore(renewAt)) {
            fetch();
        }
        return token;
    }

    /** Tally refused the token (expired, or the client's grant was taken back): the next call fetches another. */
    void forget() {
        token = null;
    }

    private void fetch() throws IOException, InterruptedException {
        if (tokenEndpoint == null) {
            TallyHttp.Answer discovery = http.send(http.get(URI.create(issuer + "/.well-known/openid-configuration")));
            if (discovery.status() != 200 || !(discovery.json().get("token_endpoint") instanceof String endpoint)) {
                throw new IOException("the issuer's discovery answered " + discovery.status() + " without a token_endpoint");
            }
            tokenEndpoint = URI.create(endpoint);
        }
        Instant asked = clock.instant();
        TallyHttp.Answer answer = http.send(HttpRequest.newBuilder(tokenEndpoint).header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&audience=" + form(AUDIENCE))));
        Map<String, Object> body = answer.json();
        if (answer.status() != 200 || !(body.get("access_token") instanceof String accessToken)) {
            // the error code only: Tally's description may echo what was sent
            throw new IOException("the token endpoint refused the management token request: " + answer.status() + " "
                    + body.get("error"));
        }
        long lifetime = body.get("expires_in") instanceof Number n ? n.longValue() : 60;
        token = accessToken;
        renewAt = asked.plusSeconds(lifetime * 3 / 4);
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
