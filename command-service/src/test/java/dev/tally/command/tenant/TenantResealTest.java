package dev.tally.command.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;

import com.nimbusds.jose.jwk.JWK;
import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.MissingMasterKey;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantCommands.ResealSigningKeys;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.Test;

/** The tenant re-seals its signing keys under the master key ring's primary, once, and only what needs it. */
class TenantResealTest {
    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    static final MasterKey A = key(1);
    static final MasterKey B = key(2);
    static final MasterKey C = key(3);
    static final TenantCreated CREATED = new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, NOW.minusSeconds(3600));

    private static MasterKey key(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return MasterKey.fromBase64(Base64.getEncoder().encodeToString(raw));
    }

    /** A key of the tenant's, signing at once, sealed under {@code key}. */
    private static SigningKeyCreated created(MasterKey key) {
        return new SigningKeyFactory(key).newKey("acme", SigningAlgorithm.ES256, NOW.minusSeconds(3600), null,
                "tenant_created");
    }

    private static AggregateTestFixture<Tenant> fixtureWithRing(MasterKey ring) {
        AggregateTestFixture<Tenant> fixture = new AggregateTestFixture<>(Tenant.class);
        fixture.registerInjectableResource(new InMemoryTenantDirectory());
        fixture.registerInjectableResource(new SigningKeyFactory(ring));
        fixture.registerInjectableResource(new SigningKeyResealing(ring));
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        return fixture;
    }

    @Test
    void resealWhenAKeyIsUnderAPreviousMasterKeyThenResealedUnderThePrimaryWithTheSamePrivateKey() throws Exception {
        SigningKeyCreated underA = created(A);

        fixtureWithRing(B.withPrevious(List.of(A)))
                .given(CREATED, underA)
                .when(new ResealSigningKeys("acme"))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(List.of(underA.kid()))
                .expectEventsMatching(payloadsMatching(exactSequenceOf(resealedUnder(B, underA), Matchers.andNoMore())));
    }

    @Test
    void resealWhenEveryKeyIsUnderThePrimaryThenNothingIsRecorded() {
        SigningKeyCreated underB = created(B);

        fixtureWithRing(B.withPrevious(List.of(A)))
                .given(CREATED, underB)
                .when(new ResealSigningKeys("acme"))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(List.of())
                .expectNoEvents();
    }

    /** The second of two nodes asking at once finds the first one's re-seal in the history and does nothing. */
    @Test
    void resealWhenTheKeyWasResealedAlreadyThenTheLatestSealedFormCountsAndNothingIsRecorded() {
        SigningKeyCreated underA = created(A);
        String underB = B.withPrevious(List.of(A)).reseal(underA.sealedPrivateJwk(),
                SigningKeyAdded.associatedData("acme", underA.kid()));

        // A has left the ring: the aggregate must not need it
        fixtureWithRing(B)
                .given(CREATED, underA, new SigningKeyResealed("acme", underA.kid(), underB, NOW))
                .when(new ResealSigningKeys("acme"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void resealWhenAKeyIsSealedUnderAMasterKeyTheRingLacksThenRefusedNamingTenantKeyFingerprintAndSetting() {
        SigningKeyCreated underA = created(A);

        fixtureWithRing(C.withPrevious(List.of(B)))
                .given(CREATED, underA)
                .when(new ResealSigningKeys("acme"))
                .expectException(MissingMasterKey.class)
                .expectExceptionMessage(org.hamcrest.Matchers.allOf(
                        org.hamcrest.Matchers.containsString("tenant 'acme'"),
                        org.hamcrest.Matchers.containsString("'" + underA.kid() + "'"),
                        org.hamcrest.Matchers.containsString(A.fingerprint()),
                        org.hamcrest.Matchers.containsString("tally.master-key-previous")))
                .expectNoEvents();
    }

    /** Tenants made before keys rotated hold a {@code SigningKeyAdded}: it is re-sealed the same way. */
    @Test
    void resealWhenAKeyOfBeforeRotationIsUnderAPreviousMasterKeyThenResealedUnderThePrimary() {
        SigningKeyCreated k = created(A);
        SigningKeyAdded underA = new SigningKeyAdded("acme", k.kid(), k.alg(), k.publicJwk(), k.sealedPrivateJwk(),
                k.createdAt());

        fixtureWithRing(B.withPrevious(List.of(A)))
                .given(CREATED, underA)
                .when(new ResealSigningKeys("acme"))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(List.of(k.kid()))
                .expectEventsMatching(payloadsMatching(exactSequenceOf(resealedUnder(B, k), Matchers.andNoMore())));
    }

    /** A retired or revoked key never signs or verifies again: it is not re-sealed and its master key is not needed. */
    @Test
    void resealWhenKeysUnderAMissingMasterKeyWereRetiredOrRevokedThenOnlyTheLiveKeyIsResealed() {
        SigningKeyCreated retired = created(A);
        SigningKeyCreated revoked = created(A);
        SigningKeyCreated live = created(A);

        fixtureWithRing(C.withPrevious(List.of(A)))
                .given(CREATED, retired, revoked, live, new SigningKeyRetired("acme", retired.kid(), NOW),
                        new SigningKeyRevoked("acme", revoked.kid(), SigningAlgorithm.ES256, NOW, "compromised"))
                .when(new ResealSigningKeys("acme"))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(List.of(live.kid()));
        fixtureWithRing(C)
                .given(CREATED, retired, revoked, new SigningKeyRetired("acme", retired.kid(), NOW),
                        new SigningKeyRevoked("acme", revoked.kid(), SigningAlgorithm.ES256, NOW, "compromised"))
                .when(new ResealSigningKeys("acme"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void resealWhenTheTenantWasDeletedThenRefusedAsForAnyCommand() {
        SigningKeyCreated underA = created(A);

        fixtureWithRing(B)
                .given(CREATED, underA, new TenantDeleted("acme"))
                .when(new ResealSigningKeys("acme"))
                .expectException(AggregateDeletedException.class)
                .expectNoEvents();
    }

    /** A re-seal of {@code added}'s key under {@code primary} that opens to the same private key. */
    private static Matcher<Object> resealedUnder(MasterKey primary, SigningKeyCreated added) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Object item) {
                if (!(item instanceof SigningKeyResealed r) || !r.tenantId().equals("acme") || !r.kid().equals(added.kid())
                        || !r.at().equals(NOW) || !MasterKey.sealedBy(r.sealedPrivateJwk()).equals(primary.fingerprint())) {
                    return false;
                }
                String aad = SigningKeyAdded.associatedData("acme", added.kid());
                String before = new String(A.open(added.sealedPrivateJwk(), aad), StandardCharsets.UTF_8);
                String after = new String(primary.open(r.sealedPrivateJwk(), aad), StandardCharsets.UTF_8);
                try {
                    assertThat(JWK.parse(after).isPrivate()).isTrue();
                } catch (ParseException e) {
                    return false;
                }
                return before.equals(after);
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("SigningKeyResealed of " + added.kid() + " under " + primary.fingerprint());
            }
        };
    }
}
