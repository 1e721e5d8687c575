package dev.tally.token.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    @Test
    void secondsWhenWholeThenThemAndWhenAFractionThenRoundedUp() {
        assertThat(RetryAfter.seconds(Duration.ofSeconds(42))).isEqualTo(42);
        assertThat(RetryAfter.seconds(Duration.ofMillis(41_001))).isEqualTo(42);
        assertThat(RetryAfter.seconds(Duration.ofNanos(1))).isEqualTo(1);
    }

    @Test
    void secondsWhenZeroOrLessThenOne() {
        assertThat(RetryAfter.seconds(Duration.ZERO)).isEqualTo(1);
        assertThat(RetryAfter.seconds(Duration.ofMillis(-500))).isEqualTo(1);
    }
}
