package dev.tally.token.settings;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class TokenSettingsConfigurationTest {

    /** An operator who kept the old name would otherwise run with the default without knowing it. */
    @Test
    void startWhenARenamedSettingIsSetThenRefusedNamingTheNewOne() {
        MockEnvironment old = new MockEnvironment().withProperty("tally.login.max-failures-per-user", "3");

        assertThatThrownBy(() -> new TokenSettingsConfiguration(old)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("tally.login.max-failures-per-user is no longer read; use "
                        + "tally.login.max-failures-per-user-and-address");
    }

    @Test
    void startWhenOnlyCurrentSettingsAreSetThenAccepted() {
        MockEnvironment current = new MockEnvironment().withProperty("tally.login.max-failures-per-user-and-address", "3");

        assertThatCode(() -> new TokenSettingsConfiguration(current)).doesNotThrowAnyException();
    }
}
