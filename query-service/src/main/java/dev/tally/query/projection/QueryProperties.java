package dev.tally.query.projection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.query.*}: the query side's projections.
 *
 * @param batchSize     events per transaction of each projection (also during a replay): larger batches replay faster
 *                      and hold their transaction longer
 * @param batchInterval the least time between the starts of two batches of a projection: under load the events that
 *                      arrive meanwhile join the next batch, so a view commits less often and is at most this much
 *                      later; an event after a quiet spell is applied at once; 0 starts a batch whenever an event
 *                      is there; at most 1s, well within the 10 s a processor's claim on its position lasts
 *                      without a batch
 */
@ConfigurationProperties("tally.query")
public record QueryProperties(@DefaultValue("500") int batchSize, @DefaultValue("50ms") Duration batchInterval) {

    public QueryProperties {
        if (batchSize < 1) {
            throw new IllegalStateException("tally.query.batch-size must be at least 1, not " + batchSize);
        }
        if (batchInterval.isNegative() || batchInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalStateException(
                    "tally.query.batch-interval must be between 0 and 1s, not " + batchInterval);
        }
    }
}
