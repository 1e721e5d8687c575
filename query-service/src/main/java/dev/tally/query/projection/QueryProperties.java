package dev.tally.query.projection;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.query.*}: the query side's projections.
 *
 * @param batchSize events per transaction of each projection (also during a replay): larger batches replay faster
 *                  and hold their transaction longer
 */
@ConfigurationProperties("tally.query")
public record QueryProperties(@DefaultValue("500") int batchSize) {

    public QueryProperties {
        if (batchSize < 1) {
            throw new IllegalStateException("tally.query.batch-size must be at least 1, not " + batchSize);
        }
    }
}
