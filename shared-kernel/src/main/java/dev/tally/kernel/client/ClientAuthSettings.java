package dev.tally.kernel.client;

import dev.tally.kernel.problem.InvalidInput;
import java.util.List;

/**
 * How a client authenticates and what its ID tokens are signed with (OpenID Connect Dynamic Client Registration §2).
 * A client that never chose has {@link #defaults}: what every client had before these could be chosen.
 *
 * @param tokenEndpointAuthMethod how the client authenticates at the token, introspection and revocation endpoints
 * @param jwks                    the client's public keys, a JWK Set as JSON text (checked and normalized by the
 *                                management API: public keys only), or null
 * @param jwksUri                 where the client publishes its JWK Set, or null; never both this and {@code jwks}
 * @param idTokenSignedResponseAlg the JWS algorithm of the client's ID tokens ({@code id_token_signed_response_alg}):
 *                                {@code RS256} or {@code ES256}, the names of {@code kernel.tenant.SigningAlgorithm}
 *                                (kept as text here: this package may not depend on that one)
 */
public record ClientAuthSettings(TokenEndpointAuthMethod tokenEndpointAuthMethod, String jwks, String jwksUri,
                                 String idTokenSignedResponseAlg) {
    /** OpenID Connect Registration §2: RS256 when the client does not say. */
    public static final String DEFAULT_ID_TOKEN_ALG = "RS256";
    public static final List<String> ID_TOKEN_ALGS = List.of("RS256", "ES256");

    public ClientAuthSettings {
        if (tokenEndpointAuthMethod == null) {
            throw new IllegalArgumentException("token_endpoint_auth_method is required");
        }
        if (!ID_TOKEN_ALGS.contains(idTokenSignedResponseAlg)) {
            throw new InvalidInput("id_token_signed_response_alg", "must be RS256 or ES256");
        }
    }

    /** A confidential client's secret (Basic or in the body), a public client's {@code none}; ID tokens in RS256. */
    public static ClientAuthSettings defaults(AppType appType) {
        return new ClientAuthSettings(appType.confidential() ? TokenEndpointAuthMethod.CLIENT_SECRET_BASIC
                : TokenEndpointAuthMethod.NONE, null, null, DEFAULT_ID_TOKEN_ALG);
    }

    public boolean hasKeys() {
        return jwks != null || jwksUri != null;
    }

    /**
     * The rules between the method, the keys and the kind of client: a confidential client authenticates with its
     * secret or its keys, a public one with {@code none}; {@code private_key_jwt} needs keys, exactly one of
     * {@code jwks} and {@code jwks_uri}.
     */
    public ClientAuthSettings requireConsistent(AppType appType) {
        if (appType.confidential() && tokenEndpointAuthMethod == TokenEndpointAuthMethod.NONE) {
            throw new InvalidInput("token_endpoint_auth_method",
                    "a " + appType.wireName() + " client is confidential: use client_secret_basic, client_secret_post or private_key_jwt");
        }
        if (!appType.confidential() && tokenEndpointAuthMethod != TokenEndpointAuthMethod.NONE) {
            throw new InvalidInput("token_endpoint_auth_method",
                    "a " + appType.wireName() + " client is public and can keep no secret or key: use none");
        }
        if (jwks != null && jwksUri != null) {
            throw new InvalidInput("jwks", "give jwks or jwks_uri, not both");
        }
        if (tokenEndpointAuthMethod == TokenEndpointAuthMethod.PRIVATE_KEY_JWT && !hasKeys()) {
            throw new InvalidInput("jwks", "private_key_jwt needs the client's public keys: jwks or jwks_uri");
        }
        return this;
    }
}
