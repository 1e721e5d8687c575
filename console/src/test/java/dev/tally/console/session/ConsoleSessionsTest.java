package dev.tally.console.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.console.api.Credential;
import dev.tally.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T00:00:00Z"));
    final ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(30), Duration.ofHours(8), 2, clock);
    final Credential admin = new Credential("secret-bearer", null);

    @Test
    void aSessionUnusedForTheIdleTimeoutIsGone() {
        ConsoleSession s = sessions.open(admin);
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(s.id())).as("used: the idle clock starts again").contains(s);
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(s.id())).contains(s);
        clock.advance(Duration.ofMinutes(30));
        assertThat(sessions.find(s.id())).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void aSessionEndsAtItsMaximumAgeEvenWhenUsed() {
        ConsoleSession s = sessions.open(admin);
        for (int i = 0; i < 16; i++) {
            clock.advance(Duration.ofMinutes(29));
            sessions.find(s.id());
        }
        assertThat(sessions.find(s.id())).as("7 h 44 min").contains(s);
        clock.advance(Duration.ofMinutes(16));
        assertThat(sessions.find(s.id())).as("8 h").isEmpty();
    }

    @Test
    void signInBeyondTheLimitIsRefusedUntilASessionExpires() {
        ConsoleSession first = sessions.open(admin);
        sessions.open(admin);
        assertThatThrownBy(() -> sessions.open(admin)).isInstanceOf(ConsoleSessions.Full.class);
        clock.advance(Duration.ofMinutes(31));
        ConsoleSession third = sessions.open(admin);
        assertThat(sessions.size()).isEqualTo(1);
        assertThat(third.id()).isNotEqualTo(first.id());
        assertThat(third.csrf()).isNotEqualTo(third.id());
    }

    @Test
    void theSignInTokenBelongsToItsCookieAndNothingPrintsTheBearer() {
        String nonce = sessions.newSignInNonce();
        assertThat(sessions.signInToken(nonce)).isEqualTo(sessions.signInToken(nonce))
                .isNotEqualTo(sessions.signInToken(sessions.newSignInNonce()));
        assertThat(ConsoleSessions.same(sessions.signInToken(nonce), null)).isFalse();
        assertThat(new ConsoleSessions(Duration.ofMinutes(1), Duration.ofMinutes(2), 1, clock).signInToken(nonce))
                .as("a key of each node's own").isNotEqualTo(sessions.signInToken(nonce));
        assertThat(admin.toString()).doesNotContain("secret-bearer");
        assertThat(sessions.open(admin).toString()).doesNotContain("secret-bearer");
    }
}
