package dev.tally.command.session;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.tally.command.catalog.TenantDirectory;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.session.SessionCommands.ExpireSession;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionCommands.StartSession;
import dev.tally.kernel.session.SessionCommands.UseSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.kernel.session.SessionUse;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A user's login session. It alone decides whether it is alive, from its own events and the injected clock: a
 * background sweep only records expiries that a use would also have noticed. An ended session is never deleted:
 * it stays loadable and answers every later use with why it ended.
 */
@Aggregate
public class Session {
    private static final Set<SessionEndReason> REVOCATIONS = EnumSet.of(SessionEndReason.LOGOUT,
            SessionEndReason.ADMINISTRATOR, SessionEndReason.PERMISSION_CHANGE, SessionEndReason.REFRESH_TOKEN_REUSE);

    @AggregateIdentifier
    private String sessionId;
    private String tenantId;
    private String userId;
    private Instant startedAt;
    private long idleTimeout;
    private Instant idleDeadline;
    private Instant absoluteDeadline;
    private Instant lastRecordedActivity;
    private SessionEndReason endReason;

    protected Session() {
    }

    /** The timeouts come computed from the token service; nonsense there is a bug, not an input error. */
    @CommandHandler
    public Session(StartSession command, TenantDirectory directory, Clock clock) {
        if (!directory.tenantActive(command.tenantId())) {
            throw new NotFound("tenant '" + command.tenantId() + "' does not exist");
        }
        requirePresent("sessionId", command.sessionId());
        requirePresent("userId", command.userId());
        requirePresent("clientId", command.clientId());
        if (command.cookieHash() == null || !command.cookieHash().matches("[0-9a-f]{64}")) {
            // Guards against the cookie itself being handed over: the history is readable by every operator.
            throw new IllegalArgumentException("cookieHash must be the SHA-256 of the cookie, in lower-case hex");
        }
        if (command.idleTimeout() <= 0 || command.absoluteTimeout() <= 0) {
            throw new IllegalArgumentException("session timeouts must be positive, got idle " + command.idleTimeout()
                    + " s and absolute " + command.absoluteTimeout() + " s");
        }
        if (command.idleTimeout() > command.absoluteTimeout()) {
            throw new IllegalArgumentException("the idle timeout (" + command.idleTimeout()
                    + " s) must not exceed the absolute timeout (" + command.absoluteTimeout() + " s)");
        }
        Instant now = clock.instant();
        Instant absolute = now.plusSeconds(command.absoluteTimeout());
        apply(new SessionStarted(command.sessionId(), command.tenantId(), command.userId(), command.clientId(),
                command.cookieHash(), now, command.idleTimeout(), command.absoluteTimeout(),
                earlier(now.plusSeconds(command.idleTimeout()), absolute), absolute));
    }

    /**
     * Answers whether the session is alive. An expiry found here is recorded and answered, not thrown, so it is
     * committed. Activity is recorded at most once per interval; between records the idle deadline keeps sliding
     * from the last recorded activity, so it is exact to the interval.
     */
    @CommandHandler
    SessionUse handle(UseSession command, Clock clock) {
        requireSameTenant(command.tenantId());
        if (command.activityInterval() < 0) {
            throw new IllegalArgumentException("activityInterval must not be negative, got " + command.activityInterval());
        }
        Instant now = clock.instant();
        if (endReason != null || expireIfDue(now)) {
            return answer(false);
        }
        // An interval as long as the idle timeout would let a session in steady use expire; at most half of it
        // keeps the effective idle timeout at least half the configured one.
        long interval = Math.min(command.activityInterval(), idleTimeout / 2);
        if (!now.isBefore(lastRecordedActivity.plusSeconds(interval))) {
            apply(new SessionExtended(sessionId, tenantId, userId, command.clientId(), now,
                    earlier(now.plusSeconds(idleTimeout), absoluteDeadline)));
        }
        return answer(true);
    }

    /** The sweeper's command: idempotent, and a no-op before a deadline. */
    @CommandHandler
    void handle(ExpireSession command, Clock clock) {
        requireSameTenant(command.tenantId());
        if (endReason == null) {
            expireIfDue(clock.instant());
        }
    }

    /**
     * Idempotent. A session already past a deadline has ended by then, so it is recorded as expired, not as
     * revoked: the history then says when and why it really ended. The command's cause, if any, is recorded with
     * the revocation.
     */
    @CommandHandler
    void handle(RevokeSession command, Clock clock) {
        requireSameTenant(command.tenantId());
        if (command.reason() == null || !REVOCATIONS.contains(command.reason())) {
            throw new IllegalArgumentException("a session is revoked for one of " + REVOCATIONS + ", not " + command.reason());
        }
        Instant now = clock.instant();
        if (endReason == null && !expireIfDue(now)) {
            apply(new SessionRevoked(sessionId, tenantId, userId, command.reason(), now, command.cause()));
        }
    }

    /** Records the expiry if a deadline has passed (the absolute one first); true if it did. */
    private boolean expireIfDue(Instant now) {
        if (!now.isBefore(absoluteDeadline)) {
            apply(new SessionExpired(sessionId, tenantId, userId, SessionEndReason.ABSOLUTE, absoluteDeadline, now));
            return true;
        }
        if (!now.isBefore(idleDeadline)) {
            apply(new SessionExpired(sessionId, tenantId, userId, SessionEndReason.IDLE, idleDeadline, now));
            return true;
        }
        return false;
    }

    private SessionUse answer(boolean alive) {
        return new SessionUse(sessionId, userId, alive, startedAt, idleDeadline, absoluteDeadline, endReason);
    }

    @EventSourcingHandler
    void on(SessionStarted event) {
        this.sessionId = event.sessionId();
        this.tenantId = event.tenantId();
        this.userId = event.userId();
        this.startedAt = event.startedAt();
        this.idleTimeout = event.idleTimeout();
        this.idleDeadline = event.idleDeadline();
        this.absoluteDeadline = event.absoluteDeadline();
        this.lastRecordedActivity = event.startedAt();
    }

    @EventSourcingHandler
    void on(SessionExtended event) {
        this.idleDeadline = event.idleDeadline();
        this.lastRecordedActivity = event.at();
    }

    @EventSourcingHandler
    void on(SessionExpired event) {
        this.endReason = event.reason();
    }

    @EventSourcingHandler
    void on(SessionRevoked event) {
        this.endReason = event.reason();
    }

    /** A session of another tenant is, to this tenant, a session that does not exist. */
    private void requireSameTenant(String commandTenant) {
        if (!tenantId.equals(commandTenant)) {
            throw new NotFound("no such session in tenant '" + commandTenant + "'");
        }
    }

    private static void requirePresent(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
