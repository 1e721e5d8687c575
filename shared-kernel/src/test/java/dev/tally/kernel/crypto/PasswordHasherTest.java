package dev.tally.kernel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
}
