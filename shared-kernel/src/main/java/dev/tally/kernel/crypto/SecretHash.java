package dev.tally.kernel.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a high-entropy secret (client secrets, refresh tokens, authorization codes). A fast hash is sound
 * for generated secrets of 256 bits: there is nothing to guess. User passwords use Argon2id instead.
 */
public final class SecretHash {
    private SecretHash() {
    }

    public static String of(String secret) {
        return HexFormat.of().formatHex(digest(secret));
    }

    /** Constant-time comparison of a presented secret with a stored hash. */
    public static boolean matches(String presented, String storedHash) {
        if (presented == null || storedHash == null || storedHash.length() != 64) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(storedHash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(digest(presented), expected);
    }

    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
