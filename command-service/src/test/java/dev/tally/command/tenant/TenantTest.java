package dev.tally.command.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.tenant.TenantCommands.ChangePermissionChangePolicy;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantRefreshSettings;
import dev.tally.kernel.tenant.TenantCommands.ChangeTenantSettings;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.kernel.tenant.TenantCommands.DeleteTenant;
import dev.tally.kernel.tenant.TenantCommands.RenameTenant;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantPermissionChangePolicyChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRenamed;
import dev.tally.kernel.user.PermissionChangePolicy;
import dev.tally.kernel.tenant.TenantSettingsPatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenantTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final MasterKey MASTER_KEY = MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));

    private AggregateTestFixture<Tenant> fixture;
    private InMemoryTenantDirectory directory;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Tenant.class);
        directory = new InMemoryTenantDirectory();
        fixture.registerInjectableResource(directory);
        fixture.registerInjectableResource(new SigningKeyFactory(MASTER_KEY));
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerInjectableResource(SigningKeyProperties.defaults());
    }

    @Test
    void createTenantThenCreatedWithASigningKeyPerAlgorithm() {
        fixture.givenNoPriorActivity()
                .when(new CreateTenant("acme", "Acme", null, TenantSettingsPatch.NONE))
                .expectSuccessfulHandlerExecution()
                .expectEventsMatching(payloadsMatching(exactSequenceOf(
                        equalTo(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW)),
                        equalTo(TenantLifetimeSettingsChanged.of("acme", TenantLifetimeSettings.defaults())),
                        signingKey(SigningAlgorithm.ES256, null, "tenant_created"),
                        signingKey(SigningAlgorithm.RS256, null, "tenant_created"))));
    }

    @Test
    void signingKeyCreatedHoldsThePrivateKeyOnlySealed() throws Exception {
        SigningKeyCreated added = new SigningKeyFactory(MASTER_KEY).newKey("acme", SigningAlgorithm.ES256, NOW, null, "tenant_created");

        assertThat(JWK.parse(added.publicJwk()).isPrivate()).isFalse();
        assertThat(added.sealedPrivateJwk()).doesNotContain("\"d\"").startsWith("v1.");
        byte[] opened = MASTER_KEY.open(added.sealedPrivateJwk(), SigningKeyAdded.associatedData("acme", added.kid()));
        ECKey key = JWK.parse(new String(opened, StandardCharsets.UTF_8)).toECKey();
        assertThat(key.isPrivate()).isTrue();
        assertThat(key.getKeyID()).isEqualTo(added.kid());
    }

    @Test
    void createTenantWhenRs256ThenKeyIsRsa() throws Exception {
        SigningKeyCreated added = new SigningKeyFactory(MASTER_KEY).newKey("acme", SigningAlgorithm.RS256, NOW, null, "tenant_created");

        assertThat(JWK.parse(added.publicJwk()).getKeyType().getValue()).isEqualTo("RSA");
        assertThat(added.alg()).isEqualTo(SigningAlgorithm.RS256);
    }

    @Test
    void createTenantWhenIdTakenThenConflict() {
        directory.withTenant("acme");

        fixture.givenNoPriorActivity()
                .when(new CreateTenant("acme", "Acme again", SigningAlgorithm.ES256, TenantSettingsPatch.NONE))
                .expectException(Conflict.class)
                .expectNoEvents();
    }

    @Test
    void createTenantWhenIdOnceUsedByDeletedTenantThenConflict() {
        directory.withDeletedTenant("acme");

        fixture.givenNoPriorActivity()
                .when(new CreateTenant("acme", "Acme", SigningAlgorithm.ES256, TenantSettingsPatch.NONE))
                .expectException(Conflict.class);
    }

    @Test
    void createTenantWhenIdNotUrlSafeThenInvalidId() {
        fixture.givenNoPriorActivity()
                .when(new CreateTenant("Acme Corp", "Acme", SigningAlgorithm.ES256, TenantSettingsPatch.NONE))
                .expectException(InvalidInput.class)
                .expectExceptionMessage("must be 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit")
                .expectNoEvents();
    }

    @Test
    void createTenantWhenNameMissingThenInvalidName() {
        fixture.givenNoPriorActivity()
                .when(new CreateTenant("acme", " ", SigningAlgorithm.ES256, TenantSettingsPatch.NONE))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void createTenantWithLifetimeSettingsThenTheyAreRecordedWithTheDefaultsForTheRest() {
        TenantSettingsPatch berlin = new TenantSettingsPatch(86_400L, 3_600L, null, "Europe/Berlin", null, null, null);

        fixture.givenNoPriorActivity()
                .when(new CreateTenant("acme", "Acme", SigningAlgorithm.ES256, berlin))
                .expectEventsMatching(payloadsMatching(exactSequenceOf(
                        instanceOf(TenantCreated.class),
                        equalTo(new TenantLifetimeSettingsChanged("acme", 86_400L, 3_600L, 86_400L, "Europe/Berlin",
                                259_200L, 2_592_000L, 2_592_000L)),
                        instanceOf(SigningKeyCreated.class), instanceOf(SigningKeyCreated.class))));
    }

    @Test
    void changeSettingsWhenWebMaximumExceedsMaximumThenInvalidMaxTokenLifetimeForWeb() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW),
                        TenantLifetimeSettingsChanged.of("acme", TenantLifetimeSettings.defaults()))
                .when(new ChangeTenantSettings("acme", new TenantSettingsPatch(3_600L, null, null, null, null, null, null)))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void changeSettingsWhenTimeZoneUnknownThenInvalidTimeZone() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW),
                        TenantLifetimeSettingsChanged.of("acme", TenantLifetimeSettings.defaults()))
                .when(new ChangeTenantSettings("acme", new TenantSettingsPatch(null, null, null, "Mars/Olympus", null, null, null)))
                .expectException(InvalidInput.class)
                .expectExceptionMessage("'Mars/Olympus' is not an IANA time zone id (like Europe/Berlin or UTC)");
    }

    @Test
    void changeSettingsThenWholeNewSettingsRecorded() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW),
                        TenantLifetimeSettingsChanged.of("acme", TenantLifetimeSettings.defaults()))
                .when(new ChangeTenantSettings("acme", new TenantSettingsPatch(null, null, 600L, null, null, null, null)))
                .expectEvents(TenantLifetimeSettingsChanged.of("acme",
                        TenantLifetimeSettings.builder().defaultTokenLifetime(600).build()));
    }

    @Test
    void renameTenantThenRenamed() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW))
                .when(new RenameTenant("acme", "Acme Inc"))
                .expectEvents(new TenantRenamed("acme", "Acme Inc"));
    }

    @Test
    void renameTenantWhenSameNameThenNothingRecorded() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW))
                .when(new RenameTenant("acme", "Acme"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    /** Found by the fuzz harness: 2^63-1 seconds overflowed when a family started, and the password grant answered 500. */
    @Test
    void changeRefreshSettingsWhenIdleLifetimeIsBeyondARepresentableExpiryThenInvalid() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW))
                .when(new ChangeTenantRefreshSettings("acme", new TenantRefreshSettings(RotationMode.ROTATE,
                        Long.MAX_VALUE, 30, true)))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("refresh_token_idle_lifetime must be at most"))
                .expectNoEvents();
    }

    // --- on_permission_change

    @Test
    void changePermissionChangePolicyThenRecorded() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW))
                .when(new ChangePermissionChangePolicy("acme", PermissionChangePolicy.REVOKE_ALL))
                .expectEvents(new TenantPermissionChangePolicyChanged("acme", PermissionChangePolicy.REVOKE_ALL));
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW),
                        new TenantPermissionChangePolicyChanged("acme", PermissionChangePolicy.REVOKE_ALL))
                .when(new ChangePermissionChangePolicy("acme", PermissionChangePolicy.REVOKE_REFRESH_TOKENS))
                .expectEvents(new TenantPermissionChangePolicyChanged("acme", PermissionChangePolicy.REVOKE_REFRESH_TOKENS));
    }

    @Test
    void changePermissionChangePolicyToTheCurrentOneThenNothingRecorded() {
        // Until the first change the policy is the default.
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW))
                .when(new ChangePermissionChangePolicy("acme", PermissionChangePolicy.DEFAULT))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW),
                        new TenantPermissionChangePolicyChanged("acme", PermissionChangePolicy.NONE))
                .when(new ChangePermissionChangePolicy("acme", PermissionChangePolicy.NONE))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void changePermissionChangePolicyWithoutAPolicyThenInvalidOnPermissionChange() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW))
                .when(new ChangePermissionChangePolicy("acme", null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage("is required")
                .expectNoEvents();
    }

    @Test
    void deleteTenantThenDeleted() {
        fixture.given(new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW))
                .when(new DeleteTenant("acme"))
                .expectEvents(new TenantDeleted("acme"))
                .expectMarkedDeleted();
    }

    static org.hamcrest.Matcher<Object> signingKey(SigningAlgorithm alg, Instant activatesAt, String cause) {
        return new org.hamcrest.TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Object item) {
                return item instanceof SigningKeyCreated k && k.alg() == alg && java.util.Objects.equals(k.activatesAt(), activatesAt)
                        && k.cause().equals(cause) && k.tenantId().equals("acme") && k.createdAt().equals(NOW);
            }

            @Override
            public void describeTo(org.hamcrest.Description d) {
                d.appendText("SigningKeyCreated " + alg + " activating " + activatesAt + " because " + cause);
            }
        };
    }
}
