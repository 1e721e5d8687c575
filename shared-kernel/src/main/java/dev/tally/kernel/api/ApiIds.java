package dev.tally.kernel.api;

import dev.tally.kernel.crypto.RandomTokens;

/** Identifiers of APIs (resource servers): globally unique, so the event store can key them alone. */
public final class ApiIds {
    private ApiIds() {
    }

    public static String newId() {
        return "api_" + RandomTokens.alphanumeric(24);
    }
}
