package dev.tally.query.projection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.query.*}: the query side's projections.
 *
 * @param batchSize      the most events per transaction of the sessions and revocations projections: what a catch-up
 *                       or a replay commits at once (at the head a batch holds what arrived in one interval, far
 *                       fewer); larger batches hold their transaction, and their events in memory, longer
 * @param auditBatchSize the most events per transaction of the audit projection, larger than the other views'
 *                       because its commits cost the most: each row lands in eight indexes led by its tenant, so with
 *                       many tenants a larger batch shares the pages a commit writes among more rows and replays
 *                       faster
 * @param batchInterval  the least time between the starts of two batches of a projection: under load the events that
 *                       arrive meanwhile join the next batch, so a view commits less often and is at most this much
 *                       later; an event after a quiet spell is applied at once; 0 starts a batch whenever an event
 *                       is there; at most 1s, well within the 10 s a processor's claim on its position lasts
 *                       without a batch
 */
@ConfigurationProperties("tally.query")
public record QueryProperties(@DefaultValue("500") int batchSize, @DefaultValue("2000") int auditBatchSize,
                              @DefaultValue("50ms") Duration batchInterval) {

    public QueryProperties {
        if (batchSize < 1) {
            throw new IllegalStateException("tally.query.batch-size must be at least 1, not " + batchSize);
        }
        if (auditBatchSize < 1) {
            throw new IllegalStateException("tally.query.audit-batch-size must be at least 1, not " + auditBatchSize);
        }
        if (batchInterval.isNegative() || batchInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalStateException(
                    "tally.query.batch-interval must be between 0 and 1s, not " + batchInterval);
        }
    }

    /** The batch size of a processor ({@link QueryProcessing}'s names). */
    public int batchSizeOf(String processor) {
        return QueryProcessing.AUDIT.equals(processor) ? auditBatchSize : batchSize;
    }
}
