package dev.tally.token.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.token.login.PendingAuthorizations.Pending;
import dev.tally.testsupport.MutableClock;
import dev.tally.token.settings.LoginProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The login state every token-service node shares, as two nodes see it: each test makes two stores of each kind
 * over the same database (two "nodes", each with its own connections), with one clock the test moves. Run on H2
 * (standalone) and on PostgreSQL (distributed mode) by the subclasses.
 */
abstract class LoginStateContract {
    static final Instant T0 = Instant.parse("2026-11-22T09:00:00.123456Z");
    static final AuthorizationRequest REQUEST = new AuthorizationRequest("app_1", "https://app.test/callback?x=1",
            List.of("openid", "read:orders", "offline_access"), "state with spaces & symbols", "n-0S",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Set.of("login", "consent"), 300L, "https://api.acme.test");

    MutableClock clock;
    JdbcTemplate jdbc;
    PendingAuthorizations nodeA;
    PendingAuthorizations nodeB;

    /** A data source of its own (its own connections) over the test's migrated database. */
    abstract DataSource node();

    @BeforeEach
    void clean() {
        clock = new MutableClock(T0);
        jdbc = new JdbcTemplate(node());
        jdbc.update("DELETE FROM pending_authorization");
        jdbc.update("DELETE FROM login_failure");
        nodeA = new PendingAuthorizations(new JdbcTemplate(node()), clock);
        nodeB = new PendingAuthorizations(new JdbcTemplate(node()), clock);
    }

    @AfterEach
    void restoreTables() {
        // an outage test renames tables away; put them back whatever happened
        for (String table : List.of("pending_authorization", "login_failure")) {
            if (tableMissing(table)) {
                jdbc.execute("ALTER TABLE " + table + "_away RENAME TO " + table);
            }
        }
    }

    // ---- login forms

    @Test
    void aFormAddedOnOneNodeIsFoundOnTheOtherWithItsWholeRequest() {
        Pending added = nodeA.add("acme", REQUEST, "binding-cookie");

        Optional<Pending> found = nodeB.find("acme", added.id(), added.csrfToken(), "binding-cookie");

        assertThat(found).get().isEqualTo(added);
        assertThat(found.get().request()).isEqualTo(REQUEST);
        assertThat(found.get().request().scope()).isEqualTo("openid read:orders offline_access");
        assertThat(added.browserBindingHash()).as("only the cookie's hash is kept").doesNotContain("binding-cookie").hasSize(64);
        assertThat(jdbc.queryForObject("SELECT browser_binding_hash FROM pending_authorization WHERE id = ?", String.class,
                added.id())).isEqualTo(added.browserBindingHash());
    }

    @Test
    void aRequestWithoutOptionalPartsRoundTrips() {
        AuthorizationRequest bare = new AuthorizationRequest("app_2", "https://app.test/cb", List.of(), null, null, null,
                Set.of(), null, null);
        Pending added = nodeA.add("acme", bare, "b");

        Pending found = nodeB.find("acme", added.id(), added.csrfToken(), "b").orElseThrow();

        assertThat(found.request()).isEqualTo(bare);
        assertThat(found.request().scope()).isNull();
        assertThat(found.request().promptNone()).isFalse();
    }

    @Test
    void aFormIsRefusedWithAWrongCsrfTokenBrowserTenantOrId() {
        Pending added = nodeA.add("acme", REQUEST, "binding-cookie");

        assertThat(nodeB.find("acme", added.id(), added.csrfToken() + "x", "binding-cookie")).as("wrong CSRF token").isEmpty();
        assertThat(nodeB.find("acme", added.id(), added.csrfToken().substring(1), "binding-cookie")).as("shorter CSRF").isEmpty();
        assertThat(nodeB.find("acme", added.id(), added.csrfToken(), "another-browser")).as("another browser").isEmpty();
        assertThat(nodeB.find("globex", added.id(), added.csrfToken(), "binding-cookie")).as("another tenant").isEmpty();
        assertThat(nodeB.find("acme", "no-such-id", added.csrfToken(), "binding-cookie")).as("unknown id").isEmpty();
        assertThat(nodeB.find("acme", "x".repeat(500), added.csrfToken(), "binding-cookie")).as("an absurd id").isEmpty();
        assertThat(nodeB.find("acme", added.id(), null, "binding-cookie")).isEmpty();
        assertThat(nodeB.find("acme", added.id(), added.csrfToken(), null)).isEmpty();
        assertThat(nodeB.find("acme", null, added.csrfToken(), "binding-cookie")).isEmpty();
        assertThat(nodeB.find("acme", added.id(), added.csrfToken(), "binding-cookie")).as("and the right one").isPresent();
    }

    @Test
    void aFormLivesTenMinutesByTheClockAndExpiredFormsAreDeletedLater() {
        Pending old = nodeA.add("acme", REQUEST, "b");
        clock.advance(PendingAuthorizations.TIME_TO_LIVE);
        assertThat(nodeB.find("acme", old.id(), old.csrfToken(), "b")).as("at exactly ten minutes").isPresent();

        clock.advance(Duration.ofSeconds(1));
        assertThat(nodeB.find("acme", old.id(), old.csrfToken(), "b")).as("past ten minutes").isEmpty();
        assertThat(rows("pending_authorization")).isEqualTo(1);

        Pending fresh = nodeA.add("acme", REQUEST, "b");
        assertThat(rows("pending_authorization")).as("adding pruned the expired form").isEqualTo(1);
        assertThat(nodeB.find("acme", fresh.id(), fresh.csrfToken(), "b")).isPresent();
    }

    @Test
    void newFormsAreRefusedBeyondTheCapUntilOldOnesExpire() {
        PendingAuthorizations capped = new PendingAuthorizations(new JdbcTemplate(node()), clock, 3);
        for (int i = 0; i < 3; i++) {
            capped.add("acme", REQUEST, "b" + i);
            clock.advance(Duration.ofMinutes(1));
        }
        assertThatThrownBy(() -> capped.add("acme", REQUEST, "b3")).isInstanceOf(LoginStateUnavailable.class)
                .hasMessage("too many logins in progress");

        assertThat(rows("pending_authorization")).isEqualTo(3);

        clock.advance(Duration.ofMinutes(7).plusSeconds(1)); // the first form is now past its ten minutes
        Pending admitted = capped.add("acme", REQUEST, "b3");
        assertThat(capped.find("acme", admitted.id(), admitted.csrfToken(), "b3")).isPresent();
    }

    @Test
    void aFormIsConsumedOnceWhicheverNodeTries() {
        Pending added = nodeA.add("acme", REQUEST, "b");

        assertThat(nodeB.consume(added.id())).isTrue();
        assertThat(nodeA.consume(added.id())).as("already used").isFalse();
        assertThat(nodeB.consume(added.id())).isFalse();
        assertThat(nodeA.find("acme", added.id(), added.csrfToken(), "b")).isEmpty();
        assertThat(nodeA.consume("never-added")).isFalse();
    }

    @Test
    void twoNodesConsumingOneFormAtTheSameMomentHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int wonByA = 0;
        try {
            for (int round = 0; round < 25; round++) {
                Pending added = nodeA.add("acme", REQUEST, "b" + round);
                CountDownLatch ready = new CountDownLatch(2);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> outcomes = new ArrayList<>();
                for (PendingAuthorizations node : List.of(nodeA, nodeB)) {
                    outcomes.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return node.consume(added.id());
                    }));
                }
                assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
                go.countDown();
                boolean a = outcomes.get(0).get(30, TimeUnit.SECONDS);
                boolean b = outcomes.get(1).get(30, TimeUnit.SECONDS);
                assertThat(a ^ b).as("round %d: A %s, B %s", round, a, b).isTrue();
                wonByA += a ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rows("pending_authorization")).isZero();
        System.out.printf("concurrent consumption: node A won %d of 25 rounds%n", wonByA);
    }

    @Test
    void aDatabaseThatCannotBeUsedIsLoginStateUnavailable() {
        Pending added = nodeA.add("acme", REQUEST, "b");
        jdbc.execute("ALTER TABLE pending_authorization RENAME TO pending_authorization_away");

        assertThatThrownBy(() -> nodeB.find("acme", added.id(), added.csrfToken(), "b"))
                .isInstanceOf(LoginStateUnavailable.class);
        assertThatThrownBy(() -> nodeB.add("acme", REQUEST, "b")).isInstanceOf(LoginStateUnavailable.class);
        assertThatThrownBy(() -> nodeB.consume(added.id())).isInstanceOf(LoginStateUnavailable.class);

        jdbc.execute("ALTER TABLE pending_authorization_away RENAME TO pending_authorization");
        assertThat(nodeB.consume(added.id())).as("nothing was decided while it was away").isTrue();
    }

    // ---- failed logins

    LoginThrottle throttle(int perUserAndAddress, int perAddress) {
        return throttle(perUserAndAddress, perAddress, 10);
    }

    LoginThrottle throttle(int perUserAndAddress, int perAddress, int userDelayAfter) {
        return new LoginThrottle(new JdbcTemplate(node()), clock, new LoginProperties(perUserAndAddress, perAddress,
                Duration.ofMinutes(15), userDelayAfter, Duration.ofMinutes(1)));
    }

    @Test
    void failuresOnBothNodesCountTogetherUntilTheOldestLeavesTheWindow() {
        LoginThrottle a = throttle(5, 20);
        LoginThrottle b = throttle(5, 20);
        for (int i = 0; i < 4; i++) {
            (i % 2 == 0 ? a : b).failed("acme", "alice", "10.0.0.1");
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(a.retryAfter("acme", "alice", "10.0.0.1")).as("four failures: one more try").isZero();
        b.failed("acme", "alice", "10.0.0.1"); // at T0+4m; the oldest was at T0
        clock.advance(Duration.ofMinutes(1)); // T0+5m

        assertThat(a.retryAfter("acme", "alice", "10.0.0.1")).isEqualTo(Duration.ofMinutes(10));
        assertThat(b.retryAfter("acme", "alice", "10.0.0.1")).isEqualTo(Duration.ofMinutes(10));
        assertThat(a.retryAfter("acme", "bob", "10.0.0.1")).as("another user").isZero();
        assertThat(a.retryAfter("globex", "alice", "10.0.0.1")).as("the same name in another tenant").isZero();

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(a.retryAfter("acme", "alice", "10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1)); // T0+15m: the first failure has left the window
        assertThat(b.retryAfter("acme", "alice", "10.0.0.1")).isZero();
        a.failed("acme", "alice", "10.0.0.1"); // five again; now the oldest is the one at T0+1m
        assertThat(b.retryAfter("acme", "alice", "10.0.0.1")).isEqualTo(Duration.ofMinutes(1));
    }

    /** Issue 15's lock-out: five wrong passwords from anywhere used to refuse the real user for fifteen minutes. */
    @Test
    void failuresFromOneAddressDoNotRefuseTheUserAtAnother() {
        LoginThrottle a = throttle(5, 20);
        LoginThrottle b = throttle(5, 20);
        for (int i = 0; i < 5; i++) {
            a.failed("acme", "alice", "203.0.113.66");
        }

        assertThat(b.retryAfter("acme", "alice", "203.0.113.66")).as("the guesser's address").isEqualTo(Duration.ofMinutes(15));
        assertThat(b.retryAfter("acme", "alice", "198.51.100.1")).as("the user at home").isZero();
        assertThat(b.retryAfter("acme", "bob", "203.0.113.66")).as("another user at the guesser's, 5 of its 20").isZero();
    }

    @Test
    void failuresFromOneIpv6Slash64CountAsOneAddress() {
        LoginThrottle a = throttle(2, 20);
        a.failed("acme", "alice", "2001:db8:7:7::1");
        a.failed("acme", "alice", "2001:db8:7:7:ffff::2");

        assertThat(a.retryAfter("acme", "alice", "2001:db8:7:7:1234::9")).isEqualTo(Duration.ofMinutes(15));
        assertThat(a.retryAfter("acme", "alice", "2001:db8:7:8::1")).isZero();
    }

    @Test
    void failuresFromOneAddressCountAcrossUsernames() {
        LoginThrottle a = throttle(5, 6);
        LoginThrottle b = throttle(5, 6);
        for (int i = 0; i < 6; i++) {
            (i % 2 == 0 ? a : b).failed("acme", "user" + i, "203.0.113.7");
        }
        assertThat(a.retryAfter("acme", "someone-new", "203.0.113.7")).isEqualTo(Duration.ofMinutes(15));
        assertThat(b.retryAfter("acme", "someone-new", "2001:db8::1")).as("another address").isZero();
        assertThat(b.retryAfter("globex", "someone-new", "203.0.113.7")).as("another tenant").isZero();
    }

    /**
     * Failures for one user spread over many addresses never lock: from the tenth in the window on, every attempt for
     * the user waits after the last failure, 1 s doubling to at most a minute.
     */
    @Test
    void failuresForOneUserFromManyAddressesOnlyDelayTheUsersNextAttempt() {
        LoginThrottle a = throttle(5, 20, 10);
        LoginThrottle b = throttle(5, 20, 10);
        for (int i = 0; i < 9; i++) {
            a.failed("acme", "alice", "192.0.2." + i);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(b.retryAfter("acme", "alice", "198.51.100.1")).as("nine failures: no delay").isZero();

        long[] expectedSeconds = {1, 2, 4, 8, 16, 32, 60, 60};
        for (int n = 0; n < expectedSeconds.length; n++) {
            Duration expected = Duration.ofSeconds(expectedSeconds[n]);
            a.failed("acme", "alice", "192.0.2." + (100 + n)); // the 10th failure, the 11th, …
            assertThat(b.retryAfter("acme", "alice", "198.51.100.1")).as("after failure %d", 10 + n).isEqualTo(expected);
            clock.advance(expected.minusMillis(1));
            assertThat(b.retryAfter("acme", "alice", "198.51.100.1")).isEqualTo(Duration.ofMillis(1));
            clock.advance(Duration.ofMillis(1));
            assertThat(b.retryAfter("acme", "alice", "198.51.100.1")).as("the delay is over").isZero();
        }
        assertThat(b.retryAfter("acme", "bob", "198.51.100.1")).as("another user").isZero();

        clock.advance(Duration.ofMinutes(15)); // every failure has left the window
        assertThat(b.retryAfter("acme", "alice", "198.51.100.1")).isZero();
    }

    @Test
    void successClearsTheUsersFailuresAtThatAddressOnly() {
        LoginThrottle a = throttle(3, 4, 3);
        LoginThrottle b = throttle(3, 4, 3);
        a.failed("acme", "alice", "198.51.100.1");
        a.failed("acme", "alice", "198.51.100.1");
        b.failed("acme", "alice", "198.51.100.1");
        clock.advance(Duration.ofSeconds(2)); // past the one-second delay the user's third failure brings
        assertThat(b.retryAfter("acme", "alice", "198.51.100.1")).isEqualTo(Duration.ofMinutes(15).minusSeconds(2));

        b.succeeded("acme", "alice", "198.51.100.2"); // the user signs in elsewhere: nothing changes here
        assertThat(a.retryAfter("acme", "alice", "198.51.100.1")).isEqualTo(Duration.ofMinutes(15).minusSeconds(2));

        b.succeeded("acme", "alice", "198.51.100.1");
        assertThat(a.retryAfter("acme", "alice", "198.51.100.1")).as("the user's failures there are gone").isZero();

        a.failed("acme", "mallory", "198.51.100.1");
        assertThat(a.retryAfter("acme", "alice", "198.51.100.1"))
                .as("the address's four failures remain: alice's success does not vouch for it")
                .isEqualTo(Duration.ofMinutes(15).minusSeconds(2));
        a.failed("acme", "alice", "192.0.2.1");
        assertThat(a.retryAfter("acme", "alice", "192.0.2.9"))
                .as("nor did it clear alice's failures across addresses: with a fourth, her next attempt waits 2 s")
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aLongOrEmptyUsernameIsCountedLikeAnyOther() {
        LoginThrottle a = throttle(2, 20);
        String huge = "ü".repeat(5_000);
        a.failed("acme", huge, "192.0.2.1");
        a.failed("acme", "", "192.0.2.1");
        a.failed("acme", huge, "192.0.2.1");
        assertThat(a.retryAfter("acme", huge, "192.0.2.1")).isEqualTo(Duration.ofMinutes(15));
        assertThat(a.retryAfter("acme", "", "192.0.2.1")).isZero();
    }

    @Test
    void failuresThatLeftTheWindowAreDeletedLater() {
        LoginThrottle a = throttle(5, 20);
        a.failed("acme", "alice", "192.0.2.1");
        a.failed("acme", "bob", "192.0.2.1");
        assertThat(rows("login_failure")).as("a row per key and failure: user at address, address, user").isEqualTo(6);

        clock.advance(Duration.ofMinutes(15));
        a.failed("acme", "carol", "192.0.2.2");

        assertThat(rows("login_failure")).as("only the new failure's rows are left").isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT DISTINCT key_kind FROM login_failure", String.class))
                .extracting(String::strip).containsExactlyInAnyOrder("p", "u", "a");
        assertThat(jdbc.queryForList("SELECT key_hash FROM login_failure", String.class))
                .as("keys are kept as SHA-256 only").allSatisfy(h -> assertThat(h).hasSize(64).doesNotContain("carol"));
    }

    @Test
    void aFailureTableThatCannotBeUsedIsLoginStateUnavailable() {
        LoginThrottle a = throttle(5, 20);
        jdbc.execute("ALTER TABLE login_failure RENAME TO login_failure_away");

        assertThatThrownBy(() -> a.retryAfter("acme", "alice", "192.0.2.1")).isInstanceOf(LoginStateUnavailable.class);
        assertThatThrownBy(() -> a.failed("acme", "alice", "192.0.2.1")).isInstanceOf(LoginStateUnavailable.class);
        assertThatThrownBy(() -> a.succeeded("acme", "alice", "192.0.2.1")).isInstanceOf(LoginStateUnavailable.class);
    }

    int rows(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
    }

    boolean tableMissing(String table) {
        try {
            rows(table);
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }
}
