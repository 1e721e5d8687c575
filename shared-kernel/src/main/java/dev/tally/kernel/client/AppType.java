package dev.tally.kernel.client;

import dev.tally.kernel.problem.InvalidInput;

/** The kind of application, by the names users of hosted identity providers know. */
public enum AppType {
    SPA("spa", false),
    REGULAR_WEB("regular_web", true),
    NATIVE("native", false),
    NON_INTERACTIVE("non_interactive", true);

    private final String wireName;
    private final boolean confidential;

    AppType(String wireName, boolean confidential) {
        this.wireName = wireName;
        this.confidential = confidential;
    }

    public String wireName() {
        return wireName;
    }

    /** Confidential clients can keep a secret, and so get one; public clients (browser, device) cannot. */
    public boolean confidential() {
        return confidential;
    }

    public static AppType parse(String value) {
        for (AppType t : values()) {
            if (t.wireName.equals(value)) {
                return t;
            }
        }
        throw new InvalidInput("app_type", "must be one of spa, regular_web, native, non_interactive");
    }
}
