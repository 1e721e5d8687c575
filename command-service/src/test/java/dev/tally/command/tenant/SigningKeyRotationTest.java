package dev.tally.command.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantCommands.AdvanceSigningKeys;
import dev.tally.kernel.tenant.TenantCommands.ChangeSigningKeyRotation;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantSettings;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.kernel.tenant.TenantCommands.RevokeSigningKey;
import dev.tally.kernel.tenant.TenantCommands.RotateSigningKeys;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyActivated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRotationChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.tenant.TenantSettingsPatch;
import dev.tally.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.BaseMatcher;
import org.hamcrest.Description;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tenant's key steps by the clock: pre-publication, activation, retirement once every token a replaced key signed
 * has expired, emergency revocation, keys for every algorithm, and the schedule. Each step runs given everything
 * recorded before it.
 */
class SigningKeyRotationTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final MasterKey MASTER_KEY = MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));
    static final Duration PRE_PUBLICATION = SigningKeyProperties.defaults().prePublication();
    static final long MAX_LIFETIME = TenantLifetimeSettings.defaults().maxTokenLifetime();

    private AggregateTestFixture<Tenant> fixture;
    private MutableClock clock;
    private final List<Object> history = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Tenant.class);
        clock = new MutableClock(NOW);
        fixture.registerInjectableResource(new InMemoryTenantDirectory());
        fixture.registerInjectableResource(new SigningKeyFactory(MASTER_KEY));
        fixture.registerInjectableResource(clock);
        fixture.registerInjectableResource(SigningKeyProperties.defaults());
        fixture.setReportIllegalStateChange(false);
        List<Object> created = new ArrayList<>();
        fixture.givenNoPriorActivity().when(new CreateTenant("acme", "Acme", SigningAlgorithm.ES256, TenantSettingsPatch.NONE))
                .expectEventsMatching(capture(created));
        history.addAll(created);
    }

    @Test
    void rotateThenNewKeysArePublishedAndSignOnlyAfterThePrePublication() {
        String es = active(SigningAlgorithm.ES256);
        String rs = active(SigningAlgorithm.RS256);

        List<Object> rotated = step(new RotateSigningKeys("acme", null));
        assertThat(rotated).hasSize(2).allSatisfy(e -> {
            SigningKeyCreated k = (SigningKeyCreated) e;
            assertThat(k.activatesAt()).isEqualTo(NOW.plus(PRE_PUBLICATION));
            assertThat(k.cause()).isEqualTo("rotation_requested");
        });

        clock.advance(PRE_PUBLICATION.minusSeconds(1));
        assertThat(step(new AdvanceSigningKeys("acme"))).as("one second before its activation").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        List<Object> activated = step(new AdvanceSigningKeys("acme"));
        assertThat(activated).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(SigningKeyActivated.class));
        SigningKeyActivated esActivated = (SigningKeyActivated) activated.get(0);
        assertThat(esActivated.previousKid()).isEqualTo(es);
        assertThat(esActivated.previousRetiresAt()).as("when every token the old key signed has expired")
                .isEqualTo(clock.instant().plusSeconds(MAX_LIFETIME));
        assertThat(((SigningKeyActivated) activated.get(1)).previousKid()).isEqualTo(rs);
        assertThat(step(new AdvanceSigningKeys("acme"))).as("activated once").isEmpty();
    }

    @Test
    void advanceWhenTheReplacedKeysTokensHaveAllExpiredThenItRetires() {
        String es = active(SigningAlgorithm.ES256);
        step(new RotateSigningKeys("acme", SigningAlgorithm.ES256));
        clock.advance(PRE_PUBLICATION);
        assertThat(step(new AdvanceSigningKeys("acme"))).hasSize(1);

        clock.advance(Duration.ofSeconds(MAX_LIFETIME - 1));
        assertThat(step(new AdvanceSigningKeys("acme"))).as("a token it signed may still be alive").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(step(new AdvanceSigningKeys("acme"))).containsExactly(new SigningKeyRetired("acme", es, clock.instant()));
    }

    @Test
    void advanceWhenTheMaximumLifetimeWasLoweredThenRetirementStillWaitsForTheLongerTokens() {
        step(new ChangeTenantSettings("acme", new TenantSettingsPatch(3_600L, 3_600L, 3_600L, null, null, null, null)));
        step(new RotateSigningKeys("acme", SigningAlgorithm.ES256));
        clock.advance(PRE_PUBLICATION);

        SigningKeyActivated activated = (SigningKeyActivated) step(new AdvanceSigningKeys("acme")).get(0);

        assertThat(activated.previousRetiresAt()).isEqualTo(clock.instant().plusSeconds(MAX_LIFETIME));
    }

    @Test
    void rotateWhenARotationIsUnderWayThenConflictAndNothingRecorded() {
        step(new RotateSigningKeys("acme", SigningAlgorithm.RS256));

        fixture.given(history).when(new RotateSigningKeys("acme", null)).expectException(Conflict.class).expectNoEvents();
    }

    @Test
    void revokeTheSigningKeyThenItIsRevokedAndReplacedAtOnce() {
        String es = active(SigningAlgorithm.ES256);

        List<Object> events = step(new RevokeSigningKey("acme", es, "leaked in a log"));

        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isEqualTo(new SigningKeyRevoked("acme", es, SigningAlgorithm.ES256, NOW, "leaked in a log"));
        SigningKeyCreated replacement = (SigningKeyCreated) events.get(1);
        assertThat(replacement.alg()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(replacement.activatesAt()).as("signs at once").isNull();
        assertThat(replacement.cause()).isEqualTo("replaces_revoked");
    }

    @Test
    void revokeTheSigningKeyWhenANewOneIsPublishedThenThePublishedOneSignsAtOnce() {
        String es = active(SigningAlgorithm.ES256);
        String next = ((SigningKeyCreated) step(new RotateSigningKeys("acme", SigningAlgorithm.ES256)).get(0)).kid();

        List<Object> events = step(new RevokeSigningKey("acme", es, null));

        assertThat(events).containsExactly(new SigningKeyRevoked("acme", es, SigningAlgorithm.ES256, NOW, "compromised"),
                new SigningKeyActivated("acme", next, SigningAlgorithm.ES256, NOW, null, null));
        clock.advance(PRE_PUBLICATION);
        assertThat(step(new AdvanceSigningKeys("acme"))).as("nothing left to activate or retire").isEmpty();
    }

    @Test
    void revokeAPublishedKeyThenOnlyItIsRevoked() {
        String next = ((SigningKeyCreated) step(new RotateSigningKeys("acme", SigningAlgorithm.ES256)).get(0)).kid();

        assertThat(step(new RevokeSigningKey("acme", next, null))).hasSize(1);
        clock.advance(PRE_PUBLICATION);
        assertThat(step(new AdvanceSigningKeys("acme"))).as("a revoked key never activates").isEmpty();
    }

    @Test
    void revokeWhenUnknownOrAlreadyRevokedThenRefused() {
        String es = active(SigningAlgorithm.ES256);
        fixture.given(history).when(new RevokeSigningKey("acme", "nope", null)).expectException(NotFound.class);
        step(new RevokeSigningKey("acme", es, null));
        fixture.given(history).when(new RevokeSigningKey("acme", es, null)).expectException(Conflict.class).expectNoEvents();
        fixture.given(history).when(new RevokeSigningKey("acme", active(SigningAlgorithm.RS256), "x".repeat(201)))
                .expectException(InvalidInput.class).expectNoEvents();
    }

    @Test
    void advanceWhenTheTenantPredatesKeysPerAlgorithmThenItGetsTheMissingOne() {
        history.clear();
        history.add(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW));
        history.add(TenantLifetimeSettingsChanged.of("acme", TenantLifetimeSettings.defaults()));
        history.add(new SigningKeyAdded("acme", "old-es", SigningAlgorithm.ES256, "{}", "sealed", NOW));

        List<Object> events = step(new AdvanceSigningKeys("acme"));

        assertThat(events).hasSize(1);
        SigningKeyCreated added = (SigningKeyCreated) events.get(0);
        assertThat(added.alg()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(added.cause()).isEqualTo("algorithm_added");
        assertThat(added.activatesAt()).isNull();
    }

    @Test
    void scheduleThenANewKeyIsPublishedOneIntervalAfterTheCurrentStartedSigning() {
        assertThat(step(new ChangeSigningKeyRotation("acme", 86_400L)))
                .containsExactly(new SigningKeyRotationChanged("acme", 86_400L, NOW));

        clock.advance(Duration.ofDays(1).minusSeconds(1));
        assertThat(step(new AdvanceSigningKeys("acme"))).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        List<Object> rotated = step(new AdvanceSigningKeys("acme"));
        assertThat(rotated).hasSize(2).allSatisfy(e ->
                assertThat(((SigningKeyCreated) e).cause()).isEqualTo("rotation_scheduled"));

        clock.advance(PRE_PUBLICATION);
        assertThat(step(new AdvanceSigningKeys("acme"))).hasSize(2);
        clock.advance(Duration.ofDays(1).minus(PRE_PUBLICATION).minusSeconds(1));
        assertThat(step(new AdvanceSigningKeys("acme"))).as("counted from the activation").isEmpty();
        assertThat(step(new ChangeSigningKeyRotation("acme", 86_400L))).as("unchanged").isEmpty();
        assertThat(step(new ChangeSigningKeyRotation("acme", 0L))).containsExactly(
                new SigningKeyRotationChanged("acme", null, NOW.plus(PRE_PUBLICATION).plus(Duration.ofDays(1))));
    }

    @Test
    void scheduleWhenShorterThanADayThenInvalid() {
        fixture.given(history).when(new ChangeSigningKeyRotation("acme", 3_600L))
                .expectException(InvalidInput.class).expectNoEvents();
    }

    private String active(SigningAlgorithm alg) {
        SigningKeyRing ring = new SigningKeyRing();
        history.forEach(ring::apply);
        return ring.active(alg).orElseThrow().kid();
    }

    /** Runs the command given the history so far, and adds what it recorded. */
    private List<Object> step(Object command) {
        List<Object> recorded = new ArrayList<>();
        fixture.given(history).when(command).expectSuccessfulHandlerExecution().expectEventsMatching(capture(recorded));
        history.addAll(recorded);
        return recorded;
    }

    private static BaseMatcher<List<EventMessage<?>>> capture(List<Object> into) {
        return new BaseMatcher<>() {
            @Override
            public boolean matches(Object actual) {
                into.clear();
                for (Object m : (List<?>) actual) {
                    into.add(((EventMessage<?>) m).getPayload());
                }
                return true;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("any events");
            }
        };
    }
}
