package dev.tally.query.state;

import static dev.tally.query.Fixtures.familyRevoked;
import static dev.tally.query.Fixtures.familyStarted;
import static dev.tally.query.Fixtures.rotated;
import static dev.tally.query.Fixtures.sessionExtended;
import static dev.tally.query.Fixtures.sessionRevoked;
import static dev.tally.query.Fixtures.sessionStarted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyExpired;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenReplayed;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenUsed;
import dev.tally.kernel.refresh.RefreshEvents.ReuseDetected;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.query.Fixtures;
import java.time.Instant;
import java.util.List;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.Test;

/** The folding shared by the session and family views and by time travel. */
class StateFoldingTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void aSessionFoldsToItsLastActivityAndEndsOnceWithItsCause() {
        RevocationCause cause = new RevocationCause(RevocationCause.LOGOUT, "ses_1");
        SessionState s = SessionState.fold(List.of(
                sessionStarted("acme", "ses_1", "usr_1", "cli", T0),
                sessionExtended("acme", "ses_1", "usr_1", "cli", T0.plusSeconds(600)),
                sessionRevoked("acme", "ses_1", "usr_1", T0.plusSeconds(900), cause),
                // a second end changes nothing: the session ended once
                new SessionExpired("ses_1", "acme", "usr_1", SessionEndReason.IDLE, T0.plusSeconds(4200), T0.plusSeconds(4300))));
        assertThat(s.status()).isEqualTo(SessionState.REVOKED);
        assertThat(s.lastActivityAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(s.idleDeadline()).isEqualTo(T0.plusSeconds(4200));
        assertThat(s.endedAt()).isEqualTo(T0.plusSeconds(900));
        assertThat(s.endReason()).isEqualTo("logout");
        assertThat(s.causeKind()).isEqualTo("logout");
        assertThat(s.causeReference()).isEqualTo("ses_1");
    }

    @Test
    void anExpiryRecordedLateEndsTheSessionAtItsDeadline() {
        SessionState s = SessionState.fold(List.of(sessionStarted("acme", "ses_1", "usr_1", "cli", T0),
                new SessionExpired("ses_1", "acme", "usr_1", SessionEndReason.IDLE, T0.plusSeconds(3600), T0.plusSeconds(3700))));
        assertThat(s.status()).isEqualTo(SessionState.EXPIRED);
        assertThat(s.endedAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(s.endReason()).isEqualTo("idle");
    }

    @Test
    void aSessionPastItsDeadlineIsExpiredAsOfThenEvenBeforeTheSweeperRecordsIt() {
        SessionState s = SessionState.fold(List.of(sessionStarted("acme", "ses_1", "usr_1", "cli", T0)));
        assertThat(s.asOf(T0.plusSeconds(3599)).status()).isEqualTo(SessionState.ACTIVE);
        SessionState idle = s.asOf(T0.plusSeconds(3600));
        assertThat(idle.status()).isEqualTo(SessionState.EXPIRED);
        assertThat(idle.endReason()).isEqualTo("idle");
        assertThat(idle.endedAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(s.asOf(T0.plusSeconds(86400)).endReason()).isEqualTo("absolute");
    }

    @Test
    void aFamilyCountsGenerationsLikeTheAggregateFromOne() {
        FamilyState started = FamilyState.fold(List.of(familyStarted("acme", "rtf_1", "usr_1", "cli", "ses_1", T0)));
        assertThat(started.generation()).isEqualTo(1);
        assertThat(started.rotation()).isEqualTo("rotate-sliding");
        assertThat(started.lastUsedAt()).isNull();

        FamilyState twice = FamilyState.fold(List.of(familyStarted("acme", "rtf_1", "usr_1", "cli", "ses_1", T0),
                rotated("acme", "rtf_1", "usr_1", "cli", 2, T0.plusSeconds(60)),
                rotated("acme", "rtf_1", "usr_1", "cli", 3, T0.plusSeconds(120)),
                new RefreshTokenUsed("rtf_1", "acme", "cli", "usr_1", T0.plusSeconds(130), T0.plusSeconds(3730), "j")));
        assertThat(twice.generation()).isEqualTo(3);
        assertThat(twice.lastUsedAt()).isEqualTo(T0.plusSeconds(130));
        assertThat(twice.idleExpiresAt()).isEqualTo(T0.plusSeconds(3730));
        assertThat(twice.expiresAt()).isEqualTo(T0.plusSeconds(120 + 86400));
    }

    /** A replay of the previous token hands out the current one again: a use, not a generation. */
    @Test
    void aReplayWithinTheLeewayIsAUseThatKeepsTheGeneration() {
        FamilyState f = FamilyState.fold(List.of(familyStarted("acme", "rtf_1", "usr_1", "cli", "ses_1", T0),
                rotated("acme", "rtf_1", "usr_1", "cli", 2, T0.plusSeconds(60)),
                new RefreshTokenReplayed("rtf_1", "acme", "cli", "usr_1", 2, "h1", T0.plusSeconds(61),
                        T0.plusSeconds(3661), "jti-replay")));
        assertThat(f.generation()).isEqualTo(2);
        assertThat(f.lastUsedAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(f.idleExpiresAt()).isEqualTo(T0.plusSeconds(3661));
        assertThat(f.expiresAt()).as("the absolute deadline is the rotation's").isEqualTo(T0.plusSeconds(60 + 86400));
        assertThat(f.status()).isEqualTo(SessionState.ACTIVE);
    }

    @Test
    void aReusedFamilyEndsRevokedWithItsCauseAndLaterEndsChangeNothing() {
        FamilyState f = FamilyState.fold(List.of(familyStarted("acme", "rtf_1", "usr_1", "cli", "ses_1", T0),
                rotated("acme", "rtf_1", "usr_1", "cli", 2, T0.plusSeconds(60)),
                new ReuseDetected("rtf_1", "acme", "cli", "usr_1", "ses_1", 1, 2, T0.plusSeconds(70)),
                familyRevoked("acme", "rtf_1", "usr_1", "ses_1", T0.plusSeconds(70),
                        new RevocationCause(RevocationCause.REFRESH_TOKEN_REUSE, "rtf_1")),
                new RefreshTokenFamilyExpired("rtf_1", "acme", "usr_1", FamilyEndReason.IDLE, T0.plusSeconds(3660),
                        T0.plusSeconds(3700))));
        assertThat(f.status()).isEqualTo(SessionState.REVOKED);
        assertThat(f.generation()).isEqualTo(2);
        assertThat(f.endedAt()).isEqualTo(T0.plusSeconds(70));
        assertThat(f.causeKind()).isEqualTo("refresh_token_reuse");
    }

    @Test
    void timeTravelFoldsOnlyWhatHadHappenedAndSeesTheFamilyAtItsSecondGeneration() {
        EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
        try {
            List<Object> events = List.of(familyStarted("acme", "rtf_1", "usr_1", "cli", "ses_1", T0),
                    rotated("acme", "rtf_1", "usr_1", "cli", 2, T0.plusSeconds(60)),
                    rotated("acme", "rtf_1", "usr_1", "cli", 3, T0.plusSeconds(120)),
                    familyRevoked("acme", "rtf_1", "usr_1", "ses_1", T0.plusSeconds(180), null));
            for (int i = 0; i < events.size(); i++) {
                store.publish(new GenericDomainEventMessage<>("RefreshTokenFamily", "rtf_1", i, events.get(i)));
            }
            store.publish(new GenericDomainEventMessage<>("Session", "ses_1", 0,
                    Fixtures.sessionStarted("acme", "ses_1", "usr_1", "cli", T0)));
            TimeTravel travel = new TimeTravel(store);

            assertThat(travel.family("acme", "rtf_1", T0.minusSeconds(1))).isEmpty();
            assertThat(travel.family("acme", "rtf_1", T0).orElseThrow().generation()).isEqualTo(1);
            FamilyState between = travel.family("acme", "rtf_1", T0.plusSeconds(90)).orElseThrow();
            assertThat(between.generation()).isEqualTo(2);
            assertThat(between.status()).isEqualTo(SessionState.ACTIVE);
            assertThat(between.lastUsedAt()).isEqualTo(T0.plusSeconds(60));
            assertThat(travel.family("acme", "rtf_1", T0.plusSeconds(180)).orElseThrow().status())
                    .isEqualTo(SessionState.REVOKED);
            // another tenant's family, and an id of another kind, do not exist here
            assertThat(travel.family("other", "rtf_1", T0.plusSeconds(90))).isEmpty();
            assertThat(travel.family("acme", "ses_1", T0.plusSeconds(90))).isEmpty();
            // a session nobody used is expired as of a time past its idle deadline
            assertThat(travel.session("acme", "ses_1", T0.plusSeconds(7200)).orElseThrow().status())
                    .isEqualTo(SessionState.EXPIRED);
            assertThat(travel.session("acme", "ses_1", T0.plusSeconds(60)).orElseThrow().status())
                    .isEqualTo(SessionState.ACTIVE);
        } finally {
            store.shutDown();
        }
    }
}
