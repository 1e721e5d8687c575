package dev.tally.command.refresh;

import static dev.tally.kernel.refresh.FamilyEndReason.ABSOLUTE;
import static dev.tally.kernel.refresh.FamilyEndReason.IDLE;
import static dev.tally.kernel.refresh.FamilyEndReason.LOGOUT;
import static dev.tally.kernel.refresh.FamilyEndReason.REUSE;
import static dev.tally.kernel.refresh.FamilyEndReason.REVOKED_BY_CLIENT;
import static dev.tally.kernel.refresh.RefreshCommands.MAX_LEEWAY_SUCCESSES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.ExpireRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.IssuanceRecords;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyExpired;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenReplayed;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenUsed;
import dev.tally.kernel.refresh.RefreshEvents.ReuseDetected;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.ResultValidator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RefreshTokenFamilyTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String FAMILY = "rtf_1";
    static final String SCOPE = "openid offline_access";
    static final String AUDIENCE = "https://api.example.com";
    static final long ABSOLUTE_LIFETIME = Duration.ofDays(30).toSeconds();
    static final long IDLE_LIFETIME = Duration.ofDays(7).toSeconds();
    static final long LEEWAY = 60;

    private AggregateTestFixture<RefreshTokenFamily> fixture;
    private MutableClock clock;
    /** Events recorded so far in a multi-step case; each step runs given all of them. */
    private final List<Object> history = new ArrayList<>();
    /** What the store says about the family beyond the fixture's history: nothing, unless a test says otherwise. */
    private final List<String> storeQueries = new ArrayList<>();
    private long storedLastSequence = -1;
    /** Tokens (by hash) that the family's older history, read from the store, shows; with their generations. */
    private final List<String> generationQueries = new ArrayList<>();
    private final Map<String, Integer> issuedElsewhere = new HashMap<>();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(RefreshTokenFamily.class);
        clock = new MutableClock(NOW);
        fixture.registerInjectableResource(new InMemoryTenantDirectory().withTenant("acme").withTenant("globex")
                .withDeletedTenant("initech"));
        fixture.registerInjectableResource(clock);
        fixture.registerInjectableResource(new RotationRecords(fixture.getEventStore()));
        fixture.registerInjectableResource(new FamilyHistory() {
            @Override
            public boolean movedPast(String familyId, long version) {
                storeQueries.add(familyId + "@" + version);
                return storedLastSequence > version;
            }

            /** What the store would answer: the recorded history, and any token another node issued since. */
            @Override
            public OptionalInt generationOf(String familyId, String tokenHash) {
                generationQueries.add(tokenHash);
                for (Object event : history) {
                    if (event instanceof RefreshTokenFamilyStarted e && e.tokenHash().equals(tokenHash)) {
                        return OptionalInt.of(1);
                    }
                    if (event instanceof TokenRotated e && e.newTokenHash().equals(tokenHash)) {
                        return OptionalInt.of(e.generation());
                    }
                }
                Integer elsewhere = issuedElsewhere.get(tokenHash);
                return elsewhere == null ? OptionalInt.empty() : OptionalInt.of(elsewhere);
            }
        });
    }

    // --- start

    @Test
    void startFamilyThenStartedWithGenerationOneAndBothDeadlines() {
        fixture.givenNoPriorActivity()
                .when(start(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY))
                .expectEvents(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
    }

    @Test
    void startFamilyWithoutIdleLifetimeThenNoIdleDeadline() {
        fixture.givenNoPriorActivity()
                .when(start(RotationMode.ROTATE, 0, 0))
                .expectEvents(new RefreshTokenFamilyStarted(FAMILY, "acme", "app", "usr_1", "ses_1", token(1), SCOPE,
                        AUDIENCE, RotationMode.ROTATE, ABSOLUTE_LIFETIME, 0, 0, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), null));
    }

    @Test
    void startFamilyWhenIdleLifetimeExceedsTheAbsoluteThenIdleDeadlineIsTheAbsoluteOne() {
        fixture.givenNoPriorActivity()
                .when(new StartRefreshTokenFamily(FAMILY, "acme", "app", "usr_1", "ses_1", token(1), SCOPE, AUDIENCE,
                        RotationMode.ROTATE, 600, 900, 0))
                .expectEvents(new RefreshTokenFamilyStarted(FAMILY, "acme", "app", "usr_1", "ses_1", token(1), SCOPE,
                        AUDIENCE, RotationMode.ROTATE, 600, 900, 0, NOW, NOW.plusSeconds(600), NOW.plusSeconds(600)));
    }

    /** A login that starts a family sends its tokens' records with the start: appended after it, in its unit of work. */
    @Test
    void startFamilyWithIssuanceRecordsThenTheyFollowTheStart() {
        for (String grant : List.of("password", "authorization_code")) {
            IssuanceRecords issued = startRecords(grant, true);

            fixture.givenNoPriorActivity()
                    .when(start(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY, issued))
                    .expectEvents(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY), issued.accessToken(),
                            issued.idToken());
        }
        IssuanceRecords accessOnly = startRecords("password", false);
        fixture.givenNoPriorActivity()
                .when(start(RotationMode.NONE, 0, 0, accessOnly))
                .expectEvents(started(RotationMode.NONE, 0, 0), accessOnly.accessToken());
    }

    /** Records that do not describe the login's tokens of this family are a bug of the sender: nothing is started. */
    @Test
    void startFamilyWithRecordsOfAnotherTokenThenIllegalArgumentAndNothingStarted() {
        AccessTokenIssued good = startRecords("password", false).accessToken();
        IdTokenIssued goodId = startRecords("password", true).idToken();
        List<IssuanceRecords> wrong = List.of(
                new IssuanceRecords(null, goodId),
                new IssuanceRecords(access(good, "globex", "app", "usr_1", "ses_1", FAMILY, "jti-1", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app2", "usr_1", "ses_1", FAMILY, "jti-1", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_2", "ses_1", FAMILY, "jti-1", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_2", FAMILY, "jti-1", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_1", "rtf_2", "jti-1", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_1", FAMILY, null, AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_1", FAMILY, "jti-1", "https://other", SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_1", FAMILY, "jti-1", AUDIENCE, "openid admin"), null),
                new IssuanceRecords(withGrant(good, "refresh_token"), null),
                new IssuanceRecords(withGrant(good, null), null),
                new IssuanceRecords(good, new IdTokenIssued("acme", "id-1", "app", "usr_2", "ses_1", NOW,
                        NOW.plusSeconds(3600), 3600, "tenant", List.of())),
                new IssuanceRecords(good, new IdTokenIssued("acme", "jti-1", "app", "usr_1", "ses_1", NOW,
                        NOW.plusSeconds(3600), 3600, "tenant", List.of())));
        for (IssuanceRecords issued : wrong) {
            fixture.givenNoPriorActivity()
                    .when(start(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY, issued))
                    .expectException(IllegalArgumentException.class)
                    .expectNoEvents();
        }
    }

    @Test
    void startFamilyWhenTenantUnknownOrDeletedThenNotFound() {
        for (String tenant : List.of("nope", "initech")) {
            fixture.givenNoPriorActivity()
                    .when(new StartRefreshTokenFamily(FAMILY, tenant, "app", "usr_1", "ses_1", token(1), SCOPE, AUDIENCE,
                            RotationMode.ROTATE, ABSOLUTE_LIFETIME, IDLE_LIFETIME, 0))
                    .expectException(NotFound.class)
                    .expectNoEvents();
        }
    }

    @Test
    void startFamilyWhenLifetimesAreNonsenseThenIllegalArgument() {
        long[][] lifetimes = {{0, 0, 0}, {-1, 0, 0}, {600, -1, 0}, {600, 0, -1}};
        for (long[] l : lifetimes) {
            fixture.givenNoPriorActivity()
                    .when(new StartRefreshTokenFamily(FAMILY, "acme", "app", "usr_1", "ses_1", token(1), SCOPE, AUDIENCE,
                            RotationMode.ROTATE, l[0], l[1], l[2]))
                    .expectException(IllegalArgumentException.class)
                    .expectNoEvents();
        }
    }

    @Test
    void startFamilyWhenGivenTheTokenInsteadOfItsHashThenIllegalArgument() {
        for (String notAHash : List.of("rtf_1.the-token-itself", token(1).toUpperCase(), token(1).substring(1))) {
            fixture.givenNoPriorActivity()
                    .when(new StartRefreshTokenFamily(FAMILY, "acme", "app", "usr_1", "ses_1", notAHash, SCOPE, AUDIENCE,
                            RotationMode.ROTATE, ABSOLUTE_LIFETIME, IDLE_LIFETIME, 0))
                    .expectException(IllegalArgumentException.class)
                    .expectNoEvents();
        }
    }

    @Test
    void startFamilyWhenIdIsNotARefreshFamilyIdOrRotationMissingThenIllegalArgument() {
        fixture.givenNoPriorActivity()
                .when(new StartRefreshTokenFamily("ses_1", "acme", "app", "usr_1", "ses_1", token(1), SCOPE, AUDIENCE,
                        RotationMode.ROTATE, ABSOLUTE_LIFETIME, IDLE_LIFETIME, 0))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new StartRefreshTokenFamily(FAMILY, "acme", "app", "usr_1", "ses_1", token(1), SCOPE, AUDIENCE,
                        null, ABSOLUTE_LIFETIME, IDLE_LIFETIME, 0))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
    }

    // --- rotation

    @Test
    void rotateCurrentTokenThenRotatedToGenerationTwoAndGranted() {
        clock.advance(Duration.ofMinutes(5));
        Instant now = clock.instant();

        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(rotate(1, 2))
                .expectEvents(rotated(2, 1, 2, false, now, NOW.plusSeconds(ABSOLUTE_LIFETIME), now.plusSeconds(IDLE_LIFETIME)))
                .expectResultMessagePayload(granted(2));
    }

    @Test
    void rotateSeveralTimesThenEachSuccessorIsTheNextGeneration() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        for (int generation = 2; generation <= 4; generation++) {
            clock.advance(Duration.ofHours(1));
            Instant now = clock.instant();
            step(rotate(generation - 1, generation), rotated(generation, generation - 1, generation, false, now,
                    NOW.plusSeconds(ABSOLUTE_LIFETIME), now.plusSeconds(IDLE_LIFETIME)))
                    .expectResultMessagePayload(granted(generation));
        }
    }

    @Test
    void presentAnOlderGenerationThenReuseDetectedFamilyRevokedAndTheCurrentTokenRefusedToo() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        clock.advance(Duration.ofHours(1));
        step(rotate(1, 2), rotated(2, 1, 2, false, clock.instant(), NOW.plusSeconds(ABSOLUTE_LIFETIME),
                clock.instant().plusSeconds(IDLE_LIFETIME)));
        clock.advance(Duration.ofHours(1));
        step(rotate(2, 3), rotated(3, 2, 3, false, clock.instant(), NOW.plusSeconds(ABSOLUTE_LIFETIME),
                clock.instant().plusSeconds(IDLE_LIFETIME)));
        clock.advance(Duration.ofHours(1));
        Instant stolenAt = clock.instant();

        step(rotate(1, 99),
                new ReuseDetected(FAMILY, "acme", "app", "usr_1", "ses_1", 1, 3, stolenAt),
                reuseRevoked(stolenAt))
                .expectResultMessagePayload(new RefreshOutcome(false, false, true,
                        "the refresh token was already used; every token of its family is revoked", "usr_1", "ses_1",
                        null, null, 0));

        clock.advance(Duration.ofSeconds(1));
        step(rotate(3, 4))
                .expectResultMessagePayload(RefreshOutcome.refused("the refresh token was revoked after a reuse"));
    }

    @Test
    void presentThePreviousTokenWithoutLeewayThenReuse() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));

        step(rotate(1, 3),
                new ReuseDetected(FAMILY, "acme", "app", "usr_1", "ses_1", 1, 2, NOW),
                reuseRevoked(NOW));
    }

    // --- leeway: one successor per token

    /**
     * Another tab, or a retry whose answer was lost: the previous token within the leeway gets the same successor as
     * its first use (the token service derives it from the presented token), recorded as a replay; nothing rotates.
     */
    @Test
    void presentThePreviousTokenWithinTheLeewayThenTheSameSuccessorIsHandedOutAgainAndNothingRotates() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        Instant rotatedAt = NOW.plusSeconds(600);
        clock.set(rotatedAt);
        step(rotate(1, 2), rotated(2, 1, 2, false, rotatedAt, NOW.plusSeconds(ABSOLUTE_LIFETIME),
                rotatedAt.plusSeconds(IDLE_LIFETIME)));

        clock.set(rotatedAt.plusSeconds(LEEWAY - 1));
        Instant retry = clock.instant();
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-retry"),
                new RefreshTokenReplayed(FAMILY, "acme", "app", "usr_1", 2, token(1), retry,
                        retry.plusSeconds(IDLE_LIFETIME), "jti-retry"))
                .expectResultMessagePayload(replayed(2));
        // the successor is still the current token: it rotates as if the replay had not happened
        step(inspect(2)).expectResultMessagePayload(new RefreshTokenIntrospection(true, "app", "usr_1", "ses_1", SCOPE,
                AUDIENCE, rotatedAt, retry.plusSeconds(IDLE_LIFETIME)));
        step(rotate(2, 3), rotated(3, 2, 3, false, retry, NOW.plusSeconds(ABSOLUTE_LIFETIME),
                retry.plusSeconds(IDLE_LIFETIME))).expectResultMessagePayload(granted(3));
        assertThat(generationQueries).as("the current and the previous token need no history").isEmpty();
    }

    /** The leeway runs from the rotation that replaced the token, not from the replays. */
    @Test
    void presentThePreviousTokenAtTheEndOfTheLeewayThenReuseEvenAfterReplays() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        clock.set(NOW.plusSeconds(LEEWAY - 1));
        step(rotate(1, 2), replay(2, clock.instant(), "jti-2"));

        clock.set(NOW.plusSeconds(LEEWAY));
        step(rotate(1, 2),
                new ReuseDetected(FAMILY, "acme", "app", "usr_1", "ses_1", 1, 2, clock.instant()),
                reuseRevoked(clock.instant()));
    }

    @Test
    void presentThePreviousTokenAfterTheLeewayThenReuse() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        clock.advance(Duration.ofSeconds(LEEWAY + 1));

        step(rotate(1, 2),
                new ReuseDetected(FAMILY, "acme", "app", "usr_1", "ses_1", 1, 2, clock.instant()),
                reuseRevoked(clock.instant()))
                .expectResultMessagePayload(new RefreshOutcome(false, false, true,
                        "the refresh token was already used; every token of its family is revoked", "usr_1", "ses_1",
                        null, null, 0));
    }

    /** Two generations back is reuse even within the leeway: only the previous token has a successor to hand out. */
    @Test
    void presentATokenOlderThanThePreviousWithinTheLeewayThenReuseFoundInTheStoredHistory() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        step(rotate(2, 3), rotated(3, 2, 3, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));

        step(rotate(1, 2),
                new ReuseDetected(FAMILY, "acme", "app", "usr_1", "ses_1", 1, 3, NOW),
                reuseRevoked(NOW));
        assertThat(generationQueries).containsExactly(token(1));
    }

    @Test
    void presentThePreviousTokenWithinTheLeewayMoreThanTheBoundThenRefusedWithoutRevocationAndCurrentStillWorks() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        for (int i = 0; i < MAX_LEEWAY_SUCCESSES; i++) {
            step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-r" + i),
                    replay(2, NOW, "jti-r" + i))
                    .expectResultMessagePayload(replayed(2));
        }

        step(rotate(1, 2))
                .expectResultMessagePayload(RefreshOutcome.refused("too many refreshes of one token within the leeway"));

        // The family is intact: the successor rotates normally, and its own leeway starts afresh.
        clock.advance(Duration.ofSeconds(1));
        Instant now = clock.instant();
        step(rotate(2, 3), rotated(3, 2, 3, false, now, NOW.plusSeconds(ABSOLUTE_LIFETIME), now.plusSeconds(IDLE_LIFETIME)))
                .expectResultMessagePayload(granted(3));
        step(rotate(2, 3), replay(3, now, "jti-3")).expectResultMessagePayload(replayed(3));
    }

    /**
     * A family from before successors were derived (or one whose current token came from another master key): the
     * previous token's derived successor is not the current token, so it is rotated to, within the leeway; replays
     * from then on hand it out again. A superseded token of that older kind is reuse.
     */
    @Test
    void presentThePreviousTokenWhoseCurrentSuccessorWasNotDerivedThenRotatedToTheDerivedOneWithinTheLeeway() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        step(rotate(1, 3), rotated(3, 1, 3, true, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)))
                .expectResultMessagePayload(granted(3));
        step(rotate(1, 3), new RefreshTokenReplayed(FAMILY, "acme", "app", "usr_1", 3, token(1), NOW,
                NOW.plusSeconds(IDLE_LIFETIME), "jti-3")).expectResultMessagePayload(replayed(3));

        // Token 2 was handed out once and then replaced by token 3: whoever presents it is not the one holding 3.
        step(rotate(2, 4),
                new ReuseDetected(FAMILY, "acme", "app", "usr_1", "ses_1", 2, 3, NOW),
                reuseRevoked(NOW));
    }

    /** A scope wider than the family's is refused before the token is spent: no event, and it still rotates. */
    @Test
    void presentTheCurrentOrPreviousTokenWithAWiderScopeThenInvalidScopeNothingRecordedAndTheTokenStillWorks() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-2", "openid admin"))
                .expectResultMessagePayload(RefreshOutcome.scopeRefused("a refresh may narrow the granted scope, not widen it"));
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-2", "openid"),
                rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)))
                .expectResultMessagePayload(granted(2));
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-r", "offline_access write"))
                .expectResultMessagePayload(RefreshOutcome.scopeRefused("a refresh may narrow the granted scope, not widen it"));
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-r", " offline_access  openid "),
                replay(2, NOW, "jti-r")).expectResultMessagePayload(replayed(2));
    }

    // --- issuance records that ride with a use

    /** A granted rotation appends the records it carries after its own event, in its unit of work. */
    @Test
    void rotateWithIssuanceRecordsThenTheyFollowTheRotation() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        IssuanceRecords issued = records("jti-2", "openid", true);

        step(rotate(1, 2, issued),
                rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)),
                issued.accessToken(), issued.idToken())
                .expectResultMessagePayload(granted(2));
    }

    /** A replay within the leeway hands out a new access token: its record rides with the replay. */
    @Test
    void replayWithinTheLeewayWithIssuanceRecordsThenTheyFollowTheReplay() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        IssuanceRecords issued = records("jti-r", SCOPE, false);

        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-r", null, issued),
                replay(2, NOW, "jti-r"), issued.accessToken())
                .expectResultMessagePayload(replayed(2));
    }

    @Test
    void useWithoutRotationWithIssuanceRecordsThenTheyFollowTheUse() {
        history.add(started(RotationMode.NONE, IDLE_LIFETIME, 0));
        IssuanceRecords issued = records("jti-u", SCOPE, true);

        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), null, "jti-u", null, issued),
                new RefreshTokenUsed(FAMILY, "acme", "app", "usr_1", NOW, NOW.plusSeconds(IDLE_LIFETIME), "jti-u"),
                issued.accessToken(), issued.idToken());
    }

    /** A refusal hands nothing out, so nothing of what the command carries is recorded; the refusal's own events are. */
    @Test
    void refusedUsesWithIssuanceRecordsThenNoRecord() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));

        step(new RotateRefreshToken(FAMILY, "acme", "app", token(2), token(3), "jti-3", "openid admin",
                records("jti-3", "openid", false)))
                .expectResultMessagePayload(RefreshOutcome.scopeRefused("a refresh may narrow the granted scope, not widen it"));
        step(new RotateRefreshToken(FAMILY, "acme", "other-app", token(2), token(3), "jti-3", null,
                records("jti-3", SCOPE, false)))
                .expectResultMessagePayload(RefreshOutcome.refused("the refresh token was issued to another client"));
        step(rotate(1, 3, records("jti-3", SCOPE, false)),
                new ReuseDetected(FAMILY, "acme", "app", "usr_1", "ses_1", 1, 2, NOW), reuseRevoked(NOW));
        step(rotate(2, 3, records("jti-3", SCOPE, false)))
                .expectResultMessagePayload(RefreshOutcome.refused("the refresh token was revoked after a reuse"));
    }

    @Test
    void expiredFamilyWithIssuanceRecordsThenOnlyTheExpiry() {
        history.add(started(RotationMode.ROTATE, 0, 0));
        clock.set(NOW.plusSeconds(ABSOLUTE_LIFETIME));

        step(rotate(1, 2, records("jti-2", SCOPE, false)),
                new RefreshTokenFamilyExpired(FAMILY, "acme", "usr_1", ABSOLUTE, NOW.plusSeconds(ABSOLUTE_LIFETIME),
                        clock.instant()))
                .expectResultMessagePayload(RefreshOutcome.refused(RefreshOutcome.EXPIRED));
    }

    /**
     * Records that do not describe a token of this family for this use are a bug of the sender: refused before
     * anything is decided, the presented token untouched.
     */
    @Test
    void issuanceRecordsOfAnotherTokenThenIllegalArgumentAndNothingDecided() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        AccessTokenIssued good = records("jti-2", SCOPE, false).accessToken();
        IdTokenIssued goodId = records("jti-2", SCOPE, true).idToken();
        List<IssuanceRecords> wrong = List.of(
                new IssuanceRecords(null, goodId),
                new IssuanceRecords(access(good, "globex", "app", "usr_1", "ses_1", FAMILY, "jti-2", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app2", "usr_1", "ses_1", FAMILY, "jti-2", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_2", "ses_1", FAMILY, "jti-2", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", null, FAMILY, "jti-2", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_1", "rtf_2", "jti-2", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_1", FAMILY, "jti-other", AUDIENCE, SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_1", FAMILY, "jti-2", "https://other", SCOPE), null),
                new IssuanceRecords(access(good, "acme", "app", "usr_1", "ses_1", FAMILY, "jti-2", AUDIENCE, "openid admin"), null),
                new IssuanceRecords(good, new IdTokenIssued("acme", "id-2", "app", "usr_2", "ses_1", NOW,
                        NOW.plusSeconds(3600), 3600, "tenant", List.of())),
                new IssuanceRecords(good, new IdTokenIssued("acme", "jti-2", "app", "usr_1", "ses_1", NOW,
                        NOW.plusSeconds(3600), 3600, "tenant", List.of())));
        for (IssuanceRecords issued : wrong) {
            fixture.given(List.copyOf(history)).when(rotate(1, 2, issued))
                    .expectException(IllegalArgumentException.class)
                    .expectNoEvents();
        }
        // the token was not spent
        step(rotate(1, 2, new IssuanceRecords(good, goodId)),
                rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)),
                good, goodId);
    }

    /** A family's scope as stored, a name twice included, still answers a narrower request. */
    @Test
    void presentTheCurrentTokenWithANarrowerScopeOfAFamilyWhoseScopeRepeatsANameThenRotated() {
        history.add(new RefreshTokenFamilyStarted(FAMILY, "acme", "app", "usr_1", "ses_1", token(1),
                "openid  openid offline_access", AUDIENCE, RotationMode.ROTATE, ABSOLUTE_LIFETIME, 0, LEEWAY, NOW,
                NOW.plusSeconds(ABSOLUTE_LIFETIME), null));
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-2", "openid"),
                rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), null));
    }

    /** An older token the store knows at a generation this copy has not reached: the copy is behind, nothing decided. */
    @Test
    void presentATokenIssuedOnAnotherNodeToACopyThatIsBehindThenConcurrencyFailure() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        issuedElsewhere.put(token(4), 4);
        behind(rotate(4, 5));
    }

    // --- expiry

    @Test
    void rotateAtTheAbsoluteDeadlineThenExpiredAbsoluteRecordedAndRefused() {
        history.add(started(RotationMode.ROTATE, 0, 0));
        clock.set(NOW.plusSeconds(ABSOLUTE_LIFETIME));

        step(rotate(1, 2), new RefreshTokenFamilyExpired(FAMILY, "acme", "usr_1", ABSOLUTE,
                NOW.plusSeconds(ABSOLUTE_LIFETIME), clock.instant()))
                .expectResultMessagePayload(RefreshOutcome.refused("the refresh token has expired"));

        clock.advance(Duration.ofSeconds(1));
        step(rotate(1, 2)).expectResultMessagePayload(RefreshOutcome.refused("the refresh token has expired"));
    }

    @Test
    void rotateAfterTheIdleDeadlineThenExpiredIdleRecordedAndRefused() {
        clock.set(NOW.plusSeconds(IDLE_LIFETIME + 5));

        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(rotate(1, 2))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new RefreshTokenFamilyExpired(FAMILY, "acme", "usr_1", IDLE, NOW.plusSeconds(IDLE_LIFETIME),
                        clock.instant()))
                .expectResultMessagePayload(RefreshOutcome.refused("the refresh token has expired"));
    }

    @Test
    void rotateRegularlyThenTheIdleDeadlineSlidesButNeverPastTheAbsoluteOne() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        Instant absolute = NOW.plusSeconds(ABSOLUTE_LIFETIME);
        // Every six days, for 30 days: without sliding the family would idle out on day 7.
        int generation = 1;
        for (int day = 6; day < 30; day += 6) {
            clock.set(NOW.plus(Duration.ofDays(day)));
            Instant now = clock.instant();
            Instant idle = earlier(now.plusSeconds(IDLE_LIFETIME), absolute);
            step(rotate(generation, generation + 1), rotated(generation + 1, generation, generation + 1, false, now,
                    absolute, idle));
            generation++;
        }
        // Day 24's rotation slid the idle deadline only as far as the absolute one.
        assertGeneration(generation, 5);
        clock.set(absolute);
        step(rotate(generation, generation + 1),
                new RefreshTokenFamilyExpired(FAMILY, "acme", "usr_1", ABSOLUTE, absolute, absolute));
    }

    @Test
    void rotateSlidingGivesEachNewTokenANewAbsoluteLifetime() {
        history.add(started(RotationMode.ROTATE_SLIDING, 0, 0));
        clock.set(NOW.plus(Duration.ofDays(20)));
        Instant renewed = clock.instant();
        step(rotate(1, 2), rotated(2, 1, 2, false, renewed, renewed.plusSeconds(ABSOLUTE_LIFETIME), null))
                .expectResultMessagePayload(granted(2));

        // Past the family's first absolute deadline, before the new token's.
        clock.set(NOW.plus(Duration.ofDays(35)));
        Instant now = clock.instant();
        step(rotate(2, 3), rotated(3, 2, 3, false, now, now.plusSeconds(ABSOLUTE_LIFETIME), null));
    }

    @Test
    void rotateWithoutSlidingKeepsTheFamilysAbsoluteDeadline() {
        history.add(started(RotationMode.ROTATE, 0, 0));
        clock.set(NOW.plus(Duration.ofDays(20)));
        step(rotate(1, 2), rotated(2, 1, 2, false, clock.instant(), NOW.plusSeconds(ABSOLUTE_LIFETIME), null));

        clock.set(NOW.plus(Duration.ofDays(35)));
        step(rotate(2, 3), new RefreshTokenFamilyExpired(FAMILY, "acme", "usr_1", ABSOLUTE,
                NOW.plusSeconds(ABSOLUTE_LIFETIME), clock.instant()))
                .expectResultMessagePayload(RefreshOutcome.refused("the refresh token has expired"));
    }

    // --- rotation none

    @Test
    void useWithRotationNoneThenTheSameTokenKeepsWorkingAndTheIdleDeadlineSlides() {
        history.add(started(RotationMode.NONE, IDLE_LIFETIME, 0));
        for (int day = 5; day <= 25; day += 5) {
            clock.set(NOW.plus(Duration.ofDays(day)));
            Instant now = clock.instant();
            step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), null, "jti-" + day),
                    new RefreshTokenUsed(FAMILY, "acme", "app", "usr_1", now,
                            earlier(now.plusSeconds(IDLE_LIFETIME), NOW.plusSeconds(ABSOLUTE_LIFETIME)), "jti-" + day))
                    .expectResultMessagePayload(new RefreshOutcome(true, false, false, null, "usr_1", "ses_1", SCOPE,
                            AUDIENCE, 1));
        }
        // A new token hash sent anyway is ignored: there is still one token.
        clock.advance(Duration.ofDays(1));
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(2), "jti-x"),
                new RefreshTokenUsed(FAMILY, "acme", "app", "usr_1", clock.instant(), NOW.plusSeconds(ABSOLUTE_LIFETIME),
                        "jti-x"));
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(2), null, "jti-y"))
                .expectResultMessagePayload(RefreshOutcome.refused("unknown refresh token"));
    }

    // --- revocation

    @Test
    void revokeThenRevokedOnceAndEveryLaterUseRefusedWithoutEvents() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        clock.advance(Duration.ofSeconds(5));
        Instant revokedAt = clock.instant();

        step(new RevokeRefreshTokenFamily(FAMILY, "acme", REVOKED_BY_CLIENT),
                new RefreshTokenFamilyRevoked(FAMILY, "acme", "usr_1", "ses_1", REVOKED_BY_CLIENT, revokedAt));
        step(new RevokeRefreshTokenFamily(FAMILY, "acme", LOGOUT));

        // Current, previous within the leeway, older, unknown: all refused, nothing recorded.
        for (int presented : new int[] {2, 1, 42}) {
            step(rotate(presented, 3))
                    .expectResultMessagePayload(RefreshOutcome.refused("the refresh token was revoked"));
        }
        step(new ExpireRefreshTokenFamily(FAMILY, "acme"));
        clock.set(NOW.plusSeconds(ABSOLUTE_LIFETIME + 1));
        step(new ExpireRefreshTokenFamily(FAMILY, "acme"));
    }

    @Test
    void revokeWithAnExpiryReasonOrNoReasonThenIllegalArgument() {
        for (FamilyEndReason reason : new FamilyEndReason[] {ABSOLUTE, IDLE, null}) {
            fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                    .when(new RevokeRefreshTokenFamily(FAMILY, "acme", reason))
                    .expectException(IllegalArgumentException.class)
                    .expectNoEvents();
        }
    }

    @Test
    void revokeWithACauseThenTheRevocationNamesIt() {
        RevocationCause cause = RevocationCause.clientRequest("app");
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new RevokeRefreshTokenFamily(FAMILY, "acme", REVOKED_BY_CLIENT, cause))
                .expectEvents(new RefreshTokenFamilyRevoked(FAMILY, "acme", "usr_1", "ses_1", REVOKED_BY_CLIENT, NOW, cause));
    }

    @Test
    void aReuseNamesTheFamilyAsItsCause() {
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0),
                        rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)))
                .when(rotate(1, 3))
                .expectEvents(new ReuseDetected(FAMILY, "acme", "app", "usr_1", "ses_1", 1, 2, NOW),
                        new RefreshTokenFamilyRevoked(FAMILY, "acme", "usr_1", "ses_1", REUSE, NOW,
                                new RevocationCause(RevocationCause.REFRESH_TOKEN_REUSE, FAMILY)));
    }

    // --- introspection

    @Test
    void inspectTheCurrentTokenThenActiveWithItsGrantAndTheEarlierDeadlineAndNothingRecorded() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        clock.advance(Duration.ofHours(1));
        step(inspect(1)).expectResultMessagePayload(new RefreshTokenIntrospection(true, "app", "usr_1", "ses_1", SCOPE,
                AUDIENCE, NOW, NOW.plusSeconds(IDLE_LIFETIME)));
    }

    @Test
    void inspectAfterARotationThenOnlyTheNewTokenIsActiveEvenWithinTheLeeway() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        clock.advance(Duration.ofHours(1));
        Instant rotatedAt = clock.instant();
        step(rotate(1, 2), rotated(2, 1, 2, false, rotatedAt, NOW.plusSeconds(ABSOLUTE_LIFETIME),
                rotatedAt.plusSeconds(IDLE_LIFETIME)));
        clock.advance(Duration.ofSeconds(1));

        step(inspect(2)).expectResultMessagePayload(new RefreshTokenIntrospection(true, "app", "usr_1", "ses_1", SCOPE,
                AUDIENCE, rotatedAt, rotatedAt.plusSeconds(IDLE_LIFETIME)));
        step(inspect(1)).expectResultMessagePayload(RefreshTokenIntrospection.INACTIVE);
        step(inspect(77)).expectResultMessagePayload(RefreshTokenIntrospection.INACTIVE);
        // Inspecting the previous token is not a use: it still gets its successor within the leeway afterwards.
        step(rotate(1, 2), replay(2, clock.instant(), "jti-2"));
    }

    @Test
    void inspectWithRotationNoneThenTheOneTokenIsActiveFromTheFamilysStart() {
        history.add(started(RotationMode.NONE, 0, 0));
        clock.set(NOW.plus(Duration.ofDays(3)));
        step(new RotateRefreshToken(FAMILY, "acme", "app", token(1), null, "jti-1"),
                new RefreshTokenUsed(FAMILY, "acme", "app", "usr_1", clock.instant(), null, "jti-1"));
        step(inspect(1)).expectResultMessagePayload(new RefreshTokenIntrospection(true, "app", "usr_1", "ses_1", SCOPE,
                AUDIENCE, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME)));
    }

    @Test
    void inspectAnEndedFamilysTokenThenInactive() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        step(new RevokeRefreshTokenFamily(FAMILY, "acme", LOGOUT),
                new RefreshTokenFamilyRevoked(FAMILY, "acme", "usr_1", "ses_1", LOGOUT, NOW));
        step(inspect(1)).expectResultMessagePayload(RefreshTokenIntrospection.INACTIVE);

        history.clear();
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        clock.set(NOW.plusSeconds(IDLE_LIFETIME + 1));
        step(new ExpireRefreshTokenFamily(FAMILY, "acme"), new RefreshTokenFamilyExpired(FAMILY, "acme", "usr_1", IDLE,
                NOW.plusSeconds(IDLE_LIFETIME), clock.instant()));
        step(inspect(1)).expectResultMessagePayload(RefreshTokenIntrospection.INACTIVE);
    }

    @Test
    void inspectPastADeadlineNobodyRecordedYetThenInactiveAndStillNothingRecorded() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        clock.set(NOW.plusSeconds(IDLE_LIFETIME));
        step(inspect(1)).expectResultMessagePayload(RefreshTokenIntrospection.INACTIVE);
        clock.set(NOW.plusSeconds(IDLE_LIFETIME - 1));
        step(inspect(1)).expectResultMessagePayload(new RefreshTokenIntrospection(true, "app", "usr_1", "ses_1", SCOPE,
                AUDIENCE, NOW, NOW.plusSeconds(IDLE_LIFETIME)));

        history.clear();
        history.add(started(RotationMode.ROTATE, 0, 0));
        clock.set(NOW.plusSeconds(ABSOLUTE_LIFETIME));
        step(inspect(1)).expectResultMessagePayload(RefreshTokenIntrospection.INACTIVE);
    }

    @Test
    void inspectFromAnotherTenantThenInactiveNotNotFound() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        step(new InspectRefreshToken(FAMILY, "globex", token(1)))
                .expectResultMessagePayload(RefreshTokenIntrospection.INACTIVE);
    }

    /** An inspection records nothing, so a copy another node has overtaken must not answer: it asks the store first. */
    @Test
    void inspectOnACopyThatIsBehindTheStoreThenConcurrencyFailureAndOnAnUpToDateOneTheAnswer() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        storedLastSequence = 1; // another node rotated: token 1 is no longer current there
        behind(inspect(1));
        assertThat(storeQueries).containsExactly(FAMILY + "@0");

        storedLastSequence = 0;
        step(inspect(1)).expectResultMessagePayload(new RefreshTokenIntrospection(true, "app", "usr_1", "ses_1", SCOPE,
                AUDIENCE, NOW, NOW.plusSeconds(IDLE_LIFETIME)));
    }

    @Test
    void inspectSomethingThatIsNotAHashThenIllegalArgument() {
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new InspectRefreshToken(FAMILY, "acme", FAMILY + ".the-token-itself"))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
    }

    // --- tokens and clients that do not belong

    @Test
    void presentAHashTheFamilyNeverIssuedThenRefusedWithoutEvents() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));

        step(rotate(77, 3)).expectResultMessagePayload(RefreshOutcome.refused("unknown refresh token"));
        // The family is untouched: its current token still works.
        step(rotate(2, 3), rotated(3, 2, 3, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
    }

    /**
     * This copy of the family may be a cached one that another node has overtaken: before a refusal that records
     * nothing, the store is asked. Behind it, nothing is decided and the command fails as a lost append race does.
     */
    @Test
    void presentAnUnknownHashToACopyThatIsBehindTheStoreThenConcurrencyFailureAndNothingRecorded() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        assertThat(storeQueries).as("a granted rotation appends; it does not ask").isEmpty();

        storedLastSequence = 2; // the copy has events 0 and 1; another node appended event 2
        behind(rotate(77, 3));
        assertThat(storeQueries).containsExactly(FAMILY + "@1");

        storedLastSequence = 1; // up to date: the refusal stands
        step(rotate(77, 3)).expectResultMessagePayload(RefreshOutcome.refused("unknown refresh token"));
    }

    @Test
    void presentThePreviousTokenPastTheLeewayBoundToACopyThatIsBehindTheStoreThenConcurrencyFailure() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, LEEWAY));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));
        for (int i = 0; i < MAX_LEEWAY_SUCCESSES; i++) {
            step(rotate(1, 2), replay(2, NOW, "jti-2"));
        }
        long version = history.size() - 1;

        storedLastSequence = version + 1;
        behind(rotate(1, 2));
        storedLastSequence = version;
        step(rotate(1, 2))
                .expectResultMessagePayload(RefreshOutcome.refused("too many refreshes of one token within the leeway"));
        assertThat(storeQueries).containsExactly(FAMILY + "@" + version, FAMILY + "@" + version);
    }

    @Test
    void presentATokenFromAnotherClientThenRefusedWithoutEventsEvenAnOldOneOrPastTheDeadline() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        step(rotate(1, 2), rotated(2, 1, 2, false, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME), NOW.plusSeconds(IDLE_LIFETIME)));

        for (int presented : new int[] {2, 1}) {
            step(new RotateRefreshToken(FAMILY, "acme", "other-app", token(presented), token(3), "jti"))
                    .expectResultMessagePayload(RefreshOutcome.refused("the refresh token was issued to another client"));
        }
        clock.set(NOW.plusSeconds(ABSOLUTE_LIFETIME + 1));
        step(new RotateRefreshToken(FAMILY, "acme", "other-app", token(2), token(3), "jti"))
                .expectResultMessagePayload(RefreshOutcome.refused("the refresh token was issued to another client"));
    }

    @Test
    void presentSomethingThatIsNotAHashThenIllegalArgument() {
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new RotateRefreshToken(FAMILY, "acme", "app", "rtf_1.the-token-itself", token(2), "jti"))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new RotateRefreshToken(FAMILY, "acme", "app", token(1), null, "jti"))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new RotateRefreshToken(FAMILY, "acme", "app", token(1), token(1), "jti"))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
    }

    @Test
    void commandsFromAnotherTenantThenNotFoundAndNothingRecorded() {
        clock.set(NOW.plusSeconds(ABSOLUTE_LIFETIME + 1));
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new RotateRefreshToken(FAMILY, "globex", "app", token(1), token(2), "jti"))
                .expectException(NotFound.class)
                .expectNoEvents();
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new RevokeRefreshTokenFamily(FAMILY, "globex", LOGOUT))
                .expectException(NotFound.class)
                .expectNoEvents();
        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new ExpireRefreshTokenFamily(FAMILY, "globex"))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    // --- the sweeper's command

    @Test
    void expireBeforeAnyDeadlineThenNothing() {
        clock.set(NOW.plusSeconds(IDLE_LIFETIME - 1));

        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0))
                .when(new ExpireRefreshTokenFamily(FAMILY, "acme"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void expirePastTheIdleDeadlineThenExpiredIdleOnceAndThenNothing() {
        history.add(started(RotationMode.ROTATE, IDLE_LIFETIME, 0));
        clock.set(NOW.plusSeconds(IDLE_LIFETIME + 20));
        step(new ExpireRefreshTokenFamily(FAMILY, "acme"),
                new RefreshTokenFamilyExpired(FAMILY, "acme", "usr_1", IDLE, NOW.plusSeconds(IDLE_LIFETIME), clock.instant()));

        clock.advance(Duration.ofSeconds(20));
        step(new ExpireRefreshTokenFamily(FAMILY, "acme"));
        step(new RevokeRefreshTokenFamily(FAMILY, "acme", LOGOUT));
        step(rotate(1, 2)).expectResultMessagePayload(RefreshOutcome.refused("the refresh token has expired"));
    }

    @Test
    void expirePastBothDeadlinesThenAbsoluteWins() {
        TokenRotated lastUse = rotated(2, 1, 2, false, NOW.plus(Duration.ofDays(29)), NOW.plusSeconds(ABSOLUTE_LIFETIME),
                NOW.plusSeconds(ABSOLUTE_LIFETIME));
        clock.set(NOW.plus(Duration.ofDays(40)));

        fixture.given(started(RotationMode.ROTATE, IDLE_LIFETIME, 0), lastUse)
                .when(new ExpireRefreshTokenFamily(FAMILY, "acme"))
                .expectEvents(new RefreshTokenFamilyExpired(FAMILY, "acme", "usr_1", ABSOLUTE,
                        NOW.plusSeconds(ABSOLUTE_LIFETIME), clock.instant()));
    }

    // --- helpers

    /** The hash of the family's n-th token (any n the test names; the family knows only those it issued). */
    static String token(int n) {
        return SecretHash.of(FAMILY + ".token-" + n);
    }

    static StartRefreshTokenFamily start(RotationMode rotation, long idle, long leeway) {
        return new StartRefreshTokenFamily(FAMILY, "acme", "app", "usr_1", "ses_1", token(1), SCOPE, AUDIENCE, rotation,
                ABSOLUTE_LIFETIME, idle, leeway);
    }

    static StartRefreshTokenFamily start(RotationMode rotation, long idle, long leeway, IssuanceRecords issued) {
        return new StartRefreshTokenFamily(FAMILY, "acme", "app", "usr_1", "ses_1", token(1), SCOPE, AUDIENCE, rotation,
                ABSOLUTE_LIFETIME, idle, leeway, issued);
    }

    /** The records of a login's tokens (access token {@code jti-1}) that start the family with the given grant. */
    static IssuanceRecords startRecords(String grantType, boolean idToken) {
        IssuanceRecords refresh = records("jti-1", SCOPE, idToken);
        return new IssuanceRecords(withGrant(refresh.accessToken(), grantType), refresh.idToken());
    }

    static AccessTokenIssued withGrant(AccessTokenIssued a, String grantType) {
        return new AccessTokenIssued(a.tenantId(), a.jti(), a.clientId(), a.subject(), a.audience(), a.scope(), grantType,
                a.issuedAt(), a.expiresAt(), a.lifetimeSeconds(), a.decidedBy(), a.lifetimeTrace(), a.sessionId(),
                a.familyId());
    }

    static RefreshTokenFamilyStarted started(RotationMode rotation, long idle, long leeway) {
        return new RefreshTokenFamilyStarted(FAMILY, "acme", "app", "usr_1", "ses_1", token(1), SCOPE, AUDIENCE, rotation,
                ABSOLUTE_LIFETIME, idle, leeway, NOW, NOW.plusSeconds(ABSOLUTE_LIFETIME),
                idle == 0 ? null : earlier(NOW.plusSeconds(idle), NOW.plusSeconds(ABSOLUTE_LIFETIME)));
    }

    /** Presents token {@code presented}; if the family rotates, token {@code next} is handed out. */
    static RotateRefreshToken rotate(int presented, int next) {
        return new RotateRefreshToken(FAMILY, "acme", "app", token(presented), token(next), "jti-" + next);
    }

    /** Presents token {@code presented} with the records of the tokens a grant hands out. */
    static RotateRefreshToken rotate(int presented, int next, IssuanceRecords issued) {
        return new RotateRefreshToken(FAMILY, "acme", "app", token(presented), token(next), "jti-" + next, null, issued);
    }

    /** The records of a refresh's access token {@code jti} (for the family's API and userinfo) and, if asked, ID token. */
    static IssuanceRecords records(String jti, String scope, boolean idToken) {
        AccessTokenIssued access = new AccessTokenIssued("acme", jti, "app", "usr_1", AUDIENCE + " https://id.example/userinfo",
                scope, "refresh_token", NOW, NOW.plusSeconds(600), 600, "tenant", List.of(), "ses_1", FAMILY);
        return new IssuanceRecords(access, idToken ? new IdTokenIssued("acme", "id-" + jti, "app", "usr_1", "ses_1",
                NOW, NOW.plusSeconds(3600), 3600, "tenant", List.of()) : null);
    }

    static AccessTokenIssued access(AccessTokenIssued a, String tenant, String client, String user, String session,
                                    String family, String jti, String audience, String scope) {
        return new AccessTokenIssued(tenant, jti, client, user, audience, scope, a.grantType(), a.issuedAt(),
                a.expiresAt(), a.lifetimeSeconds(), a.decidedBy(), a.lifetimeTrace(), session, family);
    }

    static TokenRotated rotated(int generation, int presented, int next, boolean withinLeeway, Instant at,
                                Instant expiresAt, Instant idleExpiresAt) {
        return new TokenRotated(FAMILY, "acme", "app", "usr_1", generation, token(presented), token(next), withinLeeway,
                at, expiresAt, idleExpiresAt, "jti-" + next);
    }

    static InspectRefreshToken inspect(int presented) {
        return new InspectRefreshToken(FAMILY, "acme", token(presented));
    }

    static RefreshTokenFamilyRevoked reuseRevoked(Instant at) {
        return new RefreshTokenFamilyRevoked(FAMILY, "acme", "usr_1", "ses_1", REUSE, at,
                new RevocationCause(RevocationCause.REFRESH_TOKEN_REUSE, FAMILY));
    }

    static RefreshOutcome granted(int generation) {
        return new RefreshOutcome(true, true, false, null, "usr_1", "ses_1", SCOPE, AUDIENCE, generation);
    }

    /** The previous token within the leeway: the current token, of this generation, handed out again. */
    static RefreshOutcome replayed(int generation) {
        return new RefreshOutcome(true, true, false, null, "usr_1", "ses_1", SCOPE, AUDIENCE, generation, null, true);
    }

    /** The previous token (generation - 1) presented within the leeway at {@code at}. */
    static RefreshTokenReplayed replay(int generation, Instant at, String accessTokenId) {
        return new RefreshTokenReplayed(FAMILY, "acme", "app", "usr_1", generation, token(generation - 1), at,
                at.plusSeconds(IDLE_LIFETIME), accessTokenId);
    }

    /** Runs one command given everything recorded so far, expects exactly {@code recorded}, and keeps it. */
    private ResultValidator<RefreshTokenFamily> step(Object command, Object... recorded) {
        ResultValidator<RefreshTokenFamily> result = fixture.given(List.copyOf(history)).when(command)
                .expectSuccessfulHandlerExecution();
        if (recorded.length == 0) {
            result.expectNoEvents();
        } else {
            result.expectEvents(recorded);
        }
        history.addAll(List.of(recorded));
        return result;
    }

    /** Runs one command given everything recorded so far, and expects it to fail as a lost append race, recording nothing. */
    private void behind(Object command) {
        fixture.given(List.copyOf(history)).when(command).expectException(ConcurrencyException.class).expectNoEvents();
    }

    private static void assertGeneration(int actual, int expected) {
        org.assertj.core.api.Assertions.assertThat(actual).isEqualTo(expected);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
