package dev.tally.token.oauth;

import java.util.List;
import java.util.Map;

/** The form parameters of a token request. RFC 6749 §3.2: no parameter may appear more than once. */
public record TokenRequest(Map<String, String[]> parameters) {

    /** The parameter's value, {@code null} when absent or empty. */
    public String single(String name) {
        String[] values = parameters.get(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw OAuthError.invalidRequest("parameter '" + name + "' is repeated");
        }
        return values[0].isEmpty() ? null : values[0];
    }

    public String required(String name) {
        String value = single(name);
        if (value == null) {
            throw OAuthError.invalidRequest("parameter '" + name + "' is required");
        }
        return value;
    }

    /** The space-delimited scope parameter (RFC 6749 §3.3), empty when absent. */
    public List<String> scopes() {
        String scope = single("scope");
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        return List.of(scope.trim().split(" +"));
    }
}
