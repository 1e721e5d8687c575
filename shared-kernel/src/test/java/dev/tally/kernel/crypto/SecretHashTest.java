package dev.tally.kernel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretHashTest {
    @Test
    void matchesOnlyTheSecretItWasMadeFrom() {
        String secret = RandomTokens.urlSafe(32);
        String hash = SecretHash.of(secret);

        assertThat(hash).hasSize(64).doesNotContain(secret);
        assertThat(SecretHash.matches(secret, hash)).isTrue();
        assertThat(SecretHash.matches(secret + "x", hash)).isFalse();
        assertThat(SecretHash.matches(null, hash)).isFalse();
        assertThat(SecretHash.matches(secret, "not-hex")).isFalse();
    }
}
