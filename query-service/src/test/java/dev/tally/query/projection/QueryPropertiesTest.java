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
    void theAuditTakesBatchesOf2000UnlessToldOtherwiseTheOtherViewsTheCommonSize() {
        QueryProperties defaults = bind(Map.of());
        assertThat(defaults.batchSizeOf(QueryProcessing.AUDIT)).isEqualTo(2000);
        assertThat(defaults.batchSizeOf(QueryProcessing.SESSIONS)).isEqualTo(500);
        assertThat(defaults.batchSizeOf(QueryProcessing.REVOCATIONS)).isEqualTo(500);

        QueryProperties set = bind(Map.of("tally.query.batch-size", "100", "tally.query.audit-batch-size", "300"));
        assertThat(set.batchSizeOf(QueryProcessing.AUDIT)).isEqualTo(300);
        assertThat(set.batchSizeOf(QueryProcessing.SESSIONS)).isEqualTo(100);
        assertThat(set.batchSizeOf(QueryProcessing.REVOCATIONS)).isEqualTo(100);
    }

    @Test
    void aBatchOfNoEventsStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> bind(Map.of("tally.query.audit-batch-size", "0")))
                .hasRootCauseMessage("tally.query.audit-batch-size must be at least 1, not 0");
        assertThatThrownBy(() -> bind(Map.of("tally.query.batch-size", "0")))
                .hasRootCauseMessage("tally.query.batch-size must be at least 1, not 0");
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
