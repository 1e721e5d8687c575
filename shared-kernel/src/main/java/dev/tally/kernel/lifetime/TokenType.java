package dev.tally.kernel.lifetime;

/**
 * What a {@link LifetimeDecision} is about. A login session's two timeouts are decided with the
 * same base-then-bound steps as tokens, so they share this enum; rules only ever affect the three
 * token types ({@link #isToken()}).
 */
public enum TokenType {
    ACCESS_TOKEN("access_token"),
    ID_TOKEN("id_token"),
    REFRESH_TOKEN("refresh_token"),
    SESSION_IDLE_TIMEOUT("session_idle_timeout"),
    SESSION_ABSOLUTE_TIMEOUT("session_absolute_timeout");

    private final String wireName;

    TokenType(String wireName) {
        this.wireName = wireName;
    }

    /** Snake-case name as used in APIs and logs. */
    public String wireName() {
        return wireName;
    }

    /** True for the token types rules may change; false for the session timeouts. */
    public boolean isToken() {
        return this == ACCESS_TOKEN || this == ID_TOKEN || this == REFRESH_TOKEN;
    }
}
