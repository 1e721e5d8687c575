package dev.tally.kernel.client;

import dev.tally.kernel.problem.InvalidInput;
import java.util.List;
import java.util.Set;

/** The OAuth grant types a client may be allowed, and which kinds of client may have them. */
public final class GrantTypes {
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String PASSWORD = "password";

    private static final Set<String> KNOWN = Set.of(CLIENT_CREDENTIALS, AUTHORIZATION_CODE, REFRESH_TOKEN, PASSWORD);

    private GrantTypes() {
    }

    public static boolean isKnown(String grantType) {
        return KNOWN.contains(grantType);
    }

    /** Rejects unknown grant types, and grants a client of this type cannot use safely. */
    public static List<String> requireValid(AppType appType, List<String> grantTypes) {
        if (grantTypes == null || grantTypes.isEmpty()) {
            throw new InvalidInput("grant_types", "must name at least one grant type");
        }
        for (String g : grantTypes) {
            if (!KNOWN.contains(g)) {
                throw new InvalidInput("grant_types", "unknown grant type '" + g + "'; known: " + String.join(", ", KNOWN.stream().sorted().toList()));
            }
            if (g.equals(CLIENT_CREDENTIALS) && !appType.confidential()) {
                throw new InvalidInput("grant_types", "client_credentials needs a confidential client (regular_web or non_interactive), not " + appType.wireName());
            }
            if (g.equals(PASSWORD) && !appType.confidential()) {
                // A public client cannot authenticate: anyone who knows its client_id could try passwords through it.
                throw new InvalidInput("grant_types", "password needs a confidential client (regular_web or non_interactive), not " + appType.wireName());
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(grantTypes));
    }
}
