package dev.tally.kernel.crypto;

import java.util.Locale;

/**
 * Which fields of an event never leave Tally's own stores: password, client-secret, cookie and token hashes, and
 * sealed private keys. The audit's details and the public event stream drop them; one rule for both.
 */
public final class SecretFields {
    private SecretFields() {
    }

    /** True for a field name (camelCase or snake_case) that holds a hash or a sealed key. */
    public static boolean isSecret(String field) {
        String name = field.toLowerCase(Locale.ROOT).replace("_", "");
        return name.endsWith("hash") || name.equals("sealedprivatejwk");
    }
}
