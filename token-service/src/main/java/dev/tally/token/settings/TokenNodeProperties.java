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
 * @param users   the users read from the event store on demand, and how many of them a node keeps
 * @param sessions the login sessions read from the event store on demand, and how many of them a node keeps
 */
@ConfigurationProperties("tally.token")
public record TokenNodeProperties(String nodeId, @DefaultValue CatchUp catchUp, @DefaultValue Checkpoint checkpoint,
                                  @DefaultValue UsersCache users, @DefaultValue SessionsCache sessions) {

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

    /**
     * @param cacheSize users a node keeps in memory after reading them from the event store (the least used leave
     *                  first); a few hundred bytes of heap each
     * @param cacheTtl  how long a kept user is trusted; a change made in this process or delivered by the event
     *                  stream evicts the user at once, so this bounds only what a node that follows no stream
     *                  (distributed mode with {@code tally.stream.enabled=false}) can miss. 0: no bound
     */
    public record UsersCache(
            @DefaultValue("10000") long cacheSize,
            @DefaultValue("10m") Duration cacheTtl) {

        public UsersCache {
            if (cacheSize < 0) {
                throw new IllegalStateException("tally.token.users.cache-size must not be negative, not " + cacheSize);
            }
            if (cacheTtl.isNegative()) {
                throw new IllegalStateException("tally.token.users.cache-ttl must not be negative, not " + cacheTtl);
            }
        }
    }

    /**
     * @param cacheSize login sessions a node keeps in memory after reading them from the event store by their cookie
     *                  (the least used leave first); a few hundred bytes of heap each
     */
    public record SessionsCache(@DefaultValue("10000") long cacheSize) {

        public SessionsCache {
            if (cacheSize < 0) {
                throw new IllegalStateException("tally.token.sessions.cache-size must not be negative, not " + cacheSize);
            }
        }
    }
}
