package dev.tally.token.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.token.fixture.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TenantSigningKeyTest {
    static final MasterKey MASTER = master("0123456789abcdef0123456789abcdef");
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void unsealWhenSealedForThisTenantAndKidThenTheKeyWithItsPublicHalf() {
        JWK key = TestKeys.ec(1);

        TenantSigningKey unsealed = TenantSigningKey.unseal(event("acme", key, sealed("acme", key, MASTER)), MASTER);

        assertThat(unsealed.kid()).isEqualTo(key.getKeyID());
        assertThat(unsealed.algorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(unsealed.publicJwk()).isEqualTo(key.toPublicJWK());
        assertThat(unsealed.publicJwk().isPrivate()).isFalse();
        assertThat(unsealed.signer().supportedJWSAlgorithms()).contains(JWSAlgorithm.ES256);
    }

    /** The sealed key is bound to its tenant: a key copied into another tenant's event does not open. */
    @Test
    void unsealWhenSealedForAnotherTenantThenRefused() {
        JWK key = TestKeys.ec(1);

        assertThatThrownBy(() -> TenantSigningKey.unseal(event("globex", key, sealed("acme", key, MASTER)), MASTER))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("failed authentication");
    }

    @Test
    void unsealWhenSealedWithAnotherMasterKeyThenRefused() {
        JWK key = TestKeys.ec(1);
        MasterKey other = master("fedcba9876543210fedcba9876543210");

        assertThatThrownBy(() -> TenantSigningKey.unseal(event("acme", key, sealed("acme", key, other)), MASTER))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another master key");
    }

    @Test
    void unsealWhenTheSealedValueIsNotAKeyThenUnusable() {
        JWK key = TestKeys.ec(1);
        String notAKey = MASTER.seal("{\"kty\":\"nonsense\"}".getBytes(StandardCharsets.UTF_8),
                SigningKeyAdded.associatedData("acme", key.getKeyID()));

        assertThatThrownBy(() -> TenantSigningKey.unseal(event("acme", key, notAKey), MASTER))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is unusable");
    }

    private static SigningKeyAdded event(String tenantId, JWK key, String sealed) {
        return new SigningKeyAdded(tenantId, key.getKeyID(), SigningAlgorithm.ES256, key.toPublicJWK().toJSONString(),
                sealed, T0);
    }

    private static String sealed(String tenantId, JWK key, MasterKey master) {
        return master.seal(key.toJSONString().getBytes(StandardCharsets.UTF_8),
                SigningKeyAdded.associatedData(tenantId, key.getKeyID()));
    }

    private static MasterKey master(String raw) {
        return MasterKey.fromBase64(Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII)));
    }
}
