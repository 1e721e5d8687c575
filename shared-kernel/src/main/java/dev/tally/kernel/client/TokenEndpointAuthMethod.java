package dev.tally.kernel.client;

import dev.tally.kernel.problem.InvalidInput;

/**
 * How a client authenticates at the token, introspection and revocation endpoints ({@code token_endpoint_auth_method},
 * OpenID Connect Dynamic Client Registration §2). The two secret methods are interchangeable at the endpoints, as they
 * were before the method could be chosen: a client registered with either may present its secret either way.
 */
public enum TokenEndpointAuthMethod {
    CLIENT_SECRET_BASIC("client_secret_basic"),
    CLIENT_SECRET_POST("client_secret_post"),
    /** RFC 7523 §2.2: a JWT the client signs with one of its registered keys. The client needs no secret. */
    PRIVATE_KEY_JWT("private_key_jwt"),
    /** A public client: its {@code client_id} alone. */
    NONE("none");

    private final String wireName;

    TokenEndpointAuthMethod(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the client authenticates with its secret. */
    public boolean usesSecret() {
        return this == CLIENT_SECRET_BASIC || this == CLIENT_SECRET_POST;
    }

    public static TokenEndpointAuthMethod parse(String value) {
        for (TokenEndpointAuthMethod m : values()) {
            if (m.wireName.equals(value)) {
                return m;
            }
        }
        throw new InvalidInput("token_endpoint_auth_method",
                "must be one of client_secret_basic, client_secret_post, private_key_jwt, none");
    }
}
