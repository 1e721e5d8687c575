package dev.tally.bench.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.scenario.Scenario;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotationDepthOptionsTest {

    private static RotationDepthOptions parse(String... args) {
        return RotationDepthOptions.parse(args, Map.of());
    }

    private static String refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    @Test
    void fiveThousandRotationsComparedInWindowsOfFiveHundredAfterAWarmUpWithoutBackgroundByDefault() {
        RotationDepthOptions o = parse("--jar=x.jar");
        assertEquals(5000, o.rotations());
        assertEquals(500, o.window());
        assertEquals(1000, o.warmupRotations());
        assertEquals(0, o.background());
        assertFalse(o.windowsOverlap());
        assertTrue(o.load().jar().endsWith("x.jar"));
    }

    @Test
    void theServerOptionsAreTheLoadToolsAndTheBackgroundIsItsRefreshScenarioForAsLongAsTheProbe() {
        RotationDepthOptions o = parse("--base-url=http://127.0.0.1:9", "--admin-token=t", "--rotations=600",
                "--background=16", "--warmup-rotations=0", "--tenants=2", "--validate-every=1");
        assertEquals(600, o.rotations());
        assertEquals(0, o.warmupRotations());
        assertTrue(o.windowsOverlap(), "1-500 and 101-600");
        LoadOptions load = o.load();
        assertEquals("http://127.0.0.1:9", load.baseUrl());
        assertEquals(Scenario.REFRESH, load.scenario());
        assertEquals(16, load.concurrency());
        assertEquals(0, load.warmupSeconds());
        assertEquals(3600, load.durationSeconds());
        assertEquals(2, load.tenants());
        assertEquals(1, load.validateEvery());
        assertEquals(1, parse("--jar=x.jar").load().concurrency(), "no background: one thread that never runs");

        RotationDepthOptions peer = parse("--peer-token-url=http://127.0.0.1:8180/realms/bench/protocol/openid-connect"
                + "/token", "--peer-client=m2m:s3cret", "--peer-user=alice:pw", "--rotations=600", "--window=300");
        assertEquals("alice", peer.load().peer().username());
        assertFalse(peer.windowsOverlap());
    }

    @Test
    void whatTheProbeDecidesItselfIsRefusedAsAreBadNumbers() {
        for (String option : List.of("--scenario=refresh", "--concurrency=4", "--warmup=3", "--duration=5",
                "--max-requests=10")) {
            String message = refused("--jar=x.jar", option);
            assertTrue(message.startsWith(option.substring(0, option.indexOf('=')) + " does not apply to the probe"),
                    message);
        }
        assertEquals("--window (500) must not exceed --rotations (100)", refused("--jar=x.jar", "--rotations=100"));
        assertEquals("--rotations must be in [1, 10000000], got: 0", refused("--jar=x.jar", "--rotations=0"));
        assertEquals("--background must be a whole number, got: many", refused("--jar=x.jar", "--background=many"));
        assertEquals("option given twice: --rotations", refused("--jar=x.jar", "--rotations=1", "--rotations=2"));
        assertEquals("give exactly one of --jar, --base-url or --peer-token-url", refused("--rotations=600"));
        assertEquals("unknown option --bogus", refused("--jar=x.jar", "--bogus=1"));
    }

    @Test
    void helpNeedsNothingElse() {
        assertTrue(parse("--help").help());
        assertTrue(RotationDepthOptions.USAGE.contains("--rotations=N"));
        assertTrue(RotationDepthOptions.USAGE.contains("--background=N"));
    }
}
