package dev.tally.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceTokenPropertiesTest {
    private static final String SECRET = "distributed-service-token-0123456789-abcdef";

    @Test
    void whenPrintedThenTheTokenIsRedacted() {
        assertThat(new ServiceTokenProperties(SECRET).toString()).doesNotContain(SECRET).contains("[redacted]");
    }

    @Test
    void fromWhenUnsetThenStartUpIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ServiceToken.from(new ServiceTokenProperties(" ")))
                .hasMessageStartingWith("TALLY_SERVICE_TOKEN (tally.service-token) is not set");
    }

    @Test
    void fromWhenSetThenItMatchesThatValueOnly() {
        ServiceToken token = ServiceToken.from(new ServiceTokenProperties(SECRET));

        assertThat(token.matches(SECRET)).isTrue();
        assertThat(token.matches(SECRET + "x")).isFalse();
    }
}
