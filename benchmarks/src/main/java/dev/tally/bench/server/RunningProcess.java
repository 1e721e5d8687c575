package dev.tally.bench.server;

import dev.tally.bench.http.BenchException;
import java.time.Duration;
import java.util.Optional;

/**
 * A server process the tool did not start (a peer, a Tally of --base-url), found by its pid or its port: watched like
 * the tool's own child, never started or stopped by it.
 */
public final class RunningProcess implements MeasuredProcess {
    private final ProcessHandle handle;

    private RunningProcess(ProcessHandle handle) {
        this.handle = handle;
    }

    /**
     * The process listening on the peer's port if this user may see it, else empty (its CPU and memory are then not
     * measured). Given a pid, which must be alive, that process, or the listener when it runs under it: a launcher
     * script's pid (Keycloak's kc.sh, which may keep running as the JVM's parent) names the server below it.
     */
    public static Optional<RunningProcess> of(Peer peer) {
        Optional<RunningProcess> listener = listeningOn(peer.port());
        if (peer.pid() == null) {
            return listener;
        }
        ProcessHandle given = ProcessHandle.of(peer.pid()).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new BenchException("no live process with the peer's pid " + peer.pid()));
        return Optional.of(listener.filter(l -> given.descendants().anyMatch(d -> d.pid() == l.pid()))
                .orElse(new RunningProcess(given)));
    }

    /** The process listening on a TCP port of this machine, if this user may see it. */
    public static Optional<RunningProcess> listeningOn(int port) {
        return ListeningProcess.of(port).flatMap(ProcessHandle::of).map(RunningProcess::new);
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
