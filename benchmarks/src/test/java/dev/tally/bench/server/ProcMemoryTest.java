package dev.tally.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ProcMemoryTest {

    @Test
    void parsesStatusText() {
        String status = "Name:\tjava\nVmPeak:\t 5000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t12\n";
        assertEquals(Optional.of(new ProcMemory.Sample(102400, 204800)), ProcMemory.parse(status));
        assertEquals("VmRSS 100.0 MiB, VmHWM 200.0 MiB", ProcMemory.parse(status).orElseThrow().describe());
        assertEquals(Optional.empty(), ProcMemory.parse("Name:\tkthreadd\nState:\tS\n")); // kernel threads have none
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void readsAChildProcessAndNothingOnceItIsGone() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            Optional<ProcMemory.Sample> m = ProcMemory.read(child.pid());
            assertTrue(m.isPresent(), "no VmRSS/VmHWM for a live child");
            assertTrue(m.get().vmRssKb() > 0 && m.get().vmHwmKb() >= m.get().vmRssKb(), m.get().toString());
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(Optional.empty(), ProcMemory.read(child.pid()));
        assertTrue(ProcMemory.read(ProcessHandle.current().pid()).orElseThrow().vmRssKb() > 10_000);
    }
}
