package dev.tally.token.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the authorize and logout endpoints send back in a redirect stays within the container's 8 KB of response
 * headers: the fuzz harness found a 10,000-character state, and a long scope quoted in an error's description, made the
 * redirect impossible to write (500).
 */
class AuthorizationsTest {
    static final String CALLBACK = "https://app.test/callback";

    @Test
    void aStateOfMoreThan1024BytesIsTooLongToSendBack() {
        assertThat(Authorizations.stateTooLong(null)).isFalse();
        assertThat(Authorizations.stateTooLong("s".repeat(1024))).isFalse();
        assertThat(Authorizations.stateTooLong("s".repeat(1025))).isTrue();
        assertThat(Authorizations.stateTooLong("\ud83d\ude00".repeat(257))).as("bytes, not characters").isTrue();
    }

    @Test
    void anErrorRedirectQuotesAtMost200CharactersOfDescription() {
        String location = Authorizations.errorRedirect(CALLBACK, "invalid_scope", "scope '" + "x".repeat(9_000)
                + "' is not defined", "s".repeat(Authorizations.MAX_STATE_BYTES), "https://id.test/t/acme");
        assertThat(location).startsWith(CALLBACK + "?error=invalid_scope&error_description=scope+%27xxx");
        assertThat(location.length()).isLessThan(2_000);
    }
}
