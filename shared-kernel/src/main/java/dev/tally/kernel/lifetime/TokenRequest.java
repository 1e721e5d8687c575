package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import java.util.List;
import java.util.Objects;

/**
 * The token request as far as lifetimes care.
 *
 * @param grantType    e.g. {@code client_credentials}, {@code authorization_code}, {@code refresh_token}
 * @param audience     the requested audience (an API identifier, or the tenant's userinfo URL)
 * @param scopes       granted scopes
 * @param browserFlow  true when the token is issued from the browser-facing authorize endpoint;
 *                     a {@link AppType#SPA} client is treated as a browser flow regardless
 * @param userinfoOnly true when the token's only audience is the tenant's own userinfo endpoint, so
 *                     {@code default_token_lifetime} applies instead of an API's settings
 */
public record TokenRequest(String grantType, String audience, List<String> scopes, boolean browserFlow,
        boolean userinfoOnly) {

    public TokenRequest {
        Seconds.requireText("grant_type", grantType);
        Seconds.requireText("audience", audience);
        scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes must not be null"));
    }

    /** A request for an access token to an API. */
    public static TokenRequest forApi(String grantType, String apiAudience, List<String> scopes, boolean browserFlow) {
        return new TokenRequest(grantType, apiAudience, scopes, browserFlow, false);
    }

    /** A request whose access token is only good for the tenant's userinfo endpoint. */
    public static TokenRequest forUserinfo(String grantType, String userinfoAudience, List<String> scopes,
            boolean browserFlow) {
        return new TokenRequest(grantType, userinfoAudience, scopes, browserFlow, true);
    }
}
