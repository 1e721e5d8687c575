package dev.tally.token.clientauth;

import dev.tally.kernel.crypto.SecretHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Remembers the {@code jti} of each accepted client assertion until the assertion expires, in the table every token
 * node shares ({@code client_assertion_jti}), so an assertion is accepted once whichever nodes it is sent to. The
 * primary key (tenant, client, SHA-256 of the jti) decides: of two nodes inserting the same jti at once, the one whose
 * insert fails is refusing a replay. Rows whose assertions have expired are deleted once a minute per node.
 */
@Component
public class AssertionReplay {
    private static final Logger LOG = LoggerFactory.getLogger(AssertionReplay.class);
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    public AssertionReplay(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * True the first time this client's {@code jti} is presented before {@code keepUntil}; false for a replay.
     * {@code keepUntil}: the last moment the assertion could still be accepted.
     */
    public boolean firstUse(String tenantId, String clientId, String jti, Instant keepUntil) {
        Instant now = clock.instant();
        pruneIfDue(now);
        String hash = SecretHash.of(jti);
        if (insert(tenantId, clientId, hash, keepUntil)) {
            return true;
        }
        // A row left from an assertion that has expired (not yet pruned) does not make a new one with its jti a replay.
        int expired = jdbc.update("DELETE FROM client_assertion_jti WHERE tenant_id = ? AND client_id = ? AND jti_hash = ? "
                + "AND expires_at < ?", tenantId, clientId, hash, utc(now));
        return expired > 0 && insert(tenantId, clientId, hash, keepUntil);
    }

    private boolean insert(String tenantId, String clientId, String hash, Instant keepUntil) {
        try {
            jdbc.update("INSERT INTO client_assertion_jti (tenant_id, client_id, jti_hash, expires_at) VALUES (?, ?, ?, ?)",
                    tenantId, clientId, hash, utc(keepUntil.truncatedTo(ChronoUnit.MICROS)));
            return true;
        } catch (DuplicateKeyException replay) {
            return false;
        }
    }

    /** Housekeeping only (an expired row cannot make a live assertion a replay): failures are logged and retried later. */
    private void pruneIfDue(Instant now) {
        Instant due = nextPrune.get();
        if (now.isBefore(due) || !nextPrune.compareAndSet(due, now.plus(PRUNE_INTERVAL))) {
            return;
        }
        try {
            // No batch limit: rows live at most an assertion's lifetime (minutes), so one minute's expiries are few.
            jdbc.update("DELETE FROM client_assertion_jti WHERE expires_at < ?", utc(now));
        } catch (DataAccessException e) {
            LOG.warn("expired client assertion ids were not deleted this time: {}", e.getMessage());
        }
    }

    int rows() {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM client_assertion_jti", Integer.class);
        return n == null ? 0 : n;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
