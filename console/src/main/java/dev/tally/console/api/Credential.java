package dev.tally.console.api;

/**
 * The bearer credential a console session signed in with, kept on the server only. {@code tenant} is null for the
 * platform administrator, else the one tenant the management API lets this credential see.
 */
public record Credential(String bearer, String tenant) {

    public boolean platformAdmin() {
        return tenant == null;
    }

    /** Who is signed in, as the pages say it. */
    public String label() {
        return platformAdmin() ? "platform administrator" : "administrator of tenant " + tenant;
    }

    /** Never the bearer: a record's default toString would print it into any log or error message. */
    @Override
    public String toString() {
        return "Credential[" + label() + "]";
    }
}
