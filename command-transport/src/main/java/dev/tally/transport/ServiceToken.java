package dev.tally.transport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The secret the token service presents to the command service's internal endpoint ({@code TALLY_SERVICE_TOKEN}, or
 * {@code tally.service-token}): at least {@value #MIN_LENGTH} characters, the same on both sides, and different
 * from the administrator's token. It opens {@code /internal/**} only; the administrator's token never does.
 */
public final class ServiceToken {
    public static final int MIN_LENGTH = 32;

    private final String value;
    private final byte[] digest;

    private ServiceToken(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    public static ServiceToken of(String value) {
        if (value == null || value.strip().length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the service token (TALLY_SERVICE_TOKEN) must be at least " + MIN_LENGTH
                    + " characters");
        }
        return new ServiceToken(value.strip());
    }

    /** {@code tally.service-token}, which Spring also finds as the environment variable {@code TALLY_SERVICE_TOKEN}. */
    public static ServiceToken from(ServiceTokenProperties properties) {
        String configured = properties.serviceToken();
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("TALLY_SERVICE_TOKEN (tally.service-token) is not set: the command service and "
                    + "the token service authenticate each other with a shared secret of at least " + MIN_LENGTH + " characters");
        }
        return of(configured);
    }

    /**
     * Compares digests, so the time taken depends neither on where the presented value first differs nor on its
     * length.
     */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The value to send as a bearer token; never logged. */
    String value() {
        return value;
    }

    @Override
    public String toString() {
        return "ServiceToken[redacted]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
