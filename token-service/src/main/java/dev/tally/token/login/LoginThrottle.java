package dev.tally.token.login;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.token.settings.LoginProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Counts failed logins per user and per client address in a sliding window and refuses further attempts once
 * either limit is reached, until the oldest failure leaves the window. Defaults: 5 failures per user and 20 per
 * address in 15 minutes ({@code tally.login.max-failures-per-user}, {@code tally.login.max-failures-per-address},
 * {@code tally.login.failure-window}). The failures are rows of the database every token-service node shares
 * ({@code login_failure}), so guesses spread over several nodes count once: N nodes do not give N times the attempts.
 * (Attempts checked at the same moment, before any of them has failed, may each pass: the limit can be exceeded by
 * the number of attempts in flight, as it could within one process.)
 */
@Component
public class LoginThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
    static final String USER = "u";
    static final String ADDRESS = "a";
    /** Failures that left the window are deleted at most this often by one node, a batch at a time, while some remain. */
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
    static final int PRUNE_BATCH = 1_000;

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final int maxPerUser;
    private final int maxPerAddress;
    private final Duration window;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    @Autowired
    public LoginThrottle(JdbcTemplate jdbc, Clock clock, LoginProperties properties) {
        this(jdbc, clock, properties.maxFailuresPerUser(), properties.maxFailuresPerAddress(), properties.failureWindow());
    }

    LoginThrottle(JdbcTemplate jdbc, Clock clock, int maxPerUser, int maxPerAddress, Duration window) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.maxPerUser = maxPerUser;
        this.maxPerAddress = maxPerAddress;
        this.window = window;
    }

    /** How long the caller must wait before trying again, or {@link Duration#ZERO} if it may try now. */
    public Duration retryAfter(String tenantId, String canonicalUsername, String address) {
        Instant now = clock.instant();
        List<KeyFailures> found;
        try {
            // a failure counts while it is less than a window old: failed_at + window > now
            found = jdbc.query("SELECT key_kind, COUNT(*) AS failures, MIN(failed_at) AS oldest FROM login_failure "
                            + "WHERE tenant_id = ? AND ((key_kind = ? AND key_hash = ?) OR (key_kind = ? AND key_hash = ?)) "
                            + "AND failed_at > ? GROUP BY key_kind",
                    (rs, i) -> new KeyFailures(rs.getString("key_kind"), rs.getInt("failures"),
                            rs.getObject("oldest", OffsetDateTime.class).toInstant()),
                    tenantId, USER, keyHash(canonicalUsername), ADDRESS, keyHash(address), utc(now.minus(window)));
        } catch (DataAccessException e) {
            throw new LoginStateUnavailable("failed logins could not be counted", e);
        }
        Duration wait = Duration.ZERO;
        for (KeyFailures f : found) {
            int max = USER.equals(f.kind().strip()) ? maxPerUser : maxPerAddress;
            if (f.failures() >= max) {
                Duration untilOldestLeaves = Duration.between(now, f.oldest().plus(window));
                if (untilOldestLeaves.compareTo(wait) > 0) {
                    wait = untilOldestLeaves;
                }
            }
        }
        return wait;
    }

    public void failed(String tenantId, String canonicalUsername, String address) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try {
            jdbc.batchUpdate("INSERT INTO login_failure (tenant_id, key_kind, key_hash, failed_at) VALUES (?, ?, ?, ?)",
                    List.of(new Object[]{tenantId, USER, keyHash(canonicalUsername), utc(now)},
                            new Object[]{tenantId, ADDRESS, keyHash(address), utc(now)}));
        } catch (DataAccessException e) {
            throw new LoginStateUnavailable("a failed login could not be counted", e);
        }
        pruneIfDue(now);
    }

    /** A successful login clears the user's failures (not the address's: one account does not vouch for others). */
    public void succeeded(String tenantId, String canonicalUsername) {
        try {
            jdbc.update("DELETE FROM login_failure WHERE tenant_id = ? AND key_kind = ? AND key_hash = ?",
                    tenantId, USER, keyHash(canonicalUsername));
        } catch (DataAccessException e) {
            throw new LoginStateUnavailable("failed logins could not be cleared", e);
        }
    }

    /**
     * Deletes a batch of failures that have left the window, at most once per {@link #PRUNE_INTERVAL} on this node
     * unless the batch was full. Housekeeping only (the count ignores them anyway): a failure here, such as two
     * nodes' deletes colliding, is logged and left for the next time.
     */
    private void pruneIfDue(Instant now) {
        Instant due = nextPrune.get();
        if (now.isBefore(due) || !nextPrune.compareAndSet(due, now.plus(PRUNE_INTERVAL))) {
            return;
        }
        try {
            int deleted = jdbc.update("DELETE FROM login_failure WHERE id IN (SELECT id FROM login_failure "
                    + "WHERE failed_at <= ? LIMIT ?)", utc(now.minus(window)), PRUNE_BATCH);
            if (deleted >= PRUNE_BATCH) {
                nextPrune.set(now);
            }
        } catch (DataAccessException e) {
            LOG.warn("failed logins that left the window were not deleted this time: {}", e.getMessage());
        }
    }

    /** A key as stored: its SHA-256, one width whatever was typed as a username. */
    private static String keyHash(String key) {
        return SecretHash.of(key == null ? "" : key);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private record KeyFailures(String kind, int failures, Instant oldest) {
    }
}
