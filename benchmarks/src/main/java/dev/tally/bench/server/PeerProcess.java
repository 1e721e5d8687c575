package dev.tally.bench.server;

import dev.tally.bench.http.BenchException;
import java.time.Duration;
import java.util.Optional;

/** A peer's server process, found by its pid: watched like the tool's own child, never started or stopped by it. */
public final class PeerProcess implements MeasuredProcess {
    private final ProcessHandle handle;

    private PeerProcess(ProcessHandle handle) {
        this.handle = handle;
    }

    /**
     * The pid the peer was given with, which must be alive; else the process listening on its endpoint's port, if
     * this user may see it. Empty when it cannot be found: its CPU and memory are then not measured.
     */
    public static Optional<PeerProcess> find(Peer peer) {
        if (peer.pid() != null) {
            ProcessHandle handle = ProcessHandle.of(peer.pid()).filter(ProcessHandle::isAlive)
                    .orElseThrow(() -> new BenchException("no live process with the peer's pid " + peer.pid()));
            return Optional.of(new PeerProcess(handle));
        }
        return ListeningProcess.of(peer.port()).flatMap(ProcessHandle::of).map(PeerProcess::new);
    }

    @Override
    public long pid() {
        return handle.pid();
    }

    @Override
    public boolean isAlive() {
        return handle.isAlive();
    }

    @Override
    public Optional<Duration> cpu() {
        return handle.info().totalCpuDuration();
    }

    @Override
    public Optional<ProcMemory.Sample> memory() {
        return ProcMemory.read(handle.pid());
    }

    /** The binary it runs (for a Java server, which JDK), if the OS tells. */
    public Optional<String> command() {
        return handle.info().command();
    }
}
