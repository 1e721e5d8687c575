package dev.tally.kernel.problem;

import java.util.Map;

/**
 * Free-form string pairs a tenant keeps on a client or a user ({@code client_metadata}, {@code user_metadata}):
 * at most 20 keys of 1-255 characters, each value a string of at most 255. Rules can read them, so they stay small.
 */
public final class StringMetadata {
    public static final int MAX_KEYS = 20;
    public static final int MAX_KEY_LENGTH = 255;
    public static final int MAX_VALUE_LENGTH = 255;

    private StringMetadata() {
    }

    /**
     * @param field the API's name of the map; a bad value is reported as {@code field.key}
     * @return an immutable copy (iteration order unspecified, as {@link Map#copyOf}); empty for {@code null}
     */
    public static Map<String, String> requireValid(String field, Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > MAX_KEYS) {
            throw new InvalidInput(field, "may hold at most " + MAX_KEYS + " keys");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().isBlank() || e.getKey().length() > MAX_KEY_LENGTH) {
                throw new InvalidInput(field, "keys must be 1-" + MAX_KEY_LENGTH + " characters");
            }
            if (e.getValue() == null || e.getValue().length() > MAX_VALUE_LENGTH) {
                throw new InvalidInput(field + "." + e.getKey(),
                        "must be a string of at most " + MAX_VALUE_LENGTH + " characters");
            }
        }
        return Map.copyOf(metadata);
    }
}
