package dev.tally.bench.load;

import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.latency.LongSamples;
import dev.tally.bench.scenario.RequestSource;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;

/** One client thread's closed loop. Its counters are read by the main thread only after join(). */
final class Worker implements Runnable {
    private final HttpClient http;
    private final RequestSource source;
    private final Control control;
    private final int validateEvery;
    final LongSamples latencies;
    private final long[] statusCounts = new long[Counts.STATUSES]; // non-200 statuses inside the window
    private long ok;
    private long non200;
    private long exceptions;
    private long warmupOk;
    private long warmupErrors;
    private long validated;
    private long validationFailures;
    long lastCompletionNanos;
    boolean sawRequestInWindow;
    /** Ended before the window did, because its source cannot go on after a failure or an invalid answer. */
    boolean stoppedEarly;

    Worker(HttpClient http, RequestSource source, Control control, int validateEvery, int expectedSamples) {
        this.http = http;
        this.source = source;
        this.control = control;
        this.validateEvery = validateEvery;
        this.latencies = new LongSamples(expectedSamples);
    }

    @Override
    public void run() {
        control.ready.countDown();
        try {
            control.go.await();
        } catch (InterruptedException e) {
            return;
        }
        final long measureStart = control.measureStartNanos;
        final long measureEnd = control.measureEndNanos;
        final HttpResponse.BodyHandler<String> handler = HttpResponse.BodyHandlers.ofString();
        final boolean survivesFailure = source.survivesFailure();
        long successes = 0;
        while (!control.stop) {
            if (System.nanoTime() - measureEnd >= 0) {
                break;
            }
            if (control.permits.getAndDecrement() <= 0) {
                control.capReached = true;
                break;
            }
            HttpRequest request = source.next();
            long t0 = System.nanoTime();
            boolean inWindow = t0 - measureStart >= 0;
            HttpResponse<String> response;
            try {
                response = http.send(request, handler);
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                long t1 = System.nanoTime();
                if (inWindow) {
                    exceptions++;
                    sawRequestInWindow = true;
                    lastCompletionNanos = t1;
                } else {
                    warmupErrors++;
                }
                if (control.firstException.get() == null) {
                    control.firstException.compareAndSet(null, e + at(t1));
                }
                if (!survivesFailure) {
                    stoppedEarly = true;
                    break;
                }
                continue;
            }
            long t1 = System.nanoTime();
            int status = response.statusCode();
            if (inWindow) {
                sawRequestInWindow = true;
                lastCompletionNanos = t1;
            }
            if (status == 200) {
                if (inWindow) {
                    ok++;
                    latencies.add(t1 - t0);
                } else {
                    warmupOk++;
                }
                if (successes++ % validateEvery == 0) {
                    validated++;
                    String problem = source.validate(response.body());
                    if (problem != null) {
                        validationFailures++;
                        control.firstInvalid.compareAndSet(null, problem + " in " + BodyExcerpt.of(response.body()) + at(t1));
                    }
                }
                String cannotGoOn = source.onSuccess(response.body());
                if (cannotGoOn != null) {
                    validationFailures++;
                    control.firstInvalid.compareAndSet(null, cannotGoOn + " in " + BodyExcerpt.of(response.body()) + at(t1));
                    stoppedEarly = true;
                    break;
                }
            } else {
                if (inWindow) {
                    non200++;
                    statusCounts[Math.max(0, Math.min(statusCounts.length - 1, status))]++;
                } else {
                    warmupErrors++;
                }
                if (control.firstError.get() == null) {
                    control.firstError.compareAndSet(null, "HTTP " + status + " " + BodyExcerpt.of(response.body()) + at(t1));
                }
                if (!survivesFailure) {
                    stoppedEarly = true;
                    break;
                }
            }
        }
    }

    /** What this worker counted; read after it was joined. */
    Counts counts() {
        return new Counts(ok, non200, exceptions, warmupOk, warmupErrors, validated, validationFailures, 1,
                stoppedEarly ? 1 : 0, statusCounts.clone());
    }

    private String at(long nanos) {
        return String.format(Locale.ROOT, " (%.2f s after the load started, %s)",
                (nanos - control.loadStartNanos) / 1e9, nanos - control.measureStartNanos >= 0 ? "measured" : "warm-up");
    }
}
