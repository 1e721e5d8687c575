package dev.tally.kernel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    /** Small parameters: what is tested is the bound and the answers, not Argon2's cost. */
    private final PasswordHasher hasher = new PasswordHasher(256, 2, 1);

    @Test
    void verifyWhenTheSamePasswordThenTrueAndOtherwiseFalse() {
        String encoded = hasher.hash("correct horse");

        assertThat(encoded).startsWith("$argon2id$v=19$m=256,t=2,p=1$");
        assertThat(hasher.verify("correct horse", encoded)).isTrue();
        assertThat(hasher.verify("correct horsE", encoded)).isFalse();
        assertThat(hasher.verify("correct horse", "$argon2id$v=19$garbage")).isFalse();
        assertThat(hasher.verify(null, encoded)).isFalse();
    }

    /** Never more computations at once than cores, however many threads ask together; every answer still right. */
    @Test
    void hashWhenManyThreadsAskAtOnceThenAtMostOnePerCoreComputesAndEveryAnswerIsRight() throws Exception {
        int threads = 4 * PasswordHasher.CORES + 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String password = "password " + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    String encoded = hasher.hash(password);
                    return hasher.verify(password, encoded) && !hasher.verify(password + "!", encoded);
                }));
            }
            start.countDown();
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(PasswordHasher.mostRunningAtOnce()).isBetween(1, PasswordHasher.CORES);
    }

    @Test
    void hashesFromPooledBlocksMatchArgon2idComputedWithFreshMemoryEveryTime() {
        PasswordHasher defaults = PasswordHasher.defaults();
        for (int i = 0; i < 6; i++) { // the pool is dirty from the second computation on
            byte[] salt = ("salt-of-round-" + i).getBytes(StandardCharsets.UTF_8);
            String password = "password " + i;
            byte[] expected = new byte[32];
            Argon2BytesGenerator fresh = new Argon2BytesGenerator(); // its own blocks, no shared pool
            fresh.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(7 * 1024).withIterations(5)
                    .withParallelism(1).withSalt(salt).build());
            fresh.generateBytes(password.getBytes(StandardCharsets.UTF_8), expected);
            String encoded = "$argon2id$v=19$m=7168,t=5,p=1$" + Base64.getEncoder().withoutPadding().encodeToString(salt)
                    + "$" + Base64.getEncoder().withoutPadding().encodeToString(expected);

            assertThat(defaults.verify(password, encoded)).as("round %d", i).isTrue();
            assertThat(defaults.verify(password + "!", encoded)).as("round %d", i).isFalse();
        }
    }

    @Test
    void aComputationAtTheDefaultCostReusesPooledBlocksInsteadOfAllocatingItsMemory() {
        PasswordHasher defaults = PasswordHasher.defaults();
        String encoded = defaults.hash("warm the pool");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        assertThat(defaults.verify("warm the pool", encoded)).isTrue();

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 7 MiB of blocks when each computation allocated its own memory
        assertThat(allocated).as("bytes allocated by one verification").isLessThan(1024 * 1024);
    }
}
