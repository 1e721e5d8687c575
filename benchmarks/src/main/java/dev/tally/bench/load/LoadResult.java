package dev.tally.bench.load;

import dev.tally.bench.server.ProcMemory;
import java.util.Optional;

/**
 * Totals of one run, after all workers were joined: what they counted, every measured latency in ascending order
 * (nanoseconds), the window they fell in, why the load ended early if it did, the first problem of each kind, the
 * server's memory under load and the cores the tool and the server kept busy during the window (-1 if unknown).
 *
 * @param loadMemoryAtSeconds when in the window the memory sample was taken; -1 if it was taken after the load
 */
public record LoadResult(String threadKind, Counts counts, long[] sortedLatencies, double windowSeconds,
                         boolean capReached, boolean serverDied, boolean workersTimedOut,
                         String firstError, String firstException, String firstInvalid,
                         Optional<ProcMemory.Sample> loadMemory, double loadMemoryAtSeconds,
                         double toolCpuCores, double serverCpuCores) {

    /** A run fails when nothing succeeded, or when any error or invalid answer was seen. */
    public boolean failed() {
        return counts.ok() == 0 || counts.errors() > 0 || counts.validationFailures() > 0;
    }

    /** Very short windows may end before the first memory sample: then the sample right after the load stands in. */
    public LoadResult orMemoryAfterLoad(Optional<ProcMemory.Sample> afterLoad) {
        if (loadMemory.isPresent()) {
            return this;
        }
        return new LoadResult(threadKind, counts, sortedLatencies, windowSeconds, capReached, serverDied,
                workersTimedOut, firstError, firstException, firstInvalid, afterLoad, -1, toolCpuCores, serverCpuCores);
    }
}
