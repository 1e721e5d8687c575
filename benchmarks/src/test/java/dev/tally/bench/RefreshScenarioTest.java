package dev.tally.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.ClientCredentialsLoadTest.Run;
import dev.tally.bench.fake.FakeTallyServer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The refresh scenario (--scenario=refresh) against the fake server. */
class RefreshScenarioTest {

    private static Run run(String... args) {
        return ClientCredentialsLoadTest.run(Map.of(), args);
    }

    private static long warmupOk(Run r) {
        Matcher warm = Pattern.compile("warm-up:\\s+\\d+ s, not measured \\((\\d+) ok, 0 errors\\)").matcher(r.out());
        assertTrue(warm.find(), r.out());
        return Long.parseLong(warm.group(1));
    }

    @Test
    @Timeout(60)
    void everyThreadRotatesItsOwnFamilyWithoutASingleReuse() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 0)) {
            Run r = run("--scenario=refresh", "--base-url=" + fake.baseUrl(), "--admin-token=t",
                    "--concurrency=3", "--warmup=1", "--duration=2", "--validate-every=50");
            assertEquals(0, r.exit(), r.err());
            long total = r.number("total requests");
            assertTrue(total > 0);
            assertEquals(0, r.number("errors"));
            assertTrue(r.out().contains("threads stopped:  0 of 3"), r.out());
            assertTrue(r.out().matches("(?s).*validated:\\s+[1-9]\\d* sampled responses.*, 0 invalid.*"), r.out());
            assertTrue(r.out().startsWith("## Tally refresh load"), r.out());
            assertTrue(r.out().contains("| refresh | "), r.out());
            // one family per thread, plus the smoke test's; none of them ever saw a spent token again
            assertEquals(3 + 1, fake.familiesStarted());
            assertEquals(3 + 1, fake.passwordGrants());
            assertEquals(0, fake.reuseDetected());
            assertEquals(0, fake.refreshRefusals());
            // every refresh the server granted is accounted for: measured + warm-up + the smoke test's one
            assertEquals(fake.rotations(), total + warmupOk(r) + 1);
            assertEquals(fake.tokenRequests(), fake.rotations() + fake.passwordGrants());
        }
    }

    /** The password scenario: the refresh scenario's user and client, the grant alone, no family started. */
    @Test
    @Timeout(60)
    void thePasswordScenarioSendsTheUsersGrantWithoutOfflineAccess() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 0)) {
            Run r = run("--scenario=password", "--base-url=" + fake.baseUrl(), "--admin-token=t",
                    "--concurrency=2", "--warmup=0", "--duration=1", "--validate-every=1");
            assertEquals(0, r.exit(), r.err());
            assertEquals(0, r.number("errors"));
            assertTrue(r.out().contains("| password | "), r.out());
            assertTrue(r.number("total requests") > 0);
            assertEquals(fake.passwordGrants(), fake.tokenRequests(), "nothing but password grants");
            assertEquals(0, fake.familiesStarted(), "no offline_access, so no family");
        }
    }

    @Test
    @Timeout(60)
    void aThreadStopsAtItsFirstErrorInsteadOfPresentingATokenThatMayBeSpent() throws Exception {
        // requests 1-2: smoke test (password grant, refresh); 3-4: the two threads' password grants;
        // then #10 and #20 fail, one for each thread
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 10)) {
            Run r = run("--scenario=refresh", "--base-url=" + fake.baseUrl(), "--admin-token=t",
                    "--concurrency=2", "--warmup=0", "--duration=2");
            assertEquals(1, r.exit(), "errors must make the exit status 1");
            assertEquals(2, r.number("errors"), r.out());
            assertTrue(r.out().contains("threads stopped:  2 of 2"), r.out());
            assertTrue(r.out().contains("[500 x2]"), r.out());
            assertTrue(r.out().contains("first error:      HTTP 500 {\"error\":\"server_error\",\"error_description\":"
                    + "\"injected failure #10\"}"), r.out());
            assertEquals(20, fake.tokenRequests(), "nothing is sent after a thread's failure");
            assertEquals(0, fake.reuseDetected());
            assertEquals(0, fake.refreshRefusals());
        }
    }

    @Test
    @Timeout(60)
    void aServerThatDoesNotRotateIsCaughtBeforeTheLoad() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 0)) {
            fake.rotateRefreshTokens(false);
            Run r = run("--scenario=refresh", "--base-url=" + fake.baseUrl(), "--admin-token=t",
                    "--concurrency=2", "--warmup=0", "--duration=1");
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("first refresh response for tenant bench is invalid: the refresh_token was not "
                    + "rotated"), r.err());
            assertEquals(2, fake.tokenRequests(), "the smoke test's password grant and refresh, then nothing");
        }
    }

    @Test
    @Timeout(60)
    void refreshOverSeveralTenantsSpreadsTheThreads() throws Exception {
        try (FakeTallyServer fake = FakeTallyServer.start(0, "t", 0)) {
            Run r = run("--scenario=refresh", "--base-url=" + fake.baseUrl(), "--admin-token=t",
                    "--concurrency=4", "--warmup=0", "--duration=1", "--tenants=2");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("2 tenant(s)/client(s)/user(s)"), r.out());
            assertEquals(4 + 2, fake.familiesStarted());
            assertEquals(0, fake.reuseDetected());
        }
    }
}
