package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import static dev.tally.kernel.lifetime.LifetimeFixtures.clientCredentials;
import static dev.tally.kernel.lifetime.LifetimeFixtures.engineAt;
import static dev.tally.kernel.lifetime.LifetimeFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.tally.kernel.lifetime.trace.TraceStep;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DailyAtLifetimeTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final TenantLifetimeSettings BERLIN_TENANT = TenantLifetimeSettings.builder().timeZone(BERLIN).build();

    private static LifetimeDecision accessTokenAt(ZonedDateTime now, LocalTime dailyAt) {
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("midnight", 1, "true", LifetimeEffect.expiresAtDailyAt(dailyAt)));
        // A machine token: bounded by max_token_lifetime (30 d), so the schedule is never clamped here.
        LifetimeContext context = LifetimeContext.builder(BERLIN_TENANT,
                        LifetimeFixtures.client(AppType.NON_INTERACTIVE), clientCredentials())
                .api(LifetimeFixtures.ORDERS_API).rules(rules).build();
        return engineAt(now.toInstant()).decide(context).accessToken();
    }

    @ParameterizedTest(name = "at {0} Berlin, daily_at 00:00 -> {1}s, expiring {2}")
    @CsvSource({
        // plain evening
        "2026-06-01T23:59:30,      30,    2026-06-02T00:00",
        // spring forward 2026-03-29 02:00 -> 03:00: from 01:00 CET the next midnight is 22 h away
        "2026-03-29T01:00:00,      79200, 2026-03-30T00:00",
        "2026-03-29T12:00:00,      43200, 2026-03-30T00:00",
        // fall back 2026-10-25 03:00 -> 02:00: from 01:00 CEST the next midnight is 24 h away
        "2026-10-25T01:00:00,      86400, 2026-10-26T00:00",
        "2026-10-25T12:00:00,      43200, 2026-10-26T00:00",
        // the evening before each change: 00:00 -> 00:00 spans no change yet
        "2026-03-28T12:00:00,      43200, 2026-03-29T00:00",
        "2026-10-24T12:00:00,      43200, 2026-10-25T00:00",
        // strictly after: at midnight sharp, the next midnight
        "2026-06-01T00:00:00,      86400, 2026-06-02T00:00",
        // less than a second before midnight: issued at the whole second 23:59:59, so 1 s
        "2026-06-01T23:59:59.900,  1,     2026-06-02T00:00",
    })
    void accessTokenWhenDailyAtMidnightInBerlinThenExpiresExactlyAtNextLocalMidnight(LocalDateTime localNow,
            long lifetime, LocalDateTime expectedLocalExpiry) {
        LifetimeDecision decision = accessTokenAt(localNow.atZone(BERLIN), LocalTime.MIDNIGHT);

        assertThat(decision.lifetimeSeconds()).isEqualTo(lifetime);
        assertThat(decision.expiresAt().atZone(BERLIN).toLocalDateTime()).isEqualTo(expectedLocalExpiry);
        assertThat(decision.decidedBy()).isEqualTo("rule:midnight.expires_at.daily_at");
        assertThat(decision.trace()).containsExactly(
                TraceStep.set("api.token_lifetime", 3600),
                TraceStep.set("rule:midnight.expires_at.daily_at", lifetime),
                TraceStep.clamp("tenant.max_token_lifetime", lifetime, false));
    }

    @Test
    void accessTokenWhenDailyAtFallsInSpringForwardGapThenShiftedByGapLength() {
        // 02:30 does not exist on 2026-03-29 in Berlin; java.time moves it to 03:30 CEST (01:30Z).
        ZonedDateTime now = LocalDateTime.parse("2026-03-29T01:00:00").atZone(BERLIN);

        LifetimeDecision decision = accessTokenAt(now, LocalTime.of(2, 30));

        assertThat(decision.lifetimeSeconds()).isEqualTo(5400);
        assertThat(decision.expiresAt()).isEqualTo(ZonedDateTime.of(2026, 3, 29, 1, 30, 0, 0, ZoneOffset.UTC).toInstant());
        assertThat(decision.expiresAt().atZone(BERLIN).toLocalTime()).isEqualTo(LocalTime.of(3, 30));
    }

    @Test
    void accessTokenWhenDailyAtFallsInFallBackOverlapThenSecondOccurrenceCountsToo() {
        // 02:30 happens twice on 2026-10-25; at 02:45 CEST the next one is 02:30 CET, 45 minutes later.
        ZonedDateTime now = LocalDateTime.parse("2026-10-25T02:45:00").atZone(BERLIN).withEarlierOffsetAtOverlap();

        LifetimeDecision decision = accessTokenAt(now, LocalTime.of(2, 30));

        assertThat(decision.lifetimeSeconds()).isEqualTo(2700);
        assertThat(decision.expiresAt().atZone(BERLIN).getOffset()).isEqualTo(ZoneOffset.ofHours(1));
    }

    @Test
    void accessTokenWhenDailyAtExceedsWebMaximumThenClampedForBrowserFlow() {
        TenantLifetimeSettings tenant = BERLIN_TENANT.toBuilder().maxTokenLifetimeForWeb(3600).build();
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("midnight", 1, "true", LifetimeEffect.expiresAtDailyAt(LocalTime.MIDNIGHT)));
        LifetimeContext context = LifetimeContext.builder(tenant, LifetimeFixtures.client(AppType.SPA),
                        LifetimeFixtures.authorizationCode(true))
                .api(LifetimeFixtures.ORDERS_API).user(LifetimeFixtures.alice()).rules(rules).build();

        LifetimeDecision decision = engineAt(LocalDateTime.parse("2026-06-01T12:00:00").atZone(BERLIN).toInstant())
                .decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(3600);
        assertThat(decision.decidedBy()).isEqualTo("tenant.max_token_lifetime_for_web");
        assertThat(decision.trace()).last()
                .isEqualTo(TraceStep.clamp("tenant.max_token_lifetime_for_web", 3600, true));
    }

    @Test
    void idTokenWhenDailyAtNamesIdTokenThenOnlyIdTokenFollowsSchedule() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("id-midnight", 1, "true",
                LifetimeEffect.expiresAtDailyAt(TokenType.ID_TOKEN, LocalTime.MIDNIGHT)));
        LifetimeContext context = LifetimeContext.builder(BERLIN_TENANT, LifetimeFixtures.client(AppType.REGULAR_WEB),
                        LifetimeFixtures.authorizationCode(false))
                .api(LifetimeFixtures.ORDERS_API).user(LifetimeFixtures.alice()).rules(rules).build();

        LifetimeDecisions decisions = engineAt(LocalDateTime.parse("2026-06-01T23:00:00").atZone(BERLIN).toInstant())
                .decide(context);

        assertThat(decisions.idToken().lifetimeSeconds()).isEqualTo(3600);
        assertThat(decisions.idToken().decidedBy()).isEqualTo("rule:id-midnight.expires_at.daily_at");
        assertThat(decisions.accessToken().decidedBy()).isEqualTo("api.token_lifetime");
    }

    @Test
    void dailyAtWhenTimeHasFractionOfSecondThenRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LifetimeEffect.expiresAtDailyAt(LocalTime.of(0, 0, 0, 500)))
                .withMessageContaining("daily_at");
    }
}
