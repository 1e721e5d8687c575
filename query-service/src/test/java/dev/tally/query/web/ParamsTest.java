package dev.tally.query.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.problem.InvalidInput;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParamsTest {

    static Instant instant(String value) {
        return Params.of(Map.of("from", value), Set.of("from")).instant("from");
    }

    /** Found by the fuzz harness: the audit's {@code from} of the year 1,000,000,000 answered 500, not 400. */
    @Test
    void anInstantBeyondTheYears1To9999IsInvalidInputNotAFailureOfTheQuery() {
        for (String far : new String[] {"+1000000000-12-31T23:59:59.999999999Z", "-1000000000-01-01T00:00:00Z",
                "+999999999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "0000-12-31T23:59:59Z"}) {
            assertThatThrownBy(() -> instant(far)).as(far).isInstanceOf(InvalidInput.class)
                    .hasMessageContaining("must be an instant from 0001-01-01T00:00:00Z");
        }
        assertThat(instant("0001-01-01T00:00:00Z")).isEqualTo(Params.EARLIEST);
        assertThat(instant("9999-12-31T23:59:59Z")).isBefore(Params.LATEST);
        assertThat(instant("2026-01-31T12:00:00Z")).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
    }
}
