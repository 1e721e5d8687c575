package dev.tally.token.protocol;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.token.view.TokenConfig;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * Authenticates the client at the token endpoint by {@code client_secret_basic} (RFC 6749 §2.3.1: the id and secret
 * form-urlencoded, then base64) or {@code client_secret_post}; using both at once is an error. A public client
 * ({@code spa}, {@code native}) authenticates with {@code none}: its {@code client_id} alone. Every failure is
 * the same {@code invalid_client}, so the answer does not tell an attacker which part was wrong.
 */
@Component
public class ClientAuthentication {
    private static final String FAILED = "client authentication failed";
    private final TokenConfig config;

    public ClientAuthentication(TokenConfig config) {
        this.config = config;
    }

    public ClientView authenticate(String tenantId, String authorizationHeader, OAuthRequest request) {
        String clientId;
        String secret;
        boolean basic = authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6);
        if (basic) {
            if (request.single("client_secret") != null) {
                throw OAuthError.invalidRequest("use one client authentication method, not both Basic and client_secret");
            }
            String[] pair = decodeBasic(authorizationHeader.substring(6).trim());
            clientId = pair[0];
            secret = pair[1];
            String bodyClientId = request.single("client_id");
            if (bodyClientId != null && !bodyClientId.equals(clientId)) {
                throw OAuthError.invalidRequest("client_id in the body differs from the authenticated client");
            }
        } else {
            clientId = request.single("client_id");
            secret = request.single("client_secret");
            if (clientId == null) {
                throw OAuthError.invalidClient("client authentication is required (client_secret_basic or client_secret_post)");
            }
        }
        ClientView client = config.client(tenantId, clientId).orElse(null);
        if (client != null && !client.confidential() && secret == null && !basic) {
            // A public client (spa, native) has no secret to present: it identifies itself, and PKCE binds its code.
            return client;
        }
        if (client == null || !client.confidential() || !SecretHash.matches(secret, client.secretHash())) {
            throw OAuthError.invalidClient(FAILED);
        }
        return client;
    }

    private static String[] decodeBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidClient("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw OAuthError.invalidClient("malformed Basic credentials");
        }
        try {
            return new String[] {
                    URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidClient("malformed Basic credentials");
        }
    }
}
