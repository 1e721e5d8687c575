package dev.tally.token.login;

import java.util.List;
import java.util.Set;

/**
 * A validated authorization request (RFC 6749 §4.1.1, RFC 7636, OpenID Connect Core §3.1.2.1): everything the
 * code must remember.
 *
 * @param audience the API identifier the access token is for, or {@code null} for the userinfo endpoint only
 * @param maxAge seconds since authentication after which the user must log in again, or {@code null}
 */
public record AuthorizationRequest(String clientId, String redirectUri, List<String> scopes, String state, String nonce,
                                   String codeChallenge, Set<String> prompt, Long maxAge, String audience) {

    public String scope() {
        return scopes.isEmpty() ? null : String.join(" ", scopes);
    }

    public boolean promptNone() {
        return prompt.contains("none");
    }

    public boolean promptLogin() {
        return prompt.contains("login");
    }
}
