package dev.tally.kernel.crypto;

/**
 * Which fields of an event never leave Tally's own stores: password, client-secret, cookie and token hashes, and
 * sealed private keys. The audit's details and the public event stream drop them; one rule for both.
 */
public final class SecretFields {
    private static final String HASH = "hash";
    private static final String SEALED_PRIVATE_JWK = "sealedprivatejwk";

    private SecretFields() {
    }

    /**
     * True for a field name (camelCase or snake_case) that holds a hash or a sealed key: ignoring case and
     * underscores, it ends in {@code hash} or is {@code sealedprivatejwk}. Asked for every field of every event the
     * audit records, so it compares in place rather than building a lower-cased copy of each name.
     */
    public static boolean isSecret(String field) {
        return matchesEnd(field, HASH, false) || matchesEnd(field, SEALED_PRIVATE_JWK, true);
    }

    /** Whether the name's letters, underscores left out and case ignored, end with {@code word} (or are it). */
    private static boolean matchesEnd(String name, String word, boolean whole) {
        int w = word.length() - 1;
        int i = name.length() - 1;
        for (; i >= 0 && w >= 0; i--) {
            char c = name.charAt(i);
            if (c == '_') {
                continue;
            }
            if (Character.toLowerCase(c) != word.charAt(w--)) {
                return false;
            }
        }
        if (w >= 0) {
            return false;
        }
        if (whole) {
            for (; i >= 0; i--) {
                if (name.charAt(i) != '_') {
                    return false;
                }
            }
        }
        return true;
    }
}
