package dev.tally.kernel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretFieldsTest {
    @Test
    void hashesAndSealedKeysAreSecretInEitherCase() {
        assertThat(SecretFields.isSecret("passwordHash")).isTrue();
        assertThat(SecretFields.isSecret("cookie_hash")).isTrue();
        assertThat(SecretFields.isSecret("sealedPrivateJwk")).isTrue();
        assertThat(SecretFields.isSecret("sealed_private_jwk")).isTrue();
        assertThat(SecretFields.isSecret("publicJwk")).isFalse();
        assertThat(SecretFields.isSecret("hashAlgorithm")).isFalse();
        assertThat(SecretFields.isSecret("decidedBy")).isFalse();
    }
}
