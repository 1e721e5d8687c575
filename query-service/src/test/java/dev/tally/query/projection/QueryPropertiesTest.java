package dev.tally.query.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class QueryPropertiesTest {

    @Test
    void defaultsToBatchesOf500StartedAtMostEvery50Milliseconds() {
        QueryProperties properties = bind(Map.of());

        assertThat(properties.batchSize()).isEqualTo(500);
        assertThat(properties.batchInterval()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void zeroStartsABatchWheneverAnEventIsThere() {
        assertThat(bind(Map.of("tally.query.batch-interval", "0")).batchInterval()).isZero();
    }

    @Test
    void aNegativeOrAVeryLongIntervalStopsTheStartNamingTheSetting() {
        assertRefused("-1ms", "PT-0.001S");
        assertRefused("1001ms", "PT1.001S");
    }

    private static void assertRefused(String value, String shownAs) {
        assertThatThrownBy(() -> bind(Map.of("tally.query.batch-interval", value)))
                .as(value)
                .hasRootCauseMessage("tally.query.batch-interval must be between 0 and 1s, not " + shownAs);
    }

    private static QueryProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("tally.query", QueryProperties.class);
    }
}
