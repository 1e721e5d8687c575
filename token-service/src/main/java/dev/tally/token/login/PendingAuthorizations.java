package dev.tally.token.login;

import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.crypto.SecretHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Authorization requests waiting for the user to log in. Each is bound to the browser that started it (a cookie,
 * kept here only as its hash) and carries a CSRF token for its form; a form posted without both is refused, so
 * another site cannot log a victim's browser in (login CSRF). Kept in memory for ten minutes: a login that takes
 * longer starts again.
 */
@Component
public class PendingAuthorizations {
    static final Duration TIME_TO_LIVE = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 100_000;

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Clock clock;

    public PendingAuthorizations(Clock clock) {
        this.clock = clock;
    }

    public record Pending(String id, String tenantId, AuthorizationRequest request, String csrfToken,
                          String browserBindingHash, Instant createdAt) {
    }

    /** Stores the request; answers the new entry. {@code browserBinding} is the login cookie's value. */
    public Pending add(String tenantId, AuthorizationRequest request, String browserBinding) {
        Instant now = clock.instant();
        if (pending.size() > MAX_PENDING / 2) {
            pending.values().removeIf(p -> expired(p, now));
        }
        if (pending.size() >= MAX_PENDING) {
            throw new IllegalStateException("too many logins in progress");
        }
        Pending p = new Pending(RandomTokens.urlSafe(24), tenantId, request, RandomTokens.urlSafe(24),
                SecretHash.of(browserBinding), now);
        pending.put(p.id(), p);
        return p;
    }

    /** The pending request if it exists, is fresh, belongs to this tenant and this browser, and the CSRF token matches. */
    public Optional<Pending> find(String tenantId, String id, String csrfToken, String browserBinding) {
        if (id == null || csrfToken == null || browserBinding == null) {
            return Optional.empty();
        }
        Pending p = pending.get(id);
        if (p == null || expired(p, clock.instant())) {
            return Optional.empty();
        }
        boolean ok = p.tenantId().equals(tenantId)
                && java.security.MessageDigest.isEqual(p.csrfToken().getBytes(), csrfToken.getBytes())
                && SecretHash.matches(browserBinding, p.browserBindingHash());
        return ok ? Optional.of(p) : Optional.empty();
    }

    public void remove(String id) {
        pending.remove(id);
    }

    private static boolean expired(Pending p, Instant now) {
        return p.createdAt().plus(TIME_TO_LIVE).isBefore(now);
    }
}
