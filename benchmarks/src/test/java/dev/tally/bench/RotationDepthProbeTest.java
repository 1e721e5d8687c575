package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.fake.FakePeerServer;
import dev.tally.bench.fake.FakeTallyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The rotation depth probe against the fake Tally and the Keycloak stand-in. */
class RotationDepthProbeTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RotationDepthProbe.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        Run r = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(r.out());
        System.err.println(r.err());
        return r;
    }

    @Test
    @Timeout(60)
    @EnabledOnOs(OS.LINUX)
    void oneFamilyIsRotatedInSequenceAndItsFirstAndLastWindowsCompared() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 0)) {
            Run r = run("--base-url=" + fake.baseUrl(), "--admin-token=t", "--rotations=60", "--window=20",
                    "--warmup-rotations=5");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("## Rotation depth probe"), r.out());
            assertTrue(r.out().contains("rotations:        60 of 60 answered and valid\n"), r.out());
            assertTrue(r.out().contains("warm-up:          5 rotations of another family first, not timed"), r.out());
            assertTrue(r.out().matches("(?s).*\\| 1–20 \\| 20 \\| \\d+\\.\\d\\d \\|.*"), r.out());
            assertTrue(r.out().matches("(?s).*\\| 41–60 \\| 20 \\| \\d+\\.\\d\\d \\|.*"), r.out());
            assertTrue(r.out().matches("(?s).*\\| last / first \\| \\| \\d+\\.\\d\\d \\|.*"), r.out());
            // the fake listens in this JVM: its CPU is read from /proc
            assertTrue(r.out().contains("server CPU:       pid " + ProcessHandle.current().pid()), r.out());
            // the smoke test's family, the warm-up's and the probe's; nothing presented twice
            assertEquals(3, fake.familiesStarted());
            assertEquals(1 + 5 + 60, fake.rotations());
            assertEquals(0, fake.refreshRefusals());
        }
    }

    @Test
    @Timeout(60)
    void underBackgroundLoadTheBackgroundsRotationsAreCountedInEachWindow() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 0)) {
            Run r = run("--base-url=" + fake.baseUrl(), "--admin-token=t", "--rotations=40", "--window=10",
                    "--warmup-rotations=0", "--background=2");
            assertEquals(0, r.exit(), r.err());
            Matcher bg = Pattern.compile("background:\\s+2 threads of the load tool's refresh scenario .*: (\\d+)"
                    + " rotations in .*, 0 errors, 0 invalid, 0 of 2 threads stopped").matcher(r.out());
            assertTrue(bg.find(), r.out());
            long background = Long.parseLong(bg.group(1));
            assertTrue(background > 0, r.out());
            Matcher first = Pattern.compile("\\| 1–10 \\| 10 \\|(?: [^|]+ \\|){6} (\\d+) \\|").matcher(r.out());
            assertTrue(first.find(), r.out());
            assertTrue(Long.parseLong(first.group(1)) <= background, r.out());
            assertEquals(2 + 1 + 1, fake.familiesStarted(), "two background families, the smoke test's, the probe's");
            assertEquals(fake.rotations(), 1 + 40 + background,
                    "the background's are counted as the server granted them");
            assertEquals(0, fake.refreshRefusals());
        }
    }

    @Test
    @Timeout(60)
    void aRefusedRotationStopsTheProbeWithTheServersWords() throws Exception {
        // 1-2: the smoke test's password grant and refresh; 3: the probe's password grant; 4-9: rotations 1-6
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 10)) {
            Run r = run("--base-url=" + fake.baseUrl(), "--admin-token=t", "--rotations=30", "--window=10",
                    "--warmup-rotations=0");
            assertEquals(1, r.exit());
            assertTrue(r.out().contains("rotations:        6 of 30 answered and valid; STOPPED: rotation 7: HTTP 500 "
                    + "{\"error\":\"server_error\",\"error_description\":\"injected failure #10\"}"), r.out());
            assertTrue(r.out().contains("No windows to compare"), r.out());
            assertEquals(10, fake.tokenRequests(), "nothing is sent after the refusal");
        }
    }

    @Test
    @Timeout(60)
    void thePeerIsProbedTheSameWay() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = run("--peer-token-url=" + peer.tokenUrl(), "--peer-client=m2m:s3cret", "--peer-user=alice:pw",
                    "--rotations=30", "--window=10", "--warmup-rotations=3", "--background=1");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("target:           peer " + peer.tokenUrl() + ", client m2m\n"), r.out());
            assertTrue(r.out().contains("the peer's user alice"), r.out());
            assertTrue(r.out().contains("rotations:        30 of 30 answered and valid\n"), r.out());
            // the smoke test's, the background's, the warm-up's and the probe's families
            assertEquals(4, peer.passwordForms().size());
            assertEquals(0, peer.refusals());
        }
    }

    @Test
    void badUsageExitsWithTwo() {
        assertEquals(2, run("--rotations=10").exit());
        assertEquals(2, run("--jar=x.jar", "--duration=5").exit());
        assertEquals(0, run("--help").exit());
    }
}
