package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshCommands;
import dev.tally.testsupport.TestHttp.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 over real HTTP on the standalone server: browser tabs that keep one refresh token in one shared storage
 * ({@link RefreshTabs}) refresh at the same moment, 2, 5 and 20 of them, round after round, with a new login (code
 * flow, {@code offline_access}) every few rounds so that nothing rests on one long family. Neither tenant nor client
 * sets a leeway: the tenant default applies.
 *
 * <p>What it proves, counted over every round and asserted at the end (the counts are in the messages):
 * <ul>
 *   <li>every 200 of the tabs that presented one token at once carries the same refresh token, a new one: the one
 *   successor of that token;</li>
 *   <li>no round revokes its family (no {@code RefreshTokenFamilyRevoked} in the store), and every tab, refreshing
 *   once more from the storage, gets 200;</li>
 *   <li>a 503 is followed, for the same tab and the same token, by a 200 with that successor; nothing else but 200 or
 *   503 is answered;</li>
 *   <li>a tab whose answer was dropped (it gave up at once, or the answer came and was never read) and that presents
 *   the same token again gets the same successor as the other tabs.</li>
 * </ul>
 * Then each family ends with a genuine reuse, by turns a token two generations old, the previous token 31 s after
 * its rotation on the injected clock (at 29 s it still gets the same successor: the default leeway is 30 s), and the
 * family's first token, dozens of generations back (the family is snapshotted on the way): invalid_grant, the family
 * revoked for reuse in the store, its latest refresh and access tokens inactive at introspection, its login session
 * ended. The writes' order is shuffled by a seeded random; the seed is printed ({@code -Dtally.race.seed=} repeats
 * it). Run on H2 and on PostgreSQL; on PostgreSQL also with the database
 * connection cut in the middle of a rotation ({@link RefreshRaceCutsOnPostgresTest}).
 */
abstract class RefreshRaceContract extends RefreshRaces {
    /**
     * 1,000 rounds per store: most of them with two tabs, which cost least; twenty tabs cost some forty requests a
     * round, and their count keeps the class near two minutes on a small machine.
     */
    static final int TWO_TABS_ROUNDS = 700;
    static final int FIVE_TABS_ROUNDS = 260;
    static final int TWENTY_TABS_ROUNDS = 40;
    @Test
    void twoTabsRefreshingAtOnceAlwaysGetOneSuccessorAndNeverRevokeTheirFamily() throws Exception {
        race("race2", 2, TWO_TABS_ROUNDS, 50);
    }

    @Test
    void fiveTabsRefreshingAtOnceAlwaysGetOneSuccessorAndNeverRevokeTheirFamily() throws Exception {
        race("race5", 5, FIVE_TABS_ROUNDS, 26);
    }

    @Test
    void twentyTabsRefreshingAtOnceAlwaysGetOneSuccessorAndNeverRevokeTheirFamily() throws Exception {
        race("race20", 20, TWENTY_TABS_ROUNDS, 10);
    }

    /**
     * {@link RefreshCommands#MAX_LEEWAY_SUCCESSES} replays of one token within the leeway, each with the same
     * successor; the next is invalid_grant and revokes nothing: the successor still rotates, and the store has no
     * revocation of the family.
     */
    @Test
    void theReplayAfterTheLastAllowedOneIsRefusedAndTheFamilyLivesOn() {
        RaceTenant t = RaceTenant.create(http(), "replays");
        Login login = t.login(port);
        Response rotated = t.refresh(login.refreshToken());
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String successor = rotated.text("refresh_token");
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < RefreshCommands.MAX_LEEWAY_SUCCESSES; i++) {
            Response replay = t.refresh(login.refreshToken());
            answers.add(replay.status() + " " + (replay.status() == 200 ? successor.equals(replay.text("refresh_token"))
                    ? "same successor" : "another token" : replay.body()));
        }
        assertThat(answers).as("%d replays within the leeway", RefreshCommands.MAX_LEEWAY_SUCCESSES)
                .containsOnly("200 same successor");

        Response oneTooMany = t.refresh(login.refreshToken());
        assertThat(oneTooMany.status()).as(oneTooMany.toString()).isEqualTo(400);
        assertThat(oneTooMany.text("error")).isEqualTo("invalid_grant");
        assertThat(revocations(RaceTenant.familyOf(successor))).as("revocations of the family").isZero();
        Response next = t.refresh(successor);
        assertThat(next.status()).as("the successor still rotates: " + next).isEqualTo(200);
    }

    /**
     * {@code rounds} rounds of {@code tabs} tabs, a new login every {@code roundsPerFamily} rounds, every fourth round
     * dropping one answer, the follow-up by turns one by one and at once; all its invariants asserted.
     */
    void race(String tenant, int tabs, int rounds, int roundsPerFamily) throws Exception {
        Run run = race(tenant, tabs, rounds, roundsPerFamily, RefreshRaceContract::plan);
        assertRoundInvariants(run.tally(), rounds);
        assertThat(run.tally().dropped()).as("rounds that dropped an answer").isPositive();
        assertThat(run.tally().abandonedGranted()).as("dropped answers the server had answered 200").isPositive();
        assertThat(run.tally().lost()).as("connections lost to a server that did not go away").isZero();
        assertThat(run.reuseProblems()).as("what went wrong in the genuine reuses that ended %d families (seed %d)",
                run.reuses(), SEED).isEmpty();
    }
}
