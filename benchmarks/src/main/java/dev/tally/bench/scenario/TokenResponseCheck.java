package dev.tally.bench.scenario;

import dev.tally.bench.http.Json;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;

/** The check of a 200 answer of the token endpoint that every scenario applies to its sampled answers. */
final class TokenResponseCheck {
    private TokenResponseCheck() {
    }

    /**
     * Null if the body is a plausible token response (an access token of three non-empty dot-separated parts, the
     * expected {@code expires_in}, token type Bearer), else what is wrong with it.
     */
    static String problem(String body, long expectedExpiresIn) {
        return problem(body, OptionalLong.of(expectedExpiresIn));
    }

    /**
     * As {@link #problem(String, long)}; with no expected lifetime any positive whole {@code expires_in} will do: a
     * peer's lifetimes are its own configuration (Keycloak's realm says 60 s), not what the tool provisioned.
     */
    static String problem(String body, OptionalLong expectedExpiresIn) {
        JsonNode json;
        try {
            json = Json.object(body);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        String token = Json.string(json, "access_token");
        if (token == null) {
            return "no access_token string";
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            return "access_token does not have 3 non-empty dot-separated parts";
        }
        Long expiresIn = Json.integer(json, "expires_in");
        if (expectedExpiresIn.isPresent() && (expiresIn == null || expiresIn != expectedExpiresIn.getAsLong())) {
            return "expires_in is " + Json.shown(json, "expires_in") + ", expected " + expectedExpiresIn.getAsLong();
        }
        if (expectedExpiresIn.isEmpty() && (expiresIn == null || expiresIn <= 0)) {
            return "expires_in is " + Json.shown(json, "expires_in") + ", expected a positive number of seconds";
        }
        String type = Json.string(json, "token_type");
        if (type == null || !type.equalsIgnoreCase("Bearer")) {
            return "token_type is " + Json.shown(json, "token_type") + ", expected Bearer";
        }
        return null;
    }
}
