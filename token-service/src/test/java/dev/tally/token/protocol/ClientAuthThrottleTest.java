package dev.tally.token.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.MutableClock;
import dev.tally.token.settings.ClientAuthProperties;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The client-authentication throttle's counting alone, on a clock the tests move. */
class ClientAuthThrottleTest {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final String A = "203.0.113.7";
    static final String B = "198.51.100.1";

    final MutableClock clock = new MutableClock(T0);

    ClientAuthThrottle throttle(int perClient, int perAddress, int maxKeys) {
        return new ClientAuthThrottle(clock, new ClientAuthProperties(perClient, perAddress, Duration.ofMinutes(1), maxKeys));
    }

    @Test
    void retryAfterWhenAClientFailedItsLimitAtAnAddressThenItWaitsUntilTheOldestFailureLeavesTheWindow() {
        ClientAuthThrottle throttle = throttle(10, 30, 100);
        for (int i = 0; i < 9; i++) {
            throttle.failed("acme", "web", A);
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(throttle.retryAfter("acme", "web", A)).as("nine failures: one more try").isZero();

        throttle.failed("acme", "web", A); // the tenth, at T0+18s; the first was at T0

        assertThat(throttle.retryAfter("acme", "web", A)).isEqualTo(Duration.ofSeconds(42));
        assertThat(throttle.retryAfter("acme", "api", A)).as("another client from there").isZero();
        assertThat(throttle.retryAfter("globex", "web", A)).as("the same client id in another tenant").isZero();
        assertThat(throttle.retryAfter("acme", null, A)).as("the address itself: 10 of its 30").isZero();
    }

    @Test
    void retryAfterWhenOneAddressFailedForAClientThenTheClientFromAnotherAddressIsNotThrottled() {
        ClientAuthThrottle throttle = throttle(10, 30, 100);
        for (int i = 0; i < 25; i++) {
            throttle.failed("acme", "web", A);
        }

        assertThat(throttle.retryAfter("acme", "web", A)).isEqualTo(Duration.ofMinutes(1));
        assertThat(throttle.retryAfter("acme", "web", B)).as("the client at its own address").isZero();
    }

    @Test
    void retryAfterWhenAnAddressFailedItsLimitAcrossClientsAndTenantsThenEveryRequestFromItWaits() {
        ClientAuthThrottle throttle = throttle(10, 30, 100);
        for (int i = 0; i < 30; i++) {
            String tenant = i % 2 == 0 ? "acme" : "globex";
            throttle.failed(tenant, i % 3 == 0 ? null : "client-" + (i % 5), A);
        }

        assertThat(throttle.retryAfter("acme", "web", A)).as("a client that never failed, from there")
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(throttle.retryAfter("initech", null, A)).as("no client id at all, another tenant")
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(throttle.retryAfter("acme", "web", B)).isZero();
    }

    @Test
    void retryAfterWhenTheWindowSlidesThenOneMoreTryForEachFailureThatLeftIt() {
        ClientAuthThrottle throttle = throttle(3, 30, 100);
        throttle.failed("acme", "web", A);          // T0
        clock.advance(Duration.ofSeconds(20));
        throttle.failed("acme", "web", A);          // T0+20s
        clock.advance(Duration.ofSeconds(20));
        throttle.failed("acme", "web", A);          // T0+40s
        clock.advance(Duration.ofMillis(10_500));   // T0+50.5s

        assertThat(throttle.retryAfter("acme", "web", A)).isEqualTo(Duration.ofMillis(9_500));
        assertThat(RetryAfter.seconds(throttle.retryAfter("acme", "web", A))).as("Retry-After, rounded up").isEqualTo(10);

        clock.set(T0.plusSeconds(60)); // the first failure has left the window
        assertThat(throttle.retryAfter("acme", "web", A)).isZero();
        throttle.failed("acme", "web", A); // three again; now the oldest is the one at T0+20s
        assertThat(throttle.retryAfter("acme", "web", A)).isEqualTo(Duration.ofSeconds(20));

        clock.set(T0.plusSeconds(200));
        assertThat(throttle.retryAfter("acme", "web", A)).as("all left the window").isZero();
    }

    @Test
    void succeededWhenTheClientAuthenticatesThenItsCountThereStartsAgainButNotTheAddresss() {
        ClientAuthThrottle throttle = throttle(3, 5, 100);
        for (int i = 0; i < 2; i++) {
            throttle.failed("acme", "web", A);
        }
        throttle.succeeded("acme", "web", A);
        for (int i = 0; i < 2; i++) {
            throttle.failed("acme", "web", A);
        }
        assertThat(throttle.retryAfter("acme", "web", A)).as("two since the success, of three").isZero();

        throttle.failed("acme", "web", A);
        throttle.succeeded("acme", "web", A);
        assertThat(throttle.retryAfter("acme", "web", A)).as("the address has its five, success or not")
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void failedWhenNoClientIsNamedThenOnlyTheAddressGetsACounter() {
        ClientAuthThrottle throttle = throttle(10, 30, 100);
        for (int i = 0; i < 50; i++) {
            throttle.failed("acme", null, A);
        }

        assertThat(throttle.trackedKeys()).isEqualTo(1);
    }

    @Test
    void failedWhenMoreKeysThanTheCapThenTheLeastRecentlyUsedAreForgotten() {
        ClientAuthThrottle throttle = throttle(2, 2, 100);
        throttle.failed("acme", "web", A);
        throttle.failed("acme", "web", A);
        for (int i = 0; i < 10_000; i++) {
            throttle.failed("acme", "web", "10.0." + (i / 256) + "." + (i % 256));
            assertThat(throttle.trackedKeys()).as("after %d addresses", i + 1).isLessThanOrEqualTo(100);
            if (i % 10 == 0) {
                assertThat(throttle.retryAfter("acme", "web", A)).as("checked often, A stays known").isPositive();
            }
        }

        assertThat(throttle.retryAfter("acme", "web", A)).isEqualTo(Duration.ofMinutes(1));
        assertThat(throttle.retryAfter("acme", "web", "10.0.0.0")).as("long unused, forgotten").isZero();
    }

    @Test
    void failedWhenOtherCountersHaveLeftTheWindowThenTheyAreDropped() {
        ClientAuthThrottle throttle = throttle(10, 30, 100_000);
        for (int i = 0; i < 500; i++) {
            throttle.failed("acme", "web", "192.0." + (i / 250) + "." + (i % 250));
        }
        assertThat(throttle.trackedKeys()).isEqualTo(1_000);

        clock.advance(Duration.ofMinutes(1));
        throttle.failed("acme", "web", A);

        assertThat(throttle.trackedKeys()).as("only the new failure's two counters").isEqualTo(2);
    }

    @Test
    void retryAfterWhenIpv6AddressesShareTheirSlash64ThenTheyCountTogether() {
        ClientAuthThrottle throttle = throttle(10, 4, 100);
        throttle.failed("acme", null, "2001:db8:1:2:0:0:0:1");
        throttle.failed("acme", null, "2001:db8:1:2:aaaa:bbbb:cccc:dddd");
        throttle.failed("acme", null, "2001:0db8:0001:0002::ffff");
        throttle.failed("acme", null, "2001:db8:1:2::42");

        assertThat(throttle.retryAfter("acme", "web", "2001:db8:1:2:ffff:ffff:ffff:ffff")).isEqualTo(Duration.ofMinutes(1));
        assertThat(throttle.retryAfter("acme", "web", "2001:db8:1:3::1")).as("the next /64").isZero();
    }
}
