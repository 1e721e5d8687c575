package dev.tally.token.login;

import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.crypto.SecretHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Authorization requests waiting for the user to log in. Each is bound to the browser that started it (a cookie,
 * kept here only as its hash) and carries a CSRF token for its form; a form posted without both is refused, so
 * another site cannot log a victim's browser in (login CSRF). Kept ten minutes in the database every token-service
 * node shares ({@code pending_authorization}), so a form shown by one node can be posted to another; a login that
 * takes longer starts again. A form is used once: the login that succeeds with it {@link #consume consumes} it, and
 * of two nodes doing so at once only one does.
 */
@Component
public class PendingAuthorizations {
    private static final Logger LOG = LoggerFactory.getLogger(PendingAuthorizations.class);
    static final Duration TIME_TO_LIVE = Duration.ofMinutes(10);
    /** Live forms beyond which new ones are refused, so a flood of authorize requests cannot fill the database. */
    static final int MAX_PENDING = 100_000;
    /** Expired forms are deleted at most this often by one node, a batch at a time, while some remain. */
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
    static final int PRUNE_BATCH = 1_000;

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final int maxPending;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    @Autowired
    public PendingAuthorizations(JdbcTemplate jdbc, Clock clock) {
        this(jdbc, clock, MAX_PENDING);
    }

    PendingAuthorizations(JdbcTemplate jdbc, Clock clock, int maxPending) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.maxPending = maxPending;
    }

    public record Pending(String id, String tenantId, AuthorizationRequest request, String csrfToken,
                          String browserBindingHash, Instant createdAt) {
    }

    /**
     * Stores the request; answers the new entry. {@code browserBinding} is the login cookie's value.
     *
     * @throws LoginStateUnavailable when {@value #MAX_PENDING} forms are already waiting (all nodes together): the
     *                               page says to try again shortly, a 503
     */
    public Pending add(String tenantId, AuthorizationRequest request, String browserBinding) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try {
            pruneIfDue(now);
            Integer live = jdbc.queryForObject("SELECT COUNT(*) FROM pending_authorization WHERE created_at >= ?",
                    Integer.class, utc(now.minus(TIME_TO_LIVE)));
            if (live != null && live >= maxPending) {
                throw new LoginStateUnavailable("too many logins in progress");
            }
            Pending p = new Pending(RandomTokens.urlSafe(24), tenantId, request, RandomTokens.urlSafe(24),
                    SecretHash.of(browserBinding), now);
            jdbc.update("INSERT INTO pending_authorization (id, tenant_id, client_id, redirect_uri, scopes, state, nonce, "
                            + "code_challenge, prompt, max_age, audience, csrf_token, browser_binding_hash, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    p.id(), p.tenantId(), request.clientId(), request.redirectUri(), joined(request.scopes()),
                    request.state(), request.nonce(), request.codeChallenge(), joined(request.prompt()), request.maxAge(),
                    request.audience(), p.csrfToken(), p.browserBindingHash(), utc(now));
            return p;
        } catch (DataAccessException e) {
            throw new LoginStateUnavailable("the login form could not be stored", e);
        }
    }

    /** The pending request if it exists, is fresh, belongs to this tenant and this browser, and the CSRF token matches. */
    public Optional<Pending> find(String tenantId, String id, String csrfToken, String browserBinding) {
        if (id == null || csrfToken == null || browserBinding == null) {
            return Optional.empty();
        }
        Pending p;
        try {
            p = jdbc.query("SELECT * FROM pending_authorization WHERE id = ?", PendingAuthorizations::pending, id)
                    .stream().findFirst().orElse(null);
        } catch (DataAccessException e) {
            throw new LoginStateUnavailable("the login form could not be read", e);
        }
        if (p == null || expired(p, clock.instant())) {
            return Optional.empty();
        }
        boolean ok = p.tenantId().equals(tenantId)
                && MessageDigest.isEqual(p.csrfToken().getBytes(StandardCharsets.UTF_8), csrfToken.getBytes(StandardCharsets.UTF_8))
                && SecretHash.matches(browserBinding, p.browserBindingHash());
        return ok ? Optional.of(p) : Optional.empty();
    }

    /**
     * Uses the form up: true for the one caller, on any node, whose delete removed it; false if it was already gone
     * (used by a login that won on another node, or removed). Only the caller answered true may go on to log in.
     */
    public boolean consume(String id) {
        try {
            return jdbc.update("DELETE FROM pending_authorization WHERE id = ?", id) == 1;
        } catch (DataAccessException e) {
            throw new LoginStateUnavailable("the login form could not be used", e);
        }
    }

    /** Forgets the form, whoever had it. */
    public void remove(String id) {
        consume(id);
    }

    /**
     * Deletes a batch of forms past their ten minutes. At most once per {@link #PRUNE_INTERVAL} on this node unless
     * the batch was full (more are waiting). Housekeeping only ({@link #find} and the cap ignore expired forms): a
     * failure here, such as two nodes' deletes colliding, is logged and left for the next time.
     */
    private void pruneIfDue(Instant now) {
        Instant due = nextPrune.get();
        if (now.isBefore(due) || !nextPrune.compareAndSet(due, now.plus(PRUNE_INTERVAL))) {
            return;
        }
        try {
            int deleted = jdbc.update("DELETE FROM pending_authorization WHERE id IN (SELECT id FROM pending_authorization "
                    + "WHERE created_at < ? LIMIT ?)", utc(now.minus(TIME_TO_LIVE)), PRUNE_BATCH);
            if (deleted >= PRUNE_BATCH) {
                nextPrune.set(now);
            }
        } catch (DataAccessException e) {
            LOG.warn("expired login forms were not deleted this time: {}", e.getMessage());
        }
    }

    private static boolean expired(Pending p, Instant now) {
        return p.createdAt().plus(TIME_TO_LIVE).isBefore(now);
    }

    private static Pending pending(ResultSet rs, int row) throws SQLException {
        Long maxAge = rs.getObject("max_age", Long.class);
        AuthorizationRequest request = new AuthorizationRequest(rs.getString("client_id"), rs.getString("redirect_uri"),
                split(rs.getString("scopes")), rs.getString("state"), rs.getString("nonce"), rs.getString("code_challenge"),
                Set.copyOf(split(rs.getString("prompt"))), maxAge, rs.getString("audience"));
        return new Pending(rs.getString("id"), rs.getString("tenant_id"), request, rs.getString("csrf_token"),
                rs.getString("browser_binding_hash"), rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    /** Scopes and prompt values never contain a space (the request is split on spaces when validated). */
    private static String joined(java.util.Collection<String> values) {
        return values == null || values.isEmpty() ? null : String.join(" ", values);
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.copyOf(new LinkedHashSet<>(Arrays.asList(joined.split(" "))));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
