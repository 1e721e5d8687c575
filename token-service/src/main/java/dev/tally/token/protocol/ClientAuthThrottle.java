package dev.tally.token.protocol;

import dev.tally.token.settings.ClientAuthProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Counts failed client authentications in a sliding window, under two keys, and makes requests wait once either is
 * full, until its oldest failure leaves the window. Defaults ({@code tally.client-auth.*}): 10 failures per client and
 * address, 30 per address, in one minute.
 * <ul>
 *   <li><b>Per client and address</b> (tenant, {@code client_id}, address): guessing one client's secret from one
 *       place. There is deliberately no count per client across addresses: failures anyone sends for a client id
 *       would then refuse the client itself, a lock-out any stranger could cause. The client's own addresses have
 *       their own counts, untouched by an attacker elsewhere.</li>
 *   <li><b>Per address</b>, whatever the client or tenant: one place trying many clients, or secrets that are not
 *       even well-formed. A client shares this count only with whoever shares its address.</li>
 * </ul>
 * An address is {@link ClientAddress#throttleKey} of the connection's peer: an IPv6 address counts by its /64.
 *
 * <p>The check comes before the secret is looked at, so a waiting address learns nothing, not even from the right
 * secret. Only failures count; a success clears the client's count at that address (its secret is right from there
 * now), never the address's.
 *
 * <p>Why in memory, per node: client secrets are 256-bit random values, so no rate of guessing finds one; this is
 * defence in depth and keeps noise (a client with a stale secret, a scanner) cheap, while the hot path reads no
 * database. N token nodes therefore allow N times the attempts. Memory is bounded: at most
 * {@code max-tracked-keys} counters (each keeps at most its limit of timestamps, growing only as failures come),
 * the least recently used forgotten first, and counters whose failures have all left the window are dropped as new
 * failures arrive. An attacker who can fail from more distinct addresses than the cap within one window can make a
 * counter be forgotten early; each such eviction costs it that many requests.
 */
@Component
public class ClientAuthThrottle {
    private final Clock clock;
    private final int maxPerClient;
    private final int maxPerAddress;
    private final long windowMillis;
    private final int maxKeys;
    /** In access order: the eldest entry is the counter least recently checked or counted. Guarded by {@code this}. */
    private final LinkedHashMap<Key, Failures> counters;
    /** Refusals since start; guarded by this, like the counters. */
    private long refusals;

    public ClientAuthThrottle(Clock clock, ClientAuthProperties properties) {
        this.clock = clock;
        this.maxPerClient = properties.maxFailuresPerClientAndAddress();
        this.maxPerAddress = properties.maxFailuresPerAddress();
        this.windowMillis = properties.failureWindow().toMillis();
        this.maxKeys = properties.maxTrackedKeys();
        this.counters = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Failures> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /**
     * How long a request from {@code address} must wait before its client authentication is tried, or
     * {@link Duration#ZERO}; {@code clientId} is the one presented, or null when none could be read.
     */
    public synchronized Duration retryAfter(String tenantId, String clientId, String address) {
        long now = clock.millis();
        String at = ClientAddress.throttleKey(address);
        Duration wait = wait(Key.address(at), maxPerAddress, now);
        if (clientId != null) {
            Duration clientWait = wait(Key.client(tenantId, clientId, at), maxPerClient, now);
            if (clientWait.compareTo(wait) > 0) {
                wait = clientWait;
            }
        }
        if (!wait.isZero()) {
            refusals++;
        }
        return wait;
    }

    /**
     * A failed client authentication from {@code address}: counted for the address, and for the client there when
     * {@code clientId} names a client of the tenant (null otherwise: an unknown id gets no counter of its own, so
     * made-up ids cannot fill the table; the address's count covers them).
     */
    public synchronized void failed(String tenantId, String clientId, String address) {
        long now = clock.millis();
        forgetExpired(now - windowMillis);
        String at = ClientAddress.throttleKey(address);
        count(Key.address(at), maxPerAddress, now);
        if (clientId != null) {
            count(Key.client(tenantId, clientId, at), maxPerClient, now);
        }
    }

    /** The client authenticated from {@code address}: its count there starts again. The address's count stays. */
    public synchronized void succeeded(String tenantId, String clientId, String address) {
        counters.remove(Key.client(tenantId, clientId, ClientAddress.throttleKey(address)));
    }

    /** How many authentications were refused since start (the metric {@code tally.client.auth.throttled}). */
    public synchronized double refusals() {
        return refusals;
    }

    synchronized int trackedKeys() {
        return counters.size();
    }

    private Duration wait(Key key, int max, long now) {
        Failures failures = counters.get(key);
        if (failures == null) {
            return Duration.ZERO;
        }
        failures.leaveWindow(now - windowMillis);
        if (failures.size < max) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(failures.oldest() + windowMillis - now);
    }

    private void count(Key key, int max, long now) {
        Failures failures = counters.computeIfAbsent(key, k -> new Failures(max));
        failures.leaveWindow(now - windowMillis);
        failures.add(now, max);
    }

    /** From the least recently used on, drops counters whose failures have all left the window; stops at a live one. */
    private void forgetExpired(long cutoff) {
        Iterator<Failures> eldestFirst = counters.values().iterator();
        while (eldestFirst.hasNext()) {
            Failures failures = eldestFirst.next();
            if (failures.size > 0 && failures.newest() > cutoff) {
                return;
            }
            eldestFirst.remove();
        }
    }

    /** A counter's key: a client at an address, or (tenant and client null) an address alone. */
    private record Key(String tenantId, String clientId, String address) {
        static Key address(String address) {
            return new Key(null, null, address);
        }

        static Key client(String tenantId, String clientId, String address) {
            return new Key(tenantId, clientId, address);
        }
    }

    /** One key's failures in the window, oldest first, in epoch milliseconds: at most its limit, the newest kept. */
    private static final class Failures {
        private long[] at;
        private int size;

        Failures(int max) {
            at = new long[Math.min(2, max)];
        }

        void leaveWindow(long cutoff) {
            int gone = 0;
            while (gone < size && at[gone] <= cutoff) {
                gone++;
            }
            if (gone > 0) {
                System.arraycopy(at, gone, at, 0, size - gone);
                size -= gone;
            }
        }

        void add(long time, int max) {
            if (size == max) {
                // requests in flight together may all have passed the check; the newest max decide the wait
                System.arraycopy(at, 1, at, 0, size - 1);
                size--;
            }
            if (size == at.length) {
                at = Arrays.copyOf(at, Math.min(max, at.length * 2));
            }
            at[size++] = time;
        }

        long oldest() {
            return at[0];
        }

        long newest() {
            return at[size - 1];
        }
    }
}
