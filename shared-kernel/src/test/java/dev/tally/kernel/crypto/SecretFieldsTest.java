package dev.tally.kernel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
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

    @Test
    void agreesWithTheRuleItStatesForAwkwardNames() {
        for (String name : List.of("", "_", "hash", "HASH", "h_a_s_h", "hash_", "_hash_", "ash", "Xhash", "newTokenHash",
                "token_hash_value", "hashed", "sealedPrivateJwk", "sealed_private_jwk_", "xSealedPrivateJwk",
                "unsealedPrivateJwk", "SEALEDPRIVATEJWK", "privateJwk", "jwk", "sealed", "İhash", "hasH", "hasĦ")) {
            String letters = name.toLowerCase(Locale.ROOT).replace("_", "");
            boolean expected = letters.endsWith("hash") || letters.equals("sealedprivatejwk");

            assertThat(SecretFields.isSecret(name)).as(name).isEqualTo(expected);
        }
    }
}
