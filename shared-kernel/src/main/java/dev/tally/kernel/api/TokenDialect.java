package dev.tally.kernel.api;

import dev.tally.kernel.problem.InvalidInput;

/**
 * The API setting {@code token_dialect} (the hosted providers' name): the form of the API's access tokens. The claims
 * are the same in both; only the JWT header's {@code typ} differs, for resource servers whose libraries accept only
 * {@code JWT}.
 */
public enum TokenDialect {
    /** RFC 9068: {@code typ: at+jwt}, so an access token cannot pass for an ID token. The default. */
    RFC9068_PROFILE("rfc9068_profile", "at+jwt"),
    /** {@code typ: JWT}, the header of a plain JWT, for resource servers that refuse {@code at+jwt}. */
    ACCESS_TOKEN("access_token", "JWT");

    public static final TokenDialect DEFAULT = RFC9068_PROFILE;

    private final String wireName;
    private final String headerType;

    TokenDialect(String wireName, String headerType) {
        this.wireName = wireName;
        this.headerType = headerType;
    }

    public String wireName() {
        return wireName;
    }

    /** The JWT header's {@code typ} of the dialect's access tokens. */
    public String headerType() {
        return headerType;
    }

    /** @throws InvalidInput naming {@code token_dialect} for any other value */
    public static TokenDialect fromWire(String value) {
        for (TokenDialect d : values()) {
            if (d.wireName.equals(value)) {
                return d;
            }
        }
        throw new InvalidInput("token_dialect", "must be rfc9068_profile or access_token; was '" + value + "'");
    }
}
