package dev.tally.kernel.refresh;

import dev.tally.kernel.crypto.RandomTokens;

/**
 * Refresh tokens are {@code <family id>.<256 random bits>}: opaque to clients, routed to their family by the prefix,
 * and stored only as the SHA-256 of the whole token. Knowing a family id alone proves nothing: a presented token
 * counts only if its hash is one the family issued.
 */
public final class RefreshTokens {
    private RefreshTokens() {
    }

    public static String newFamilyId() {
        return "rtf_" + RandomTokens.alphanumeric(24);
    }

    public static String newToken(String familyId) {
        return familyId + "." + RandomTokens.urlSafe(32);
    }

    /** The family a token names, or {@code null} if it is not shaped like one of Tally's refresh tokens. */
    public static String familyOf(String token) {
        if (token == null) {
            return null;
        }
        int dot = token.indexOf('.');
        if (dot <= 4 || !token.startsWith("rtf_") || token.length() - dot - 1 < 43) {
            return null;
        }
        return token.substring(0, dot);
    }
}
