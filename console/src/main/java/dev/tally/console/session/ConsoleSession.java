package dev.tally.console.session;

import dev.tally.console.api.Credential;

import java.time.Instant;

/** One signed-in browser: its credential and the synchronizer token its forms must send back. */
public final class ConsoleSession {
    private final String id;
    private final String csrf;
    private final Credential credential;
    private final Instant signedInAt;
    private volatile Instant lastSeen;

    ConsoleSession(String id, String csrf, Credential credential, Instant signedInAt) {
        this.id = id;
        this.csrf = csrf;
        this.credential = credential;
        this.signedInAt = signedInAt;
        this.lastSeen = signedInAt;
    }

    public String id() {
        return id;
    }

    public String csrf() {
        return csrf;
    }

    public Credential credential() {
        return credential;
    }

    Instant signedInAt() {
        return signedInAt;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    void seen(Instant now) {
        lastSeen = now;
    }

    @Override
    public String toString() {
        return "ConsoleSession[" + credential + "]";
    }
}
