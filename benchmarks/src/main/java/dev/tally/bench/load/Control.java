package dev.tally.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** State shared by the workers; everything except the atomics/volatiles is written before {@code go} opens. */
final class Control {
    final CountDownLatch ready;
    final CountDownLatch go = new CountDownLatch(1);
    final AtomicLong permits; // --max-requests, counted down lock-free
    long loadStartNanos; // these three are published to the workers by go.countDown()
    long measureStartNanos;
    long measureEndNanos;
    volatile boolean stop;
    volatile boolean capReached;
    final AtomicReference<String> firstError = new AtomicReference<>();
    final AtomicReference<String> firstException = new AtomicReference<>();
    final AtomicReference<String> firstInvalid = new AtomicReference<>();

    Control(int workers, long maxRequests) {
        ready = new CountDownLatch(workers);
        permits = new AtomicLong(maxRequests);
    }
}
