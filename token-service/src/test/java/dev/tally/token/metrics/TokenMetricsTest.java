package dev.tally.token.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.platform.metrics.MetricsProperties;
import dev.tally.platform.metrics.TenantTags;
import dev.tally.token.metrics.TokenMetrics.Refresh;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenMetricsTest {

    @Test
    void issuedCountsEveryRuleAsRuleAndEverySettingByItsName() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TokenMetrics metrics = new TokenMetrics(registry, TenantTags.off(), tenant -> true);
        metrics.issued("acme", "client_credentials", "rule:onboarding-m2m");
        metrics.issued("acme", "client_credentials", "rule:another.access_token_lifetime");
        metrics.issued("acme", "client_credentials", "api.token_lifetime");
        assertThat(registry.get(TokenMetrics.ISSUED).tag("decided_by", "rule").counter().count()).isEqualTo(2);
        assertThat(registry.get(TokenMetrics.ISSUED).tag("decided_by", "api.token_lifetime").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(TokenMetrics.ISSUED).counters()).hasSize(2);
        assertThat(registry.get(TokenMetrics.ISSUED).counter().getId().getTag("tenant")).isNull();
    }

    @Test
    void withTenantTagsAListedTenantByNameAndAnUnknownOneNeverUnderTheNameItMadeUp() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TokenMetrics metrics = new TokenMetrics(registry, TenantTags.of(new MetricsProperties(List.of("*"), false)),
                Set.of("acme")::contains);
        metrics.tokenRequest("acme", "client_credentials", TokenMetrics.OUTCOME_ISSUED, System.nanoTime());
        metrics.tokenRequest("made-up", "client_credentials", "invalid_request", System.nanoTime());
        metrics.tokenRequest(null, "other", "invalid_request", System.nanoTime());
        assertThat(registry.get(TokenMetrics.REQUESTS).tag("tenant", "acme").timer().count()).isEqualTo(1);
        assertThat(registry.get(TokenMetrics.REQUESTS).tag("tenant", "other").timers()).hasSize(2);
        assertThat(registry.find(TokenMetrics.REQUESTS).tag("tenant", "made-up").timer()).isNull();
    }

    @Test
    void refreshOutcomesFromTheFamilysAnswer() {
        assertThat(Refresh.of(new RefreshOutcome(true, true, false, null, "u", "s", "x", "a", 2))).isEqualTo(Refresh.ROTATED);
        assertThat(Refresh.of(new RefreshOutcome(true, false, false, null, "u", "s", "x", "a", 1))).isEqualTo(Refresh.USED);
        assertThat(Refresh.of(new RefreshOutcome(true, true, false, null, "u", "s", "x", "a", 2, null, true)))
                .isEqualTo(Refresh.LEEWAY_REPLAY);
        assertThat(Refresh.of(new RefreshOutcome(false, false, true, "used", "u", "s", null, null, 0)))
                .isEqualTo(Refresh.REUSE);
        assertThat(Refresh.of(RefreshOutcome.refused(RefreshOutcome.EXPIRED))).isEqualTo(Refresh.EXPIRED);
        assertThat(Refresh.of(RefreshOutcome.refused("unknown refresh token"))).isEqualTo(Refresh.REFUSED);
        assertThat(Refresh.of(RefreshOutcome.scopeRefused("wider"))).isEqualTo(Refresh.REFUSED);
    }
}
