package dev.tally.token.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.MasterKey.UnknownMasterKey;
import dev.tally.kernel.crypto.MissingMasterKey;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyActivated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.token.signing.TenantSigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.Test;

/**
 * The token service's configuration during the start-up replay: a key sealed under a master key that has left the ring
 * opens in its later re-sealed form; one that never got such a form stops the start, naming it.
 */
class KeysAwaitingResealTest {
    static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    static final MasterKey A = key(1);
    static final MasterKey B = key(2);
    static final MasterKey C = key(3);
    static final ECKey PRIVATE = generate("k1");
    static final ECKey SECOND = generate("k2");

    private static MasterKey key(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return MasterKey.fromBase64(Base64.getEncoder().encodeToString(raw));
    }

    private static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SigningKeyAdded addedUnder(MasterKey key) {
        String sealed = key.seal(PRIVATE.toJSONString().getBytes(StandardCharsets.UTF_8),
                SigningKeyAdded.associatedData("acme", "k1"));
        return new SigningKeyAdded("acme", "k1", SigningAlgorithm.ES256, PRIVATE.toPublicJWK().toJSONString(), sealed, T0);
    }

    private static SigningKeyResealed resealedBy(MasterKey ring, SigningKeyAdded added) {
        return new SigningKeyResealed("acme", "k1", ring.reseal(added.sealedPrivateJwk(),
                SigningKeyAdded.associatedData("acme", "k1")), T0);
    }

    private static void apply(TokenConfig config, Object... payloads) {
        for (int i = 0; i < payloads.length; i++) {
            config.apply(new GenericDomainEventMessage<>("Tenant", "tenant:acme", i, payloads[i]));
        }
    }

    private static boolean signsVerifiably(TenantSigningKey key) throws Exception {
        return signsVerifiably(key, PRIVATE);
    }

    private static boolean signsVerifiably(TenantSigningKey key, ECKey as) throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader(key.algorithm()), new Payload("hello"));
        jws.sign(key.signer());
        return jws.verify(new ECDSAVerifier(as.toPublicJWK()));
    }

    private static SigningKeyCreated createdUnder(MasterKey key, ECKey jwk, Instant activatesAt) {
        String sealed = key.seal(jwk.toJSONString().getBytes(StandardCharsets.UTF_8),
                SigningKeyAdded.associatedData("acme", jwk.getKeyID()));
        return new SigningKeyCreated("acme", jwk.getKeyID(), SigningAlgorithm.ES256, jwk.toPublicJWK().toJSONString(),
                sealed, T0, activatesAt, activatesAt == null ? "tenant_created" : "rotation_requested");
    }

    /**
     * With rotation, key events follow a key's creation: a key pre-published under a master key that later left the
     * ring is activated in the replay before its re-seal comes; it must sign afterwards, in its place.
     */
    @Test
    void replayWhenAPrePublishedKeyUnderARemovedMasterKeyIsActivatedThenResealedThenItSigns() throws Exception {
        SigningKeyCreated first = createdUnder(B, PRIVATE, null);
        SigningKeyCreated second = createdUnder(A, SECOND, T0.plusSeconds(60));
        String resealed = B.withPrevious(List.of(A)).reseal(second.sealedPrivateJwk(),
                SigningKeyAdded.associatedData("acme", "k2"));
        TokenConfig config = new TokenConfig(B, null);

        config.replayStarted();
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0), first, second,
                new SigningKeyActivated("acme", "k2", SigningAlgorithm.ES256, T0.plusSeconds(60), "k1", T0.plusSeconds(3660)),
                new SigningKeyResealed("acme", "k2", resealed, T0.plusSeconds(120)));
        config.replayFinished();

        TenantSigningKey signing = config.tenant("acme").orElseThrow().signingKey();
        assertThat(signing.kid()).isEqualTo("k2");
        assertThat(signsVerifiably(signing, SECOND)).isTrue();
        assertThat(config.tenant("acme").orElseThrow().jwks().getKeys()).extracting(k -> k.getKeyID())
                .containsExactly("k1", "k2");
    }

    /** A retired key never signs or verifies again: the master key it was sealed under is not needed. */
    @Test
    void replayWhenAKeyUnderAMissingMasterKeyWasRetiredThenTheReplayFinishes() {
        SigningKeyCreated old = createdUnder(A, PRIVATE, null);
        SigningKeyCreated next = createdUnder(B, SECOND, T0.plusSeconds(60));
        TokenConfig config = new TokenConfig(B, null);

        config.replayStarted();
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0), old, next,
                new SigningKeyActivated("acme", "k2", SigningAlgorithm.ES256, T0.plusSeconds(60), "k1", T0.plusSeconds(3660)),
                new SigningKeyRetired("acme", "k1", T0.plusSeconds(3660)));

        assertThatCode(config::replayFinished).doesNotThrowAnyException();
        assertThat(config.tenant("acme").orElseThrow().signingKey().kid()).isEqualTo("k2");
    }

    @Test
    void replayWhenAKeyUnderARemovedMasterKeyWasResealedLaterThenItOpensInTheLatestForm() throws Exception {
        SigningKeyAdded underA = addedUnder(A);
        TokenConfig config = new TokenConfig(B, null);

        config.replayStarted();
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0), underA,
                resealedBy(B.withPrevious(List.of(A)), underA));
        config.replayFinished();

        TenantSigningKey key = config.tenant("acme").orElseThrow().signingKey();
        assertThat(key.kid()).isEqualTo("k1");
        assertThat(signsVerifiably(key)).isTrue();
        assertThat(config.tenant("acme").orElseThrow().jwks().getKeyByKeyId("k1")).isNotNull();
    }

    @Test
    void replayWhenAKeyOpensWithAPreviousKeyOfTheRingThenItIsOpenedAtOnce() throws Exception {
        TokenConfig config = new TokenConfig(B.withPrevious(List.of(A)), null);

        config.replayStarted();
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0), addedUnder(A));

        assertThat(signsVerifiably(config.tenant("acme").orElseThrow().signingKey())).isTrue();
        assertThatCode(config::replayFinished).doesNotThrowAnyException();
    }

    @Test
    void replayWhenAKeyIsSealedOnlyUnderAMasterKeyTheRingLacksThenFinishingItFailsNamingTenantKeyFingerprintAndSetting() {
        TokenConfig config = new TokenConfig(C.withPrevious(List.of(B)), null);

        config.replayStarted();
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0), addedUnder(A));

        assertThatThrownBy(config::replayFinished).isInstanceOf(MissingMasterKey.class)
                .hasMessageContaining("tenant 'acme'").hasMessageContaining("signing key 'k1'")
                .hasMessageContaining("master key " + A.fingerprint())
                .hasMessageContaining("tally.master-key-previous");
    }

    @Test
    void replayWhenTheResealIsUnderAnotherMissingKeyThenItStillFailsNamingThatKey() {
        SigningKeyAdded underA = addedUnder(A);
        TokenConfig config = new TokenConfig(C, null);

        config.replayStarted();
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0), underA,
                resealedBy(B.withPrevious(List.of(A)), underA));

        assertThatThrownBy(config::replayFinished).isInstanceOf(MissingMasterKey.class)
                .hasMessageContaining("master key " + B.fingerprint());
    }

    /**
     * The key opens in the form it was added in, but the ring lacks the key of its latest form: the command service
     * could not re-seal it, and a node with the ring the operator meant would not open it. Refused at start.
     */
    @Test
    void replayWhenOnlyAnEarlierFormOpensThenFinishingItFailsNamingTheLatestFormsKey() {
        SigningKeyAdded underA = addedUnder(A);
        TokenConfig config = new TokenConfig(C.withPrevious(List.of(A)), null);

        config.replayStarted();
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0), underA,
                resealedBy(B.withPrevious(List.of(A)), underA));

        assertThatThrownBy(config::replayFinished).isInstanceOf(MissingMasterKey.class)
                .hasMessageContaining("master key " + B.fingerprint());
    }

    @Test
    void replayWhenTheTenantOfAnUnreadableKeyWasDeletedThenTheReplayFinishes() {
        TokenConfig config = new TokenConfig(B, null);

        config.replayStarted();
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0), addedUnder(A),
                new TenantDeleted("acme"));

        assertThatCode(config::replayFinished).doesNotThrowAnyException();
        assertThat(config.tenant("acme")).isEmpty();
    }

    /** Outside the replay nothing waits: the view's failure is seen at once (the projection records it). */
    @Test
    void liveWhenAKeyDoesNotOpenThenApplyingItFailsAtOnce() {
        TokenConfig config = new TokenConfig(B, null);
        apply(config, new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0));

        assertThatThrownBy(() -> config.apply(new GenericDomainEventMessage<>("Tenant", "tenant:acme", 1, addedUnder(A))))
                .isInstanceOf(UnknownMasterKey.class);
    }
}
