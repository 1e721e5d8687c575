package dev.tally.kernel.client;

import dev.tally.kernel.problem.InvalidInput;
import java.util.Map;
import java.util.TreeMap;

/** Free-form string pairs a tenant keeps on a client ({@code client_metadata}); rules can read them. */
public final class ClientMetadata {
    public static final int MAX_KEYS = 20;
    public static final int MAX_VALUE_LENGTH = 255;

    private ClientMetadata() {
    }

    public static Map<String, String> requireValid(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > MAX_KEYS) {
            throw new InvalidInput("client_metadata", "may hold at most " + MAX_KEYS + " keys");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().isBlank() || e.getKey().length() > 255) {
                throw new InvalidInput("client_metadata", "keys must be 1-255 characters");
            }
            if (e.getValue() == null || e.getValue().length() > MAX_VALUE_LENGTH) {
                throw new InvalidInput("client_metadata." + e.getKey(), "must be a string of at most " + MAX_VALUE_LENGTH + " characters");
            }
        }
        return Map.copyOf(new TreeMap<>(metadata));
    }
}
