package dev.tally.command.session;

import dev.tally.testsupport.MutableClock;
import static dev.tally.kernel.session.SessionEndReason.ABSOLUTE;
import static dev.tally.kernel.session.SessionEndReason.ADMINISTRATOR;
import static dev.tally.kernel.session.SessionEndReason.IDLE;
import static dev.tally.kernel.session.SessionEndReason.LOGOUT;
import static dev.tally.kernel.session.SessionEndReason.PERMISSION_CHANGE;

import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.session.SessionCommands.ExpireSession;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionCommands.StartSession;
import dev.tally.kernel.session.SessionCommands.UseSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.kernel.session.SessionUse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.ResultValidator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String COOKIE_HASH = SecretHash.of("cookie-value");
    static final long IDLE_TIMEOUT = 1800;
    static final long ABSOLUTE_TIMEOUT = 36_000;
    static final long INTERVAL = 300;
    static final SessionStarted STARTED = new SessionStarted("ses_1", "acme", "usr_1", "app", COOKIE_HASH, NOW, IDLE_TIMEOUT,
            ABSOLUTE_TIMEOUT, NOW.plusSeconds(IDLE_TIMEOUT), NOW.plusSeconds(ABSOLUTE_TIMEOUT));

    private AggregateTestFixture<Session> fixture;
    private MutableClock clock;
    /** Events recorded so far in a multi-step case; each step runs given all of them. */
    private final List<Object> history = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Session.class);
        clock = new MutableClock(NOW);
        fixture.registerInjectableResource(new InMemoryTenantDirectory().withTenant("acme").withTenant("globex")
                .withDeletedTenant("initech"));
        fixture.registerInjectableResource(clock);
    }

    @Test
    void startSessionThenStartedWithBothDeadlines() {
        fixture.givenNoPriorActivity()
                .when(new StartSession("ses_1", "acme", "usr_1", "app", COOKIE_HASH, IDLE_TIMEOUT, ABSOLUTE_TIMEOUT))
                .expectEvents(STARTED);
    }

    @Test
    void startSessionWhenIdleEqualsAbsoluteThenIdleDeadlineIsTheAbsoluteOne() {
        fixture.givenNoPriorActivity()
                .when(new StartSession("ses_1", "acme", "usr_1", "app", COOKIE_HASH, 600, 600))
                .expectEvents(new SessionStarted("ses_1", "acme", "usr_1", "app", COOKIE_HASH, NOW, 600, 600,
                        NOW.plusSeconds(600), NOW.plusSeconds(600)));
    }

    @Test
    void startSessionWhenTenantUnknownOrDeletedThenNotFound() {
        fixture.givenNoPriorActivity()
                .when(new StartSession("ses_1", "nope", "usr_1", "app", COOKIE_HASH, IDLE_TIMEOUT, ABSOLUTE_TIMEOUT))
                .expectException(NotFound.class)
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new StartSession("ses_1", "initech", "usr_1", "app", COOKIE_HASH, IDLE_TIMEOUT, ABSOLUTE_TIMEOUT))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void startSessionWhenTimeoutsAreNonsenseThenIllegalArgument() {
        fixture.givenNoPriorActivity()
                .when(new StartSession("ses_1", "acme", "usr_1", "app", COOKIE_HASH, 0, ABSOLUTE_TIMEOUT))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new StartSession("ses_1", "acme", "usr_1", "app", COOKIE_HASH, IDLE_TIMEOUT, -1))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new StartSession("ses_1", "acme", "usr_1", "app", COOKIE_HASH, 601, 600))
                .expectException(IllegalArgumentException.class)
                .expectExceptionMessage("the idle timeout (601 s) must not exceed the absolute timeout (600 s)")
                .expectNoEvents();
    }

    @Test
    void startSessionWhenGivenTheCookieInsteadOfItsHashThenIllegalArgument() {
        fixture.givenNoPriorActivity()
                .when(new StartSession("ses_1", "acme", "usr_1", "app", "cookie-value", IDLE_TIMEOUT, ABSOLUTE_TIMEOUT))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
    }

    @Test
    void useSessionWithinIdleTimeoutThenAliveAndIdleDeadlineSlides() {
        clock.advance(Duration.ofSeconds(600));
        Instant now = clock.instant();

        fixture.given(STARTED)
                .when(use("acme"))
                .expectEvents(new SessionExtended("ses_1", "acme", "usr_1", "app", now, now.plusSeconds(IDLE_TIMEOUT)))
                .expectResultMessagePayload(alive(now.plusSeconds(IDLE_TIMEOUT)));
    }

    @Test
    void useSessionAfterIdleDeadlineThenExpiredIdleRecordedAndAnsweredNotAlive() {
        clock.advance(Duration.ofSeconds(IDLE_TIMEOUT + 5));

        fixture.given(STARTED)
                .when(use("acme"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new SessionExpired("ses_1", "acme", "usr_1", IDLE, NOW.plusSeconds(IDLE_TIMEOUT), clock.instant()))
                .expectResultMessagePayload(ended(NOW.plusSeconds(IDLE_TIMEOUT), IDLE));
    }

    @Test
    void useSessionExactlyAtIdleDeadlineThenExpired() {
        clock.advance(Duration.ofSeconds(IDLE_TIMEOUT));

        fixture.given(STARTED)
                .when(use("acme"))
                .expectEvents(new SessionExpired("ses_1", "acme", "usr_1", IDLE, NOW.plusSeconds(IDLE_TIMEOUT), clock.instant()));
    }

    @Test
    void useSessionActiveAllAlongThenExpiresAbsoluteAtTheAbsoluteDeadline() {
        // idle 2 h, absolute 8 h, used every hour: the idle deadline never passes, the absolute one does.
        long idle = Duration.ofHours(2).toSeconds();
        Instant absolute = NOW.plus(Duration.ofHours(8));
        history.add(new SessionStarted("ses_1", "acme", "usr_1", "app", COOKIE_HASH, NOW, idle,
                Duration.ofHours(8).toSeconds(), NOW.plusSeconds(idle), absolute));
        for (int hour = 1; hour <= 7; hour++) {
            clock.advance(Duration.ofHours(1));
            Instant now = clock.instant();
            Instant idleDeadline = earlier(now.plusSeconds(idle), absolute);
            step(use("acme"), new SessionExtended("ses_1", "acme", "usr_1", "app", now, idleDeadline))
                    .expectResultMessagePayload(new SessionUse("ses_1", "usr_1", true, NOW, idleDeadline, absolute, null));
        }
        clock.advance(Duration.ofHours(1));

        step(use("acme"), new SessionExpired("ses_1", "acme", "usr_1", ABSOLUTE, absolute, clock.instant()))
                .expectResultMessagePayload(new SessionUse("ses_1", "usr_1", false, NOW, absolute, absolute, ABSOLUTE));
    }

    @Test
    void useSessionTwiceWithinTheIntervalThenOneExtensionAndAnotherAfterTheInterval() {
        history.add(STARTED);
        Instant first = clock.advance(Duration.ofSeconds(INTERVAL)).instant();
        step(use("acme"), new SessionExtended("ses_1", "acme", "usr_1", "app", first, first.plusSeconds(IDLE_TIMEOUT)));

        clock.advance(Duration.ofSeconds(INTERVAL - 1));
        step(use("acme"))
                .expectResultMessagePayload(alive(first.plusSeconds(IDLE_TIMEOUT)));

        Instant third = clock.advance(Duration.ofSeconds(1)).instant();
        step(use("acme"), new SessionExtended("ses_1", "acme", "usr_1", "app", third, third.plusSeconds(IDLE_TIMEOUT)))
                .expectResultMessagePayload(alive(third.plusSeconds(IDLE_TIMEOUT)));
    }

    @Test
    void useSessionCoalescedThenIdleDeadlineSlidesFromTheLastRecordedActivity() {
        Instant recorded = NOW.plusSeconds(INTERVAL);
        history.add(STARTED);
        history.add(new SessionExtended("ses_1", "acme", "usr_1", "app", recorded, recorded.plusSeconds(IDLE_TIMEOUT)));
        clock.set(recorded.plusSeconds(INTERVAL - 1));
        step(use("acme"));

        // Less than the idle timeout after the last use, but the idle timeout after the last recorded one.
        clock.set(recorded.plusSeconds(IDLE_TIMEOUT));
        step(use("acme"), new SessionExpired("ses_1", "acme", "usr_1", IDLE, recorded.plusSeconds(IDLE_TIMEOUT), clock.instant()));
    }

    @Test
    void useSessionWhenIntervalExceedsHalfTheIdleTimeoutThenActivityIsStillRecordedInTime() {
        SessionStarted shortIdle = new SessionStarted("ses_1", "acme", "usr_1", "app", COOKIE_HASH, NOW, 600, 3600,
                NOW.plusSeconds(600), NOW.plusSeconds(3600));
        Instant now = clock.advance(Duration.ofSeconds(300)).instant();

        fixture.given(shortIdle)
                .when(new UseSession("ses_1", "acme", "app", 3600))
                .expectEvents(new SessionExtended("ses_1", "acme", "usr_1", "app", now, now.plusSeconds(600)));
    }

    @Test
    void useSessionWhenIntervalNegativeThenIllegalArgument() {
        fixture.given(STARTED)
                .when(new UseSession("ses_1", "acme", "app", -1))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
    }

    @Test
    void useSessionFromAnotherClientOfTheTenantThenExtensionNamesThatClient() {
        Instant now = clock.advance(Duration.ofSeconds(INTERVAL)).instant();

        fixture.given(STARTED)
                .when(new UseSession("ses_1", "acme", "other-app", INTERVAL))
                .expectEvents(new SessionExtended("ses_1", "acme", "usr_1", "other-app", now, now.plusSeconds(IDLE_TIMEOUT)));
    }

    @Test
    void revokeSessionThenRevokedAndLaterUsesAndRevocationsRecordNothing() {
        clock.advance(Duration.ofSeconds(60));
        history.add(STARTED);
        step(new RevokeSession("ses_1", "acme", LOGOUT),
                new SessionRevoked("ses_1", "acme", "usr_1", LOGOUT, clock.instant()));

        clock.advance(Duration.ofSeconds(60));
        step(use("acme"))
                .expectResultMessagePayload(ended(NOW.plusSeconds(IDLE_TIMEOUT), LOGOUT));
        step(new RevokeSession("ses_1", "acme", ADMINISTRATOR));
        clock.advance(Duration.ofDays(30));
        step(new ExpireSession("ses_1", "acme"));
        step(use("acme"))
                .expectResultMessagePayload(ended(NOW.plusSeconds(IDLE_TIMEOUT), LOGOUT));
    }

    @Test
    void revokeSessionWithACauseThenTheRevocationNamesIt() {
        clock.advance(Duration.ofSeconds(60));
        RevocationCause cause = RevocationCause.permissionChange("pc_42");

        fixture.given(STARTED)
                .when(new RevokeSession("ses_1", "acme", PERMISSION_CHANGE, cause))
                .expectEvents(new SessionRevoked("ses_1", "acme", "usr_1", PERMISSION_CHANGE, clock.instant(), cause));
    }

    @Test
    void revokeSessionWithAnExpiryReasonThenIllegalArgument() {
        fixture.given(STARTED)
                .when(new RevokeSession("ses_1", "acme", IDLE))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
    }

    @Test
    void revokeSessionAlreadyPastItsDeadlineThenTheExpiryIsRecordedInstead() {
        clock.advance(Duration.ofSeconds(IDLE_TIMEOUT + 60));

        fixture.given(STARTED)
                .when(new RevokeSession("ses_1", "acme", ADMINISTRATOR))
                .expectEvents(new SessionExpired("ses_1", "acme", "usr_1", IDLE, NOW.plusSeconds(IDLE_TIMEOUT), clock.instant()));
    }

    @Test
    void expireSessionBeforeAnyDeadlineThenNothing() {
        clock.advance(Duration.ofSeconds(IDLE_TIMEOUT - 1));

        fixture.given(STARTED)
                .when(new ExpireSession("ses_1", "acme"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void expireSessionPastIdleDeadlineThenExpiredIdleOnceAndThenNothing() {
        history.add(STARTED);
        clock.advance(Duration.ofSeconds(IDLE_TIMEOUT + 20));
        step(new ExpireSession("ses_1", "acme"),
                new SessionExpired("ses_1", "acme", "usr_1", IDLE, NOW.plusSeconds(IDLE_TIMEOUT), clock.instant()));

        clock.advance(Duration.ofSeconds(20));
        step(new ExpireSession("ses_1", "acme"));
        step(use("acme"))
                .expectResultMessagePayload(ended(NOW.plusSeconds(IDLE_TIMEOUT), IDLE));
    }

    @Test
    void expireSessionPastBothDeadlinesThenAbsoluteWins() {
        SessionExtended lastUse = new SessionExtended("ses_1", "acme", "usr_1", "app", NOW.plusSeconds(35_000),
                NOW.plusSeconds(ABSOLUTE_TIMEOUT));
        clock.advance(Duration.ofSeconds(ABSOLUTE_TIMEOUT + 3600));

        fixture.given(STARTED, lastUse)
                .when(new ExpireSession("ses_1", "acme"))
                .expectEvents(new SessionExpired("ses_1", "acme", "usr_1", ABSOLUTE, NOW.plusSeconds(ABSOLUTE_TIMEOUT),
                        clock.instant()));
    }

    @Test
    void sessionOfOneWeekUsedDailyThenAliveSixDaysAndExpiredAbsoluteOnTheSeventh() {
        long idle = Duration.ofDays(3).toSeconds();
        long absoluteTimeout = Duration.ofDays(7).toSeconds();
        Instant absolute = NOW.plusSeconds(absoluteTimeout);
        history.add(new SessionStarted("ses_1", "acme", "usr_1", "app", COOKIE_HASH, NOW, idle, absoluteTimeout,
                NOW.plusSeconds(idle), absolute));
        for (int day = 1; day <= 6; day++) {
            Instant now = clock.advance(Duration.ofDays(1)).instant();
            Instant idleDeadline = earlier(now.plusSeconds(idle), absolute);
            step(new UseSession("ses_1", "acme", "app", 60),
                    new SessionExtended("ses_1", "acme", "usr_1", "app", now, idleDeadline))
                    .expectResultMessagePayload(new SessionUse("ses_1", "usr_1", true, NOW, idleDeadline, absolute, null));
        }
        // Day 6's use slid the idle deadline only as far as the absolute deadline: day 7 is the end.
        clock.advance(Duration.ofDays(1)).advance(Duration.ofMinutes(1));

        step(new UseSession("ses_1", "acme", "app", 60),
                new SessionExpired("ses_1", "acme", "usr_1", ABSOLUTE, absolute, clock.instant()))
                .expectResultMessagePayload(new SessionUse("ses_1", "usr_1", false, NOW, absolute, absolute, ABSOLUTE));
    }

    @Test
    void commandsFromAnotherTenantThenNotFoundAndNothingRecorded() {
        clock.advance(Duration.ofSeconds(IDLE_TIMEOUT + 1));
        fixture.given(STARTED)
                .when(use("globex"))
                .expectException(NotFound.class)
                .expectNoEvents();
        fixture.given(STARTED)
                .when(new ExpireSession("ses_1", "globex"))
                .expectException(NotFound.class)
                .expectNoEvents();
        fixture.given(STARTED)
                .when(new RevokeSession("ses_1", "globex", LOGOUT))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    private static UseSession use(String tenant) {
        return new UseSession("ses_1", tenant, "app", INTERVAL);
    }

    private SessionUse alive(Instant idleDeadline) {
        return new SessionUse("ses_1", "usr_1", true, NOW, idleDeadline, NOW.plusSeconds(ABSOLUTE_TIMEOUT), null);
    }

    private SessionUse ended(Instant idleDeadline, SessionEndReason reason) {
        return new SessionUse("ses_1", "usr_1", false, NOW, idleDeadline, NOW.plusSeconds(ABSOLUTE_TIMEOUT), reason);
    }

    /** Runs one command given everything recorded so far, expects exactly {@code recorded}, and keeps it. */
    private ResultValidator<Session> step(Object command, Object... recorded) {
        ResultValidator<Session> result = fixture.given(List.copyOf(history)).when(command)
                .expectSuccessfulHandlerExecution();
        if (recorded.length == 0) {
            result.expectNoEvents();
        } else {
            result.expectEvents(recorded);
        }
        history.addAll(List.of(recorded));
        return result;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
