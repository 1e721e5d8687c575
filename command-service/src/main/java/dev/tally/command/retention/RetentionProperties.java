package dev.tally.command.retention;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.retention.*}: how issuance records ({@code AccessTokenIssued}, {@code IdTokenIssued}) leave the event
 * store once past a tenant's {@code issuance_record_retention}.
 *
 * @param minimum       the shortest retention a tenant may set (a platform floor, for audits and investigations)
 * @param exportDir     where records are written (NDJSON, one file per tenant and UTC day) before they leave the
 *                      store; unset: nothing is pruned, and each pruning run that finds a tenant with a retention
 *                      says so in the log
 * @param pruneInterval how often the pruner runs
 * @param chunk         at most this many records per export and delete (one transaction)
 * @param followers     tracking processors that must have read a record before it may leave the store, even before
 *                      they first ran (the query side's views); every processor in the token store is waited for too
 */
@ConfigurationProperties("tally.retention")
public record RetentionProperties(@DefaultValue("30d") Duration minimum, Path exportDir,
                                  @DefaultValue("1h") Duration pruneInterval, @DefaultValue("1000") int chunk,
                                  @DefaultValue({"query-audit", "query-sessions", "query-revocations"}) List<String> followers) {

    public RetentionProperties {
        if (minimum.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalStateException("tally.retention.minimum must be at least a day (longer than any token "
                    + "lives), not " + minimum);
        }
        if (pruneInterval.isNegative() || pruneInterval.isZero()) {
            throw new IllegalStateException("tally.retention.prune-interval must be positive, not " + pruneInterval);
        }
        if (chunk < 1 || chunk > 100_000) {
            throw new IllegalStateException("tally.retention.chunk must be between 1 and 100000, not " + chunk);
        }
    }

    public static RetentionProperties defaults() {
        return new RetentionProperties(Duration.ofDays(30), null, Duration.ofHours(1), 1000,
                List.of("query-audit", "query-sessions", "query-revocations"));
    }
}
