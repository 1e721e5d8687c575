package dev.tally.token.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.token.*}: one token node's views in distributed mode.
 *
 * @param nodeId  this node's name, unique among the token nodes: it names the node's consumer group on the internal
 *                event stream; unset: the {@code HOSTNAME} environment variable, else {@code token}
 * @param catchUp reading a missing tenant, client or API from the event store on demand
 * @param checkpoint a durable copy of the views, so that a start reads only the events after it
 */
@ConfigurationProperties("tally.token")
public record TokenNodeProperties(String nodeId, @DefaultValue CatchUp catchUp, @DefaultValue Checkpoint checkpoint) {

    public TokenNodeProperties {
        if (nodeId == null || nodeId.isBlank()) {
            String host = System.getenv("HOSTNAME");
            nodeId = host == null || host.isBlank() ? "token" : host;
        }
    }

    /**
     * @param enabled      read a tenant, client or API the views do not know from the store when a request names it
     *                     (on with the event stream and in the distributed profile)
     * @param interval     the same tenant, client or API is read at most this often
     * @param maxPerSecond store reads for unknown names per second, all names together
     */
    public record CatchUp(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("1s") Duration interval,
            @DefaultValue("50") int maxPerSecond) {

        public CatchUp {
            if (interval.isNegative()) {
                throw new IllegalStateException("tally.token.catch-up.interval must not be negative, not " + interval);
            }
            if (maxPerSecond < 1) {
                throw new IllegalStateException("tally.token.catch-up.max-per-second must be at least 1, not " + maxPerSecond);
            }
        }
    }

    /**
     * @param enabled  start from the newest readable checkpoint of the views and write new ones (off: every start
     *                 reads the whole event store)
     * @param interval how often a checkpoint is written in the background (one is also written at an orderly
     *                 shutdown); each one reads only the events after the one before
     */
    public record Checkpoint(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("5m") Duration interval) {

        public Checkpoint {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalStateException("tally.token.checkpoint.interval must be positive, not " + interval);
            }
        }
    }
}
