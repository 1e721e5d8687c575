package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.FaultyTcpProxy;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.RefreshTabs.FollowUp;
import dev.tally.testsupport.RefreshTabs.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The refresh race with PostgreSQL as the event store, reached through a proxy that can cut the connection in the
 * middle of a statement, in rounds in which it does while five tabs present one token at once. The proxy cuts, by
 * turns, the append of the rotation, of a replay within the leeway, of the record of the issued tokens (the family
 * has decided, the answer is lost), and whichever append comes first. Each such presentation is answered 503 (or
 * 200), and presenting the same token again gets the one successor the other tabs got; no family is revoked.
 *
 * <p>A class of its own: on a small machine the proxy's two extra threads per packet double the time of every round,
 * and the thousand rounds of {@link RefreshRaceOnPostgresTest} do not need them.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RefreshRaces.Clocks.class)
class RefreshRaceCutsOnPostgresTest extends RefreshRaces {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_race_cuts");
    static final FaultyTcpProxy PROXY = FaultyTcpProxy.before(DB);
    /**
     * What the cut connection was about to send: the stored event's type travels as text beside the INSERT (with
     * {@code prepareThreshold=0} every statement's SQL and parameters cross the wire together).
     */
    static final List<String> CUT_WHEN_SENDING = List.of("RefreshEvents$TokenRotated",
            "RefreshEvents$RefreshTokenReplayed", "TokenEvents$AccessTokenIssued", "INSERT INTO domain_event_entry");
    static final int CUT_ROUNDS = 60;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("tally-race-cuts");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        DB.registerThrough(registry, PROXY.port());
    }

    @AfterAll
    static void closeProxy() throws Exception {
        PROXY.close();
    }

    @Override
    String store() {
        return "PostgreSQL through a cutting proxy";
    }

    @Test
    void aConnectionCutWhileFiveTabsPresentOneTokenIsA503OrA200AndTheSameTokenThenGetsTheOneSuccessor() throws Exception {
        Map<String, Integer> cut = new TreeMap<>();
        Run run = race("cuts", 5, CUT_ROUNDS, 10, round -> {
            String marker = CUT_WHEN_SENDING.get(round % CUT_WHEN_SENDING.size());
            int before = PROXY.cuts();
            PROXY.cutWhenClientSends(marker);
            return Plan.of(round % 2 == 0 ? FollowUp.ONE_BY_ONE : FollowUp.AT_ONCE).afterTogether(() -> {
                PROXY.disarm();
                cut.merge(marker, PROXY.cuts() - before, Integer::sum);
            });
        });
        System.out.printf("cuts by what the connection was sending: %s%n", cut);

        assertRoundInvariants(run.tally(), CUT_ROUNDS);
        assertThat(cut.values().stream().mapToInt(Integer::intValue).sum())
                .as("rounds in which the proxy cut the connection, of %d; by what it was sending: %s", CUT_ROUNDS, cut)
                .isEqualTo(CUT_ROUNDS);
        assertThat(run.tally().unavailable()).as("503s answered to presentations whose connection was cut").isPositive();
        assertThat(run.tally().lost()).as("connections lost to a server that did not go away").isZero();
        assertThat(run.reuseProblems()).as("what went wrong in the genuine reuses that ended %d families (seed %d)",
                run.reuses(), SEED).isEmpty();
    }
}
