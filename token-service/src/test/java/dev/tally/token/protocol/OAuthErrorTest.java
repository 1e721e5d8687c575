package dev.tally.token.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class OAuthErrorTest {

    @Test
    void aRefusalCarriesItsAnswerAndNoStackTrace() {
        OAuthError error = OAuthError.invalidGrant("unknown refresh token");

        assertThat(error.getMessage()).isEqualTo("unknown refresh token");
        assertThat(error.error()).isEqualTo("invalid_grant");
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        // an expected answer: no walk of the request thread's stack (about a hundred frames under Tomcat and Spring)
        assertThat(error.getStackTrace()).isEmpty();
    }

    @Test
    void aThrottledRequestKeepsItsRetryAfter() {
        OAuthError error = OAuthError.slowDown("slow down", Duration.ofSeconds(3));

        assertThat(error.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(error.getStackTrace()).isEmpty();
    }
}
