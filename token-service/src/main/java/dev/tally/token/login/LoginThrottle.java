package dev.tally.token.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Counts failed logins per user and per client address in a sliding window and refuses further attempts once
 * either limit is reached, until the oldest failure leaves the window. Defaults: 5 failures per user and 20 per
 * address in 15 minutes ({@code tally.login.max-failures-per-user}, {@code tally.login.max-failures-per-address},
 * {@code tally.login.failure-window}). Per process: with several token-service nodes each counts its own.
 */
@Component
public class LoginThrottle {
    private final Clock clock;
    private final int maxPerUser;
    private final int maxPerAddress;
    private final Duration window;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(Clock clock, Environment env) {
        this.clock = clock;
        this.maxPerUser = env.getProperty("tally.login.max-failures-per-user", Integer.class, 5);
        this.maxPerAddress = env.getProperty("tally.login.max-failures-per-address", Integer.class, 20);
        this.window = env.getProperty("tally.login.failure-window", Duration.class, Duration.ofMinutes(15));
    }

    /** How long the caller must wait before trying again, or {@link Duration#ZERO} if it may try now. */
    public Duration retryAfter(String tenantId, String canonicalUsername, String address) {
        Instant now = clock.instant();
        Duration user = wait(userKey(tenantId, canonicalUsername), maxPerUser, now);
        Duration addr = wait(addressKey(tenantId, address), maxPerAddress, now);
        return user.compareTo(addr) >= 0 ? user : addr;
    }

    public void failed(String tenantId, String canonicalUsername, String address) {
        Instant now = clock.instant();
        add(userKey(tenantId, canonicalUsername), now);
        add(addressKey(tenantId, address), now);
    }

    /** A successful login clears the user's failures (not the address's: one account does not vouch for others). */
    public void succeeded(String tenantId, String canonicalUsername) {
        failures.remove(userKey(tenantId, canonicalUsername));
    }

    private Duration wait(String key, int max, Instant now) {
        Deque<Instant> q = failures.get(key);
        if (q == null) {
            return Duration.ZERO;
        }
        synchronized (q) {
            prune(q, now);
            if (q.size() < max) {
                return Duration.ZERO;
            }
            return Duration.between(now, q.peekFirst().plus(window));
        }
    }

    private void add(String key, Instant now) {
        Deque<Instant> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            prune(q, now);
            q.addLast(now);
        }
    }

    private void prune(Deque<Instant> q, Instant now) {
        while (!q.isEmpty() && !q.peekFirst().plus(window).isAfter(now)) {
            q.pollFirst();
        }
    }

    private static String userKey(String tenantId, String username) {
        return "u\n" + tenantId + "\n" + username;
    }

    private static String addressKey(String tenantId, String address) {
        return "a\n" + tenantId + "\n" + address;
    }
}
