package dev.tally.token.login;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.token.protocol.ClientAddress;
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
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Counts failed logins in a sliding window under three keys and decides how long an attempt must wait. The failures
 * are rows of the database every token-service node shares ({@code login_failure}), so guesses spread over several
 * nodes count once: N nodes do not give N times the attempts.
 * <ul>
 *   <li><b>Per user and address</b> (kind {@code p}), a hard limit: after 5 failures in 15 minutes
 *       ({@code tally.login.max-failures-per-user-and-address}, {@code failure-window}) that user's logins from that
 *       address wait until the oldest failure leaves the window. Someone guessing at one place gets five tries.</li>
 *   <li><b>Per address</b> (kind {@code a}), whatever the user, a hard limit: 20 in 15 minutes
 *       ({@code max-failures-per-address}) against one place trying many accounts.</li>
 *   <li><b>Per user</b> (kind {@code u}), all addresses together, never a lock: from the 10th failure in the window
 *       on ({@code user-delay-after-failures}) each attempt for the user waits after the last failure 1 s, then 2, 4,
 *       8 … up to a minute ({@code max-user-delay}). Guessing one account from any number of addresses gets about
 *       one try a minute (OWASP ASVS 4.0 2.2.1: no more than 100 failed attempts an hour per account).</li>
 * </ul>
 * Why not a hard limit per user, as before: then anyone, anywhere, could lock a user out with five wrong passwords
 * (OWASP's Authentication Cheat Sheet warns that account lockout is a denial of service against the user). Failures
 * from one address now refuse the user only at that address (and at addresses sharing it, such as one NAT); an
 * attacker spread over many addresses can at most make the user's next attempt wait, a minute at the worst after its
 * own last failure, and every refusal says how long.
 *
 * <p>A refused attempt is not checked and not counted. A success clears the failures of that user at that address,
 * not the address's (one account does not vouch for others) nor the user's across addresses (those may be someone
 * else's). Keys are stored as SHA-256; an address is {@link ClientAddress#throttleKey} (an IPv6 address by its /64).
 * Attempts checked at the same moment, before any of them has failed, may each pass: the limits can be exceeded by
 * the number of attempts in flight, as they could within one process.
 */
@Component
public class LoginThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
    static final String USER = "u";
    static final String ADDRESS = "a";
    static final String USER_AT_ADDRESS = "p";
    /** Failures that left the window are deleted at most this often by one node, a batch at a time, while some remain. */
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
    static final int PRUNE_BATCH = 1_000;
    /**
     * One key's failures in the window: a range of {@code ix_login_failure_key}. Three of them joined by
     * {@code UNION ALL}, not one select with the three keys in an {@code OR}: H2 answered that form by reading every
     * failure of the tenant in the window, so failures under any keys (a password-spraying run) made every login
     * slower.
     */
    private static final String FAILURES_OF_ONE_KEY = "SELECT key_kind, COUNT(*) AS failures, MIN(failed_at) AS oldest, "
            + "MAX(failed_at) AS newest FROM login_failure "
            + "WHERE tenant_id = ? AND key_kind = ? AND key_hash = ? AND failed_at > ? GROUP BY key_kind";
    static final String FAILURES_OF_THREE_KEYS =
            FAILURES_OF_ONE_KEY + " UNION ALL " + FAILURES_OF_ONE_KEY + " UNION ALL " + FAILURES_OF_ONE_KEY;
    /** The per-user delay doubles at most this often before it is compared with its ceiling (2^20 s is 12 days). */
    private static final int MAX_DOUBLINGS = 20;

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final LoginProperties limits;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    public LoginThrottle(JdbcTemplate jdbc, Clock clock, LoginProperties limits) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.limits = limits;
    }

    /** How long the caller must wait before trying again, or {@link Duration#ZERO} if it may try now. */
    public Duration retryAfter(String tenantId, String canonicalUsername, String address) {
        Instant now = clock.instant();
        String at = ClientAddress.throttleKey(address);
        List<KeyFailures> found;
        try {
            // a failure counts while it is less than a window old: failed_at + window > now
            OffsetDateTime since = utc(now.minus(limits.failureWindow()));
            found = jdbc.query(FAILURES_OF_THREE_KEYS,
                    (rs, i) -> new KeyFailures(rs.getString("key_kind").strip(), rs.getInt("failures"),
                            rs.getObject("oldest", OffsetDateTime.class).toInstant(),
                            rs.getObject("newest", OffsetDateTime.class).toInstant()),
                    tenantId, USER_AT_ADDRESS, keyHash(userAtAddress(canonicalUsername, at)), since,
                    tenantId, ADDRESS, keyHash(at), since,
                    tenantId, USER, keyHash(canonicalUsername), since);
        } catch (DataAccessException e) {
            throw new LoginStateUnavailable("failed logins could not be counted", e);
        }
        Duration wait = Duration.ZERO;
        for (KeyFailures f : found) {
            Instant until = switch (f.kind()) {
                case USER_AT_ADDRESS -> f.failures() >= limits.maxFailuresPerUserAndAddress()
                        ? f.oldest().plus(limits.failureWindow()) : now;
                case ADDRESS -> f.failures() >= limits.maxFailuresPerAddress()
                        ? f.oldest().plus(limits.failureWindow()) : now;
                default -> f.newest().plus(userDelay(f.failures()));
            };
            Duration untilThen = Duration.between(now, until);
            if (untilThen.compareTo(wait) > 0) {
                wait = untilThen;
            }
        }
        return wait;
    }

    /** The wait after a user's last failure when the user has {@code failures} in the window, from all addresses. */
    private Duration userDelay(int failures) {
        if (failures < limits.userDelayAfterFailures()) {
            return Duration.ZERO;
        }
        Duration delay = Duration.ofSeconds(1L << Math.min(failures - limits.userDelayAfterFailures(), MAX_DOUBLINGS));
        return delay.compareTo(limits.maxUserDelay()) < 0 ? delay : limits.maxUserDelay();
    }

    public void failed(String tenantId, String canonicalUsername, String address) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String at = ClientAddress.throttleKey(address);
        try {
            jdbc.batchUpdate("INSERT INTO login_failure (tenant_id, key_kind, key_hash, failed_at) VALUES (?, ?, ?, ?)",
                    List.of(new Object[]{tenantId, USER_AT_ADDRESS, keyHash(userAtAddress(canonicalUsername, at)), utc(now)},
                            new Object[]{tenantId, ADDRESS, keyHash(at), utc(now)},
                            new Object[]{tenantId, USER, keyHash(canonicalUsername), utc(now)}));
        } catch (DataAccessException e) {
            throw new LoginStateUnavailable("a failed login could not be counted", e);
        }
        pruneIfDue(now);
    }

    /**
     * A successful login clears the user's failures at this address: the user has shown the password there. Not the
     * address's (one account does not vouch for others), nor the user's elsewhere (they may be an attacker's).
     */
    public void succeeded(String tenantId, String canonicalUsername, String address) {
        try {
            jdbc.update("DELETE FROM login_failure WHERE tenant_id = ? AND key_kind = ? AND key_hash = ?",
                    tenantId, USER_AT_ADDRESS, keyHash(userAtAddress(canonicalUsername, ClientAddress.throttleKey(address))));
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
                    + "WHERE failed_at <= ? LIMIT ?)", utc(now.minus(limits.failureWindow())), PRUNE_BATCH);
            if (deleted >= PRUNE_BATCH) {
                nextPrune.set(now);
            }
        } catch (DataAccessException e) {
            LOG.warn("failed logins that left the window were not deleted this time: {}", e.getMessage());
        }
    }

    /** The address first: it holds no line break, so the pair is unambiguous whatever was typed as a username. */
    private static String userAtAddress(String canonicalUsername, String addressKey) {
        return addressKey + "\n" + (canonicalUsername == null ? "" : canonicalUsername);
    }

    /** A key as stored: its SHA-256, one width whatever was typed as a username. */
    private static String keyHash(String key) {
        return SecretHash.of(key == null ? "" : key);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private record KeyFailures(String kind, int failures, Instant oldest, Instant newest) {
    }
}
