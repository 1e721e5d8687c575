package dev.tally.bench.report;

import dev.tally.bench.latency.Percentiles;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * What the rotation depth probe prints on stdout: a fenced block of {@code key: value} lines that says what ran and
 * how, then a Markdown table with the first and the last window of rotations and their ratio. Latencies in
 * milliseconds with two decimals; the server's CPU in milliseconds per rotation, counting every rotation the server
 * granted in the window (the background's too), since /proc cannot tell whose request a CPU second served.
 */
public final class RotationDepthReport {

    /**
     * Consecutive rotations of the probe's family, {@code from} to {@code to} (1-based, inclusive).
     *
     * @param sortedLatencies     each rotation's latency in nanoseconds, ascending
     * @param serverCpu           CPU the server used from the start of rotation {@code from} to the answer to
     *                            {@code to}; null when not measured
     * @param backgroundRotations rotations the background load had granted meanwhile
     */
    public record Window(int from, int to, long[] sortedLatencies, double wallSeconds, Duration serverCpu,
                         long backgroundRotations) {
        /** Server CPU in milliseconds per rotation granted in the window, -1 when not measured. */
        double cpuMsPerRotation() {
            long granted = sortedLatencies.length + backgroundRotations;
            return serverCpu == null || granted == 0 ? -1 : serverCpu.toNanos() / 1e6 / granted;
        }
    }

    /**
     * @param target      what was probed, in words
     * @param family      how the family was started and rotated, in words
     * @param background  the background load in words, or null without one
     * @param serverCpu   where the server's CPU was read, or why it was not
     * @param done        rotations that were answered and valid
     * @param stoppedBy   why the probe stopped before its last rotation, or null
     * @param first       the first window, or null when the probe stopped before its end
     * @param last        the last window, or null when the probe stopped before its end
     */
    public record Content(Instant started, String target, String family, String warmup, String background,
                          String serverCpu, int rotations, int done, String stoppedBy, Window first, Window last,
                          boolean overlap) {
    }

    private final Content c;

    public RotationDepthReport(Content content) {
        this.c = content;
    }

    public void print(PrintStream out) {
        out.print(format());
        out.flush();
    }

    String format() {
        StringBuilder b = new StringBuilder("## Rotation depth probe\n\n```\n");
        line(b, "date", c.started().truncatedTo(ChronoUnit.SECONDS).toString());
        line(b, "target", c.target());
        line(b, "family", c.family());
        line(b, "warm-up", c.warmup());
        line(b, "background", c.background() == null ? "none" : c.background());
        line(b, "server CPU", c.serverCpu());
        line(b, "rotations", c.done() + " of " + c.rotations() + " answered and valid"
                + (c.stoppedBy() == null ? "" : "; STOPPED: " + c.stoppedBy()));
        b.append("```\n\n");
        if (c.first() == null || c.last() == null) {
            b.append("No windows to compare: the probe stopped before its last rotation.\n");
            return b.toString();
        }
        if (c.overlap()) {
            b.append("The two windows overlap: fewer than twice --window rotations.\n\n");
        }
        b.append("| rotations | count | p50 ms | p90 ms | p99 ms | max ms | mean ms | wall s | background rotations"
                + " | server CPU ms/rotation |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        Percentiles.Summary first = row(b, c.first());
        Percentiles.Summary last = row(b, c.last());
        b.append("| last / first | | ").append(ratio(last.p50(), first.p50()))
                .append(" | ").append(ratio(last.p90(), first.p90()))
                .append(" | ").append(ratio(last.p99(), first.p99()))
                .append(" | ").append(ratio(last.max(), first.max()))
                .append(" | ").append(ratio(last.mean(), first.mean()))
                .append(" | | | ").append(c.first().cpuMsPerRotation() < 0 || c.last().cpuMsPerRotation() < 0 ? "n/a"
                        : ratio(c.last().cpuMsPerRotation(), c.first().cpuMsPerRotation()))
                .append(" |\n");
        return b.toString();
    }

    private static Percentiles.Summary row(StringBuilder b, Window w) {
        Percentiles.Summary s = Percentiles.summarize(w.sortedLatencies());
        double cpu = w.cpuMsPerRotation();
        b.append(String.format(Locale.ROOT, "| %d–%d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %s |%n",
                w.from(), w.to(), s.count(), s.p50() / 1e6, s.p90() / 1e6, s.p99() / 1e6, s.max() / 1e6,
                s.mean() / 1e6, w.wallSeconds(), w.backgroundRotations(),
                cpu < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", cpu)));
        return s;
    }

    private static String ratio(double last, double first) {
        return first <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", last / first);
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-17s %s%n", key + ":", value));
    }
}
