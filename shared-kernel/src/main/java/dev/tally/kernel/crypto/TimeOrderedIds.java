package dev.tally.kernel.crypto;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Identifiers that are unique and sort by the time they were made: UUID version 7 (RFC 9562, section 5.7), 48 bits
 * of Unix milliseconds followed by 74 random bits, in the canonical lowercase form, so the string sorts as the bytes
 * do.
 *
 * <p>Why: every issued token is a row in several unique indexes (the event store's event id, the audit's event id
 * and {@code jti}). A random key lands on a random page of an index that grows with the history, so once the index
 * outgrows the cache each insert reads a page from disk and rewrites it, and the cost of issuing a token grows with
 * how many were issued before. A key that starts with the time lands next to the previous one: the pages being
 * written stay the same few (BENCHMARKS.md, "random keys").
 *
 * <p>Unguessable enough for what they name (events and {@code jti}s are identifiers, not secrets: a token's
 * signature, not its {@code jti}, makes it valid), and unique: 74 random bits per millisecond. They reveal when they
 * were made, as the token's {@code iat} and the event's timestamp already do.
 */
public final class TimeOrderedIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedIds() {
    }

    /** A new UUIDv7 for the current time. */
    public static String next() {
        return at(System.currentTimeMillis()).toString();
    }

    /** A UUIDv7 for {@code epochMillis} with fresh random bits. */
    static UUID at(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16
                | 0x7000L // version 7
                | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long low = 0x8000_0000_0000_0000L // variant 10
                | ((random[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            low |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(high, low);
    }
}
