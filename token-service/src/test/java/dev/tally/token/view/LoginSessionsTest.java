package dev.tally.token.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.session.SessionCommands;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.Test;

/**
 * {@link LoginSessions}: a session is found by its cookie through the id the cookie gives, read from the store and
 * checked against the cookie's hash; the node keeps a bounded number; sessions with the random ids of before are held
 * as they were; a checkpoint keeps only those.
 */
class LoginSessionsTest {
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    private final Map<String, SessionStarted> store = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final LoginSessions.Source source = id -> {
        reads.incrementAndGet();
        return Optional.ofNullable(store.get(id));
    };

    private static SessionStarted started(String sessionId, String tenant, String cookie) {
        return new SessionStarted(sessionId, tenant, "usr_1", "app", SecretHash.of(cookie), T0, 3600, 86400,
                T0.plusSeconds(3600), T0.plusSeconds(86400));
    }

    private String start(LoginSessions sessions, String tenant, String cookie) {
        String id = SessionCommands.sessionIdFor(cookie);
        store.put(id, started(id, tenant, cookie));
        sessions.apply(new GenericDomainEventMessage<>("Session", id, 0, store.get(id)));
        return id;
    }

    @Test
    void aCookieFindsItsOwnSessionOnlyInItsOwnTenant() {
        LoginSessions sessions = new LoginSessions(source, 100);
        String id = start(sessions, "acme", "cookie-1");
        assertThat(sessions.byCookie("acme", "cookie-1")).hasValueSatisfying(s -> assertThat(s.sessionId()).isEqualTo(id));
        assertThat(sessions.byCookie("globex", "cookie-1")).isEmpty();
        assertThat(sessions.byCookie("acme", "cookie-2")).isEmpty();
        assertThat(sessions.byCookie("acme", null)).isEmpty();
    }

    @Test
    void aStoredSessionWhoseCookieHashDiffersIsNotTheCookiesSession() {
        // an id can only be reached through its cookie, but the hash the session recorded is what decides
        LoginSessions sessions = new LoginSessions(source, 100);
        String id = SessionCommands.sessionIdFor("cookie-3");
        store.put(id, started(id, "acme", "some other cookie"));
        assertThat(sessions.byCookie("acme", "cookie-3")).isEmpty();
    }

    @Test
    void holdsAtMostTheCacheSize() {
        LoginSessions sessions = new LoginSessions(source, 4);
        for (int i = 0; i < 50; i++) {
            start(sessions, "acme", "cookie-" + i);
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 50; i++) {
                assertThat(sessions.byCookie("acme", "cookie-" + i)).as("session %d", i).isPresent();
                assertThat(sessions.cached()).isLessThanOrEqualTo(4);
            }
        }
        assertThat(reads.get()).isGreaterThanOrEqualTo(100 - 4);
    }

    @Test
    void anEndEvictsSoTheSessionIsReadAgainAndItsAggregateDecides() {
        LoginSessions sessions = new LoginSessions(source, 100);
        String id = start(sessions, "acme", "cookie-4");
        sessions.byCookie("acme", "cookie-4");
        int before = reads.get();
        sessions.apply(new GenericDomainEventMessage<>("Session", id, 1, new SessionExpired(id, "acme", "usr_1",
                SessionEndReason.IDLE, T0.plusSeconds(3600), T0.plusSeconds(3600))));
        assertThat(sessions.byCookie("acme", "cookie-4")).isPresent();
        assertThat(reads.get() - before).as("read from the store again after the end").isEqualTo(1);
    }

    @Test
    void aSessionWithARandomIdFromBeforeIsHeldAndForgottenAsItWas() {
        LoginSessions sessions = new LoginSessions(source, 100);
        String legacy = SessionCommands.newSessionId();
        assertThat(SessionCommands.followsCookie(legacy)).isFalse();
        var startedEvent = new GenericDomainEventMessage<>("Session", legacy, 0, started(legacy, "acme", "old-cookie"));
        assertThat(LoginSessions.held(startedEvent)).isTrue();
        sessions.apply(startedEvent);
        assertThat(sessions.byCookie("acme", "old-cookie")).hasValueSatisfying(s -> assertThat(s.sessionId()).isEqualTo(legacy));
        sessions.apply(new GenericDomainEventMessage<>("Session", legacy, 1, new SessionExpired(legacy, "acme", "usr_1",
                SessionEndReason.IDLE, T0.plusSeconds(3600), T0.plusSeconds(3600))));
        assertThat(sessions.byCookie("acme", "old-cookie")).isEmpty();

        String id = SessionCommands.sessionIdFor("new-cookie");
        assertThat(SessionCommands.followsCookie(id)).isTrue();
        assertThat(LoginSessions.held(new GenericDomainEventMessage<>("Session", id, 0, started(id, "acme", "new-cookie"))))
                .as("a checkpoint keeps no session whose id follows its cookie").isFalse();
    }

    @Test
    void theIdRevealsNotTheCookieHashTheSessionRecords() {
        String id = SessionCommands.sessionIdFor("cookie-5");
        assertThat(id).startsWith("ses_").hasSize(36);
        assertThat(SecretHash.of("cookie-5")).doesNotContain(id.substring(4));
        assertThat(SessionCommands.sessionIdFor("cookie-5")).isEqualTo(id);
        assertThat(SessionCommands.sessionIdFor("cookie-6")).isNotEqualTo(id);
    }
}
