package dev.tally.command.tenant;

import dev.tally.command.retention.RetentionProperties;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantCommands.ChangeIssuanceRecordRetention;
import dev.tally.kernel.tenant.TenantCommands.LiftLegalHold;
import dev.tally.kernel.tenant.TenantCommands.PlaceLegalHold;
import dev.tally.kernel.tenant.TenantCommands.RecordIssuanceRecordsPruned;
import dev.tally.kernel.tenant.TenantEvents.ExportedPart;
import dev.tally.kernel.tenant.TenantEvents.IssuanceRecordRetentionChanged;
import dev.tally.kernel.tenant.TenantEvents.IssuanceRecordsPruned;
import dev.tally.kernel.tenant.TenantEvents.LegalHoldLifted;
import dev.tally.kernel.tenant.TenantEvents.LegalHoldPlaced;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tenant's side of retention: the setting above the platform minimum, the legal hold, and a pruning's record. */
class TenantRetentionTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final long DAYS_40 = Duration.ofDays(40).toSeconds();
    static final TenantCreated CREATED = new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW.minus(Duration.ofDays(400)));
    static final List<ExportedPart> PARTS = List.of(new ExportedPart("acme/2026-10-01.ndjson", 0, 10, 1, "00"));

    private AggregateTestFixture<Tenant> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Tenant.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerInjectableResource(RetentionProperties.defaults());
    }

    @Test
    void retentionAtTheMinimumThenRecorded() {
        long minimum = RetentionProperties.defaults().minimum().toSeconds();
        fixture.given(CREATED).when(new ChangeIssuanceRecordRetention("acme", minimum))
                .expectEvents(new IssuanceRecordRetentionChanged("acme", minimum));
    }

    @Test
    void retentionBelowTheMinimumThenInvalidInput() {
        fixture.given(CREATED).when(new ChangeIssuanceRecordRetention("acme", Duration.ofDays(29).toSeconds()))
                .expectException(InvalidInput.class).expectNoEvents();
    }

    @Test
    void retentionZeroThenKeptForeverAndUnchangedThenNothingRecorded() {
        fixture.given(CREATED, new IssuanceRecordRetentionChanged("acme", DAYS_40))
                .when(new ChangeIssuanceRecordRetention("acme", 0L))
                .expectEvents(new IssuanceRecordRetentionChanged("acme", null));
        fixture.given(CREATED, new IssuanceRecordRetentionChanged("acme", DAYS_40))
                .when(new ChangeIssuanceRecordRetention("acme", DAYS_40)).expectNoEvents();
    }

    @Test
    void legalHoldWithoutReasonThenInvalidInput() {
        fixture.given(CREATED).when(new PlaceLegalHold("acme", " ")).expectException(InvalidInput.class);
    }

    @Test
    void legalHoldTwiceThenConflictAndLiftWithoutHoldThenNotFound() {
        fixture.given(CREATED, new LegalHoldPlaced("acme", "case 1", NOW)).when(new PlaceLegalHold("acme", "case 2"))
                .expectException(Conflict.class);
        fixture.given(CREATED).when(new LiftLegalHold("acme")).expectException(NotFound.class);
        fixture.given(CREATED, new LegalHoldPlaced("acme", "case 1", NOW)).when(new LiftLegalHold("acme"))
                .expectEvents(new LegalHoldLifted("acme", NOW));
    }

    @Test
    void pruningWithinTheRetentionThenRecorded() {
        Instant upTo = NOW.minusSeconds(DAYS_40);
        fixture.given(CREATED, new IssuanceRecordRetentionChanged("acme", DAYS_40))
                .when(new RecordIssuanceRecordsPruned("acme", upTo, 42, 1, PARTS))
                .expectEvents(new IssuanceRecordsPruned("acme", upTo, 42, 1, PARTS, NOW));
    }

    @Test
    void pruningUnderLegalHoldThenConflict() {
        fixture.given(CREATED, new IssuanceRecordRetentionChanged("acme", DAYS_40), new LegalHoldPlaced("acme", "case", NOW))
                .when(new RecordIssuanceRecordsPruned("acme", NOW.minusSeconds(DAYS_40), 42, 1, PARTS))
                .expectException(Conflict.class).expectNoEvents();
    }

    @Test
    void pruningPastARetentionSinceLengthenedOrRemovedThenConflict() {
        Instant upTo = NOW.minusSeconds(DAYS_40);
        fixture.given(CREATED, new IssuanceRecordRetentionChanged("acme", DAYS_40 + 86_400))
                .when(new RecordIssuanceRecordsPruned("acme", upTo, 42, 1, PARTS)).expectException(Conflict.class);
        fixture.given(CREATED, new IssuanceRecordRetentionChanged("acme", DAYS_40), new IssuanceRecordRetentionChanged("acme", null))
                .when(new RecordIssuanceRecordsPruned("acme", upTo, 42, 1, PARTS)).expectException(Conflict.class);
    }
}
