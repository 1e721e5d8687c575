package dev.tally.bench.server;

import java.time.Duration;
import java.util.Optional;

/**
 * The server process a run watches while it loads it: whether it still lives, the CPU it has used and its memory.
 * Tally as the tool's own child ({@link ServerProcess}), or a peer or another server already running
 * ({@link RunningProcess}).
 */
public interface MeasuredProcess {
    long pid();

    boolean isAlive();

    /** Total CPU time the process has used so far (user + system), if the OS tells. */
    Optional<Duration> cpu();

    Optional<ProcMemory.Sample> memory();
}
