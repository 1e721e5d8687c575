package dev.tally.bench.load;

import dev.tally.bench.server.MeasuredProcess;
import java.time.Duration;

/** CPU time used so far by this JVM and the server process (when known), at a wall-clock instant. */
record CpuMark(long wallNanos, Duration tool, Duration server) {
    static CpuMark now(MeasuredProcess server) {
        Duration tool = ProcessHandle.current().info().totalCpuDuration().orElse(null);
        Duration srv = server == null ? null : server.cpu().orElse(null);
        return new CpuMark(System.nanoTime(), tool, srv);
    }

    /** Average cores busy between two marks, or -1 if unknown. */
    static double cores(Duration from, Duration to, double wallSeconds) {
        if (from == null || to == null || wallSeconds <= 0) {
            return -1;
        }
        return to.minus(from).toNanos() / 1e9 / wallSeconds;
    }
}
