package dev.tally.testsupport.fuzz;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A whole run of the fuzz harness against a running Tally: make the {@link Fixture} through the API, send
 * {@code requests} generated requests from {@code concurrency} connections, then check (see {@link EndOfRunChecks}).
 * Used by the standalone module's test at CI size and by the benchmarks' {@code run-fuzz.sh} at 50,000 and more.
 */
public final class HostileInputRun {
    /**
     * Categories after which a connection is not used again: the server may have stopped reading the request in the
     * middle (framing it could not follow, a body over its limit), and the rest would be read as the next request.
     */
    private static final Set<Category> FRESH_CONNECTION_AFTER = EnumSet.of(Category.BAD_FRAMING,
            Category.CONTROL_CHARACTERS, Category.BAD_HOST, Category.OVERSIZE_FORM, Category.OVERSIZE_VALUE,
            Category.HUGE_JSON, Category.TOO_MANY_PARAMETERS, Category.MISSING_PARAMETER);

    /**
     * @param only when not {@code null}, send only the request of this index (to look at one failure again)
     */
    public record Options(long seed, int requests, int concurrency, int timeoutMillis, Long only) {
        public static Options of(long seed, int requests, int concurrency) {
            return new Options(seed, requests, concurrency, 60_000, null);
        }
    }

    /** The server: where it listens, the administrator's token, and how to read everything it has logged so far. */
    public record Server(String baseUrl, String adminToken, Supplier<String> log) {
    }

    private HostileInputRun() {
    }

    public static Report run(Server server, Options options, PrintStream progress) {
        long started = System.nanoTime();
        Secrets secrets = new Secrets();
        Fixture fixture = new Provisioning(server.baseUrl(), server.adminToken(), secrets).provision();
        URI base = URI.create(server.baseUrl());
        String host = base.getHost() + ":" + base.getPort();
        HostileInputs inputs = new HostileInputs(options.seed(), fixture, secrets, host);
        progress.printf("fuzz: seed %d, %d requests from %d connections; %d endpoints, %d endpoint-category pairs "
                        + "(the first %d requests cover each once); set up in %.1f s%n", options.seed(),
                options.only() == null ? options.requests() : 1, options.concurrency(), inputs.endpointNames().size(),
                inputs.pairs(), inputs.pairs(), seconds(started));

        Outcomes outcomes = new Outcomes(secrets);
        long sending = System.nanoTime();
        AtomicLong next = new AtomicLong(options.only() == null ? 0 : options.only());
        long end = options.only() == null ? options.requests() : options.only() + 1;
        long step = Math.max(1, options.requests() / 10);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> crashes = new ArrayList<>();
        for (int w = 0; w < options.concurrency(); w++) {
            Thread worker = new Thread(() -> {
                RawConnection connection = new RawConnection(base.getHost(), base.getPort(), options.timeoutMillis());
                try {
                    for (long i; (i = next.getAndIncrement()) < end; ) {
                        HostileRequest request = inputs.request(i);
                        long sent = System.nanoTime();
                        Answer answer = connection.exchange(request.bytes(), request.head());
                        long nanos = System.nanoTime() - sent;
                        secrets.learnFrom(answer);
                        outcomes.record(request, answer, nanos);
                        if (FRESH_CONNECTION_AFTER.contains(request.category()) || !answer.answered()) {
                            connection.close();
                        }
                        if ((i + 1) % step == 0) {
                            progress.printf("fuzz: %d requests sent (%.1f s); statuses %s%n", i + 1, seconds(sending),
                                    outcomes.statuses());
                        }
                    }
                } catch (RuntimeException | Error e) {
                    synchronized (crashes) {
                        crashes.add(e);
                    }
                } finally {
                    connection.close();
                }
            }, "fuzz-" + w);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!crashes.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("the fuzz harness itself failed", crashes.get(0));
            crashes.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
        double sendSeconds = seconds(sending);

        EndOfRunChecks checks = new EndOfRunChecks(server.baseUrl(), fixture, secrets);
        List<EndOfRunChecks.Check> results = new ArrayList<>();
        results.add(serverErrors(outcomes));
        results.add(checks.views());
        results.add(checks.health());
        results.add(checks.witnesses());
        String log = server.log().get();
        results.add(checks.log(log));
        return new Report(options, outcomes, results, checks.exceptionsIn(log), sendSeconds, seconds(started));
    }

    private static EndOfRunChecks.Check serverErrors(Outcomes outcomes) {
        List<String> problems = outcomes.serverErrors().stream().map(Outcomes.Cause::toString).toList();
        return new EndOfRunChecks.Check("0 answers of 5xx", outcomes.serverErrorCount() + " answers of 5xx from "
                + problems.size() + " distinct causes", problems);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The run's figures and the checks' verdicts. */
    public record Report(Options options, Outcomes outcomes, List<EndOfRunChecks.Check> checks,
                         List<String> logExceptions, double sendSeconds, double totalSeconds) {

        public boolean passed() {
            return checks.stream().allMatch(EndOfRunChecks.Check::passed);
        }

        /** The failed checks, one entry each with every problem it found (the 5xx causes with their first example). */
        public List<String> failures() {
            return checks.stream().filter(c -> !c.passed()).map(c -> c.name() + " FAILED (" + c.found() + "):\n  "
                    + String.join("\n  ", c.problems())).toList();
        }

        public String summary() {
            StringBuilder text = new StringBuilder();
            text.append(String.format("fuzz run: seed %d, %d requests in %.1f s (%.0f requests/s), %.1f s in all%n",
                    options.seed(), outcomes.requests(), sendSeconds, outcomes.requests() / Math.max(sendSeconds, 1e-9),
                    totalSeconds));
            text.append("statuses: ").append(outcomes.statuses()).append('\n');
            text.append("by category (time spent waiting for its answers): statuses\n").append(outcomes.byCategory());
            text.append("by endpoint:\n").append(outcomes.byEndpoint());
            if (outcomes.unansweredCount() > 0) {
                text.append("no answer (").append(outcomes.unansweredCount()).append("):\n");
                outcomes.unanswered().forEach(c -> text.append("  ").append(c).append('\n'));
            }
            text.append("exceptions named in the server's log (").append(logExceptions.size()).append(" distinct):\n");
            logExceptions.stream().limit(40).forEach(e -> text.append("  ").append(e).append('\n'));
            text.append("checks:\n");
            for (EndOfRunChecks.Check c : checks) {
                text.append("  ").append(c.passed() ? "PASSED " : "FAILED ").append(c.name()).append(": ")
                        .append(c.found()).append('\n');
            }
            List<String> failures = failures();
            if (!failures.isEmpty()) {
                text.append("reproduce one request with the same seed and its index (tally.fuzz.only)\n");
                failures.forEach(f -> text.append(f).append('\n'));
            }
            return text.toString();
        }
    }
}
