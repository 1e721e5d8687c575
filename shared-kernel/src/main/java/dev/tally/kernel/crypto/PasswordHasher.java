package dev.tally.kernel.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id for user passwords, in the PHC string format ({@code $argon2id$v=19$m=7168,t=5,p=1$salt$hash}), so a
 * stored hash says which parameters made it and verification keeps working after the defaults change.
 * Thread-safe.
 *
 * <p>At most one computation per core runs at a time ({@link #COMPUTING}, first come first served); the others wait
 * for a core. Each holds its whole memory (7 MiB by default) while it runs, so a burst of logins on the servlet's
 * hundreds of threads would otherwise hold hundreds of MiB of heap at once and make every one of them slow: more at
 * once than the cores can compute only shares the cores, it does not finish any sooner.
 *
 * <p>The computations draw their 1 KiB blocks from one pool ({@link #BLOCKS}) that keeps as many as the computations
 * allowed at once use at the default cost. Without it each computation allocated its 7,168 blocks anew: 7 MiB that
 * lived as long as the computation, long enough to be promoted by the small heap's young collections, so a stream of
 * logins filled the old generation and forced a full collection every few seconds. BouncyCastle zeroes each block
 * before it returns it to the pool.
 */
public final class PasswordHasher {
    /** OWASP's minimum configuration: 7 MiB, 5 iterations, one lane. */
    public static final int DEFAULT_MEMORY_KIB = 7 * 1024;
    public static final int DEFAULT_ITERATIONS = 5;
    public static final int DEFAULT_PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final Semaphore COMPUTING = new Semaphore(CORES, true);
    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static final AtomicInteger MOST_RUNNING = new AtomicInteger();
    /** Blocks for every computation allowed at once at the default cost, and the few each uses besides its memory. */
    static final Argon2BytesGenerator.BlockPool BLOCKS = new Argon2BytesGenerator.FixedBlockPool(
            CORES * (Argon2BytesGenerator.getBlockCount(DEFAULT_MEMORY_KIB, DEFAULT_PARALLELISM) + 16));

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;

    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
            throw new IllegalArgumentException("Argon2id needs iterations >= 1, parallelism >= 1, memory >= 8 KiB per lane");
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    public static PasswordHasher defaults() {
        return new PasswordHasher(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM);
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(hash);
    }

    /** Constant-time check of a password against a stored PHC string; false for anything malformed. */
    public boolean verify(String password, String encoded) {
        if (password == null || encoded == null) {
            return false;
        }
        String[] parts = encoded.split("\\$");
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        try {
            int m = 0;
            int t = 0;
            int p = 0;
            for (String kv : parts[3].split(",")) {
                int value = Integer.parseInt(kv.substring(2));
                switch (kv.charAt(0)) {
                    case 'm' -> m = value;
                    case 't' -> t = value;
                    case 'p' -> p = value;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            return MessageDigest.isEqual(derive(password, salt, m, t, p, expected.length), expected);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** True if the hash was made with other parameters than this hasher's (a candidate for rehashing on login). */
    public boolean outdated(String encoded) {
        return !encoded.contains("$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$");
    }

    /** The most computations that ever ran at once in this process (for tests). */
    static int mostRunningAtOnce() {
        return MOST_RUNNING.get();
    }

    private static byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
        // uninterruptibly: an interrupted wait must not read as a wrong password to verify's callers
        COMPUTING.acquireUninterruptibly();
        try {
            MOST_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
            return compute(password, salt, m, t, p, length);
        } finally {
            RUNNING.decrementAndGet();
            COMPUTING.release();
        }
    }

    private static byte[] compute(String password, byte[] salt, int m, int t, int p, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt).withBlockPool(BLOCKS).build());
        byte[] out = new byte[length];
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            generator.generateBytes(pw, out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }
}
