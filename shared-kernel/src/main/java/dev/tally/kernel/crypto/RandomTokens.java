package dev.tally.kernel.crypto;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable identifiers and secrets. */
public final class RandomTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private RandomTokens() {
    }

    /** {@code bytes} random bytes, base64url without padding. */
    public static String urlSafe(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** {@code length} characters of [A-Za-z0-9], uniformly chosen (62 divides no power of two, so no modulo). */
    public static String alphanumeric(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)];
        }
        return new String(out);
    }
}
