package dev.tally.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The probe's report, character for character. */
class RotationDepthReportTest {

    private static long[] millis(long from, long to) {
        return LongStream.rangeClosed(from, to).map(ms -> ms * 1_000_000).toArray();
    }

    private static RotationDepthReport.Content content(RotationDepthReport.Window first,
                                                       RotationDepthReport.Window last, int done, String stoppedBy) {
        return new RotationDepthReport.Content(Instant.parse("2026-01-02T03:04:05.6Z"), "Tally at http://127.0.0.1:9",
                "one, rotated", "10 rotations of another family first, not timed", null, "pid 42, from /proc",
                200, done, stoppedBy, first, last, false);
    }

    @Test
    void theLastWindowIsSetAgainstTheFirst() {
        // 1..100 ms in the first window, 2..200 ms in the last; the server's CPU per granted rotation 1 ms, then 3 ms
        RotationDepthReport.Window first = new RotationDepthReport.Window(1, 100, millis(1, 100), 5.05,
                Duration.ofMillis(300), 200);
        RotationDepthReport.Window last = new RotationDepthReport.Window(101, 200, LongStream.rangeClosed(1, 100)
                .map(ms -> ms * 2_000_000).toArray(), 10.1, Duration.ofMillis(900), 200);
        assertEquals("""
                ## Rotation depth probe

                ```
                date:             2026-01-02T03:04:05Z
                target:           Tally at http://127.0.0.1:9
                family:           one, rotated
                warm-up:          10 rotations of another family first, not timed
                background:       none
                server CPU:       pid 42, from /proc
                rotations:        200 of 200 answered and valid
                ```

                | rotations | count | p50 ms | p90 ms | p99 ms | max ms | mean ms | wall s | background rotations \
                | server CPU ms/rotation |
                |---|---|---|---|---|---|---|---|---|---|
                | 1–100 | 100 | 50.00 | 90.00 | 99.00 | 100.00 | 50.50 | 5.05 | 200 | 1.000 |
                | 101–200 | 100 | 100.00 | 180.00 | 198.00 | 200.00 | 101.00 | 10.10 | 200 | 3.000 |
                | last / first | | 2.00 | 2.00 | 2.00 | 2.00 | 2.00 | | | 3.00 |
                """, new RotationDepthReport(content(first, last, 200, null)).format()
                .replace(System.lineSeparator(), "\n"));
    }

    @Test
    void withoutTheServersCpuOrAFullRunThereIsLessToSay() {
        RotationDepthReport.Window first = new RotationDepthReport.Window(1, 100, millis(1, 100), 5.0, null, 0);
        String text = new RotationDepthReport(content(first, first, 200, null)).format();
        assertTrue(text.contains("| 1–100 | 100 | 50.00 | 90.00 | 99.00 | 100.00 | 50.50 | 5.00 | 0 | n/a |\n"),
                text);
        assertTrue(text.endsWith("| last / first | | 1.00 | 1.00 | 1.00 | 1.00 | 1.00 | | | n/a |\n"), text);

        text = new RotationDepthReport(content(null, null, 6, "rotation 7: HTTP 500 {}")).format();
        assertTrue(text.contains("rotations:        6 of 200 answered and valid; STOPPED: rotation 7: HTTP 500"
                + " {}\n"), text);
        assertTrue(text.endsWith("```\n\nNo windows to compare: the probe stopped before its last rotation.\n"),
                text);
    }
}
