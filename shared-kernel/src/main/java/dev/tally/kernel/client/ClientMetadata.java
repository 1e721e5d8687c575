package dev.tally.kernel.client;

import dev.tally.kernel.problem.StringMetadata;
import java.util.Map;

/** Free-form string pairs a tenant keeps on a client ({@code client_metadata}); rules can read them. */
public final class ClientMetadata {
    public static final int MAX_KEYS = StringMetadata.MAX_KEYS;
    public static final int MAX_VALUE_LENGTH = StringMetadata.MAX_VALUE_LENGTH;

    private ClientMetadata() {
    }

    public static Map<String, String> requireValid(Map<String, String> metadata) {
        return StringMetadata.requireValid("client_metadata", metadata);
    }
}
