package dev.tally.token.protocol;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * Authenticates the client at the token, introspection and revocation endpoints by {@code client_secret_basic}
 * (RFC 6749 §2.3.1: the id and secret form-urlencoded, then base64) or {@code client_secret_post}; using both at once
 * is an error. A public client ({@code spa}, {@code native}) authenticates with {@code none}: its {@code client_id}
 * alone. Every failure is the same {@code invalid_client}, so the answer does not tell an attacker which part was
 * wrong. Failures are counted per client and address and per address ({@link ClientAuthThrottle}); an address or a
 * client there that has failed too often waits ({@code 429 slow_down}) before anything it presents is checked.
 */
@Component
public class ClientAuthentication {
    private static final String FAILED = "client authentication failed";
    private final TokenConfig config;
    private final ClientAuthThrottle throttle;

    public ClientAuthentication(TokenConfig config, ClientAuthThrottle throttle) {
        this.config = config;
        this.throttle = throttle;
    }

    /** {@code address}: where the request came from ({@code getRemoteAddr()}), for the throttle. */
    public ClientView authenticate(String tenantId, String authorizationHeader, OAuthRequest request, String address) {
        Presented presented = presented(authorizationHeader, request);
        Duration wait = throttle.retryAfter(tenantId, presented.clientId(), address);
        if (!wait.isZero()) {
            throw OAuthError.slowDown("too many failed client authentications; retry in "
                    + RetryAfter.seconds(wait) + " s", wait);
        }
        if (presented.refusal() != null) {
            throttle.failed(tenantId, null, address);
            throw OAuthError.invalidClient(presented.refusal());
        }
        ClientView client = config.client(tenantId, presented.clientId()).orElse(null);
        if (client != null && !client.confidential() && presented.secret() == null && !presented.basic()) {
            // A public client (spa, native) has no secret to present: it identifies itself, and PKCE binds its code.
            return client;
        }
        if (client == null || !client.confidential() || !SecretHash.matches(presented.secret(), client.secretHash())) {
            throttle.failed(tenantId, client == null ? null : client.clientId(), address);
            throw OAuthError.invalidClient(FAILED);
        }
        throttle.succeeded(tenantId, client.clientId(), address);
        return client;
    }

    /**
     * What the request presents: a client id and secret, or why they cannot be read ({@code refusal}, an
     * {@code invalid_client} the throttle counts). Two methods at once, or two different ids, are a malformed
     * request ({@code invalid_request}, thrown), not a failed authentication.
     */
    private record Presented(String clientId, String secret, boolean basic, String refusal) {
        static Presented refused(String why) {
            return new Presented(null, null, true, why);
        }
    }

    private static Presented presented(String authorizationHeader, OAuthRequest request) {
        boolean basic = authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6);
        if (!basic) {
            String clientId = request.single("client_id");
            if (clientId == null) {
                return new Presented(null, null, false,
                        "client authentication is required (client_secret_basic or client_secret_post)");
            }
            return new Presented(clientId, request.single("client_secret"), false, null);
        }
        if (request.single("client_secret") != null) {
            throw OAuthError.invalidRequest("use one client authentication method, not both Basic and client_secret");
        }
        String[] pair = decodeBasic(authorizationHeader.substring(6).trim());
        if (pair == null) {
            return Presented.refused("malformed Basic credentials");
        }
        String bodyClientId = request.single("client_id");
        if (bodyClientId != null && !bodyClientId.equals(pair[0])) {
            throw OAuthError.invalidRequest("client_id in the body differs from the authenticated client");
        }
        return new Presented(pair[0], pair[1], true, null);
    }

    /** The id and secret of a Basic header, or null when it is not base64 of "id:secret" with valid escapes. */
    private static String[] decodeBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return new String[] {
                    URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
