package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.ClientCredentialsLoadTest.Run;
import dev.tally.bench.fake.FakePeerServer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The refresh scenario against a peer (--peer-token-url), here the Keycloak stand-in. */
class PeerScenarioTest {

    private static Run run(FakePeerServer peer, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "--peer-token-url=" + peer.tokenUrl();
        all[1] = "--peer-client=m2m:s3cret";
        all[2] = "--peer-user=alice:pw";
        System.arraycopy(args, 0, all, 3, args.length);
        return ClientCredentialsLoadTest.run(Map.of(), all);
    }

    @Test
    @Timeout(60)
    @EnabledOnOs(OS.LINUX)
    void everyThreadRotatesItsOwnFamilyAtThePeerAndThePeersProcessIsFoundByItsPort() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = run(peer, "--concurrency=3", "--warmup=1", "--duration=2", "--validate-every=10");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("## Peer refresh load"), r.out());
            assertTrue(r.out().contains("| refresh (peer) | "), r.out());
            long total = r.number("total requests");
            assertTrue(total > 0);
            assertEquals(0, r.number("errors"));
            assertTrue(r.out().contains("threads stopped:  0 of 3"), r.out());
            assertTrue(r.out().contains("target:           " + peer.tokenUrl() + "  client m2m, user alice, no scope"),
                    r.out());
            assertTrue(r.out().matches("(?s).*validated:\\s+[1-9]\\d* sampled responses .*, 0 invalid; expires_in not"
                    + " checked \\(the peer's own\\).*"), r.out());
            // the stand-in listens in this JVM: the port's owner is this process
            long pid = ProcessHandle.current().pid();
            assertTrue(r.out().contains("server:           peer, neither started nor provisioned by the tool; pid "
                    + pid + ", "), r.out());
            assertTrue(r.out().matches("(?s).*server RSS idle:\\s+VmRSS \\d+\\.\\d MiB, VmHWM \\d+\\.\\d MiB"
                    + " \\(before the tool started its families\\).*"), r.out());
            assertTrue(r.out().matches("(?s).*server RSS load:\\s+VmRSS \\d+\\.\\d MiB.*"), r.out());
            assertTrue(r.out().matches("(?s).*CPU in window:\\s+tool \\d+\\.\\d\\d, server \\d+\\.\\d\\d .*"), r.out());
            assertFalse(r.out().contains("s3cret") || r.err().contains("s3cret"), "never the secret");
            // one family per thread, plus the smoke test's, and never a token presented twice
            assertEquals(3 + 1, peer.passwordForms().size());
            assertEquals(0, peer.refusals());
            Matcher warm = Pattern.compile("warm-up:\\s+\\d+ s, not measured \\((\\d+) ok, 0 errors\\)")
                    .matcher(r.out());
            assertTrue(warm.find(), r.out());
            assertEquals(peer.rotations(), total + Long.parseLong(warm.group(1)) + 1);
        }
    }

    @Test
    @Timeout(60)
    void clientCredentialsAtThePeerUseItsClientAndNeedNoUser() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = ClientCredentialsLoadTest.run(Map.of(), "--peer-token-url=" + peer.tokenUrl(),
                    "--peer-client=m2m:s3cret", "--scenario=client_credentials", "--concurrency=2", "--warmup=0",
                    "--duration=1", "--validate-every=1");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("| client_credentials (peer) | "), r.out());
            assertTrue(r.out().contains("client_credentials at a peer"), r.out());
            assertTrue(r.out().contains("errors:           0 "), r.out());
            assertEquals(0, peer.passwordForms().size(), "no user is needed");
            assertTrue(peer.machineTokens() > 1, "the smoke test's token and the load's");
        }
    }

    @Test
    @Timeout(60)
    void introspectionAtThePeerAsksItsIntrospectEndpointForOneTokenOfItsClient() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = ClientCredentialsLoadTest.run(Map.of(), "--peer-token-url=" + peer.tokenUrl(),
                    "--peer-client=m2m:s3cret", "--scenario=introspect", "--concurrency=2", "--warmup=0",
                    "--duration=1", "--validate-every=1");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("| introspect (peer) | "), r.out());
            assertTrue(r.out().contains("errors:           0 "), r.out());
            assertEquals(2, peer.machineTokens(), "one for the smoke test, one for the load");
            assertTrue(peer.introspections() > 2, r.out());
        }
    }

    @Test
    @Timeout(60)
    void thePasswordGrantAtThePeerSendsItsUserWithNoScope() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = ClientCredentialsLoadTest.run(Map.of(), "--peer-token-url=" + peer.tokenUrl(),
                    "--peer-client=m2m:s3cret", "--peer-user=alice:pw", "--scenario=password", "--concurrency=2",
                    "--warmup=0", "--duration=1", "--validate-every=1");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("| password (peer) | "), r.out());
            assertTrue(r.out().contains("errors:           0 "), r.out());
            assertTrue(peer.passwordForms().size() > 2, "the smoke test's and the load's");
            assertTrue(peer.passwordForms().stream().allMatch(f -> !f.containsKey("scope")
                    && "alice".equals(f.get("username"))));
        }
    }

    @Test
    @Timeout(60)
    void aPeerUserIsRefusedWhereNoScenarioNeedsOne() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = ClientCredentialsLoadTest.run(Map.of(), "--peer-token-url=" + peer.tokenUrl(),
                    "--peer-client=m2m:s3cret", "--peer-user=alice:pw", "--scenario=introspect", "--warmup=0",
                    "--duration=1");
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("--peer-user applies to the refresh and password scenarios only"), r.err());
        }
    }

    @Test
    @Timeout(60)
    void aGivenPidIsWatchedAndTheScopeIsSent() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = run(peer, "--concurrency=1", "--warmup=0", "--duration=1", "--peer-scope=offline_access",
                    "--peer-pid=" + ProcessHandle.current().pid());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("pid " + ProcessHandle.current().pid()), r.out());
            assertTrue(r.out().contains("user alice, scope offline_access"), r.out());
            assertTrue(peer.passwordForms().stream().allMatch(f -> "offline_access".equals(f.get("scope"))));
        }
    }

    @Test
    @Timeout(60)
    @EnabledOnOs(OS.LINUX)
    void aLaunchersPidNamesTheServerRunningUnderIt() throws Exception {
        // as kc.pid may name Keycloak's kc.sh, the JVM's parent: here the test JVM's parent stands for it
        long launcher = ProcessHandle.current().parent().orElseThrow().pid();
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = run(peer, "--concurrency=1", "--warmup=0", "--duration=1", "--peer-pid=" + launcher);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("pid " + ProcessHandle.current().pid()), r.err());
        }
    }

    @Test
    @Timeout(60)
    void aPeerThatDoesNotRotateIsCaughtBeforeTheLoad() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            peer.rotateRefreshTokens(false);
            Run r = run(peer, "--concurrency=2", "--warmup=0", "--duration=1");
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("first refresh response for the peer is invalid: the refresh_token was not "
                    + "rotated"), r.err());
            assertEquals(1, peer.passwordForms().size(), "the smoke test's family, then nothing");
        }
    }

    @Test
    @Timeout(60)
    void wrongCredentialsEndTheRunWithThePeersWords() throws Exception {
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = ClientCredentialsLoadTest.run(Map.of(), "--peer-token-url=" + peer.tokenUrl(),
                    "--peer-client=m2m:wrong", "--peer-user=alice:pw", "--warmup=0", "--duration=1");
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("error: password grant for the peer failed: HTTP 401 {\"error\":"
                    + "\"unauthorized_client\""), r.err());
        }
    }

    @Test
    @Timeout(60)
    void aPidThatIsNotAliveEndsTheRunBeforeAnythingIsSent() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (FakePeerServer peer = FakePeerServer.start("m2m", "s3cret", "alice", "pw")) {
            Run r = run(peer, "--warmup=0", "--duration=1", "--peer-pid=" + gone.pid());
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("error: no live process with the peer's pid " + gone.pid()), r.err());
            assertEquals(0, peer.passwordForms().size());
        }
    }
}
