package dev.tally.kernel.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.client.ClientMetadata;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StringMetadataTest {
    @Test
    void requireValidWhenNullThenEmpty() {
        assertThat(StringMetadata.requireValid("user_metadata", null)).isEmpty();
    }

    @Test
    void requireValidWhenTwentyOneKeysThenInvalidNamingTheMap() {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 21; i++) {
            metadata.put("k" + i, "v");
        }
        assertThatThrownBy(() -> StringMetadata.requireValid("user_metadata", metadata))
                .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo("user_metadata"))
                .hasMessage("may hold at most 20 keys");
    }

    @Test
    void requireValidWhenValueTooLongThenInvalidNamingTheKey() {
        assertThatThrownBy(() -> StringMetadata.requireValid("user_metadata", Map.of("team", "x".repeat(256))))
                .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo("user_metadata.team"));
    }

    @Test
    void requireValidWhenKeyBlankThenInvalid() {
        assertThatThrownBy(() -> StringMetadata.requireValid("user_metadata", Map.of(" ", "v")))
                .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo("user_metadata"));
    }

    @Test
    void clientMetadataKeepsItsFieldName() {
        assertThatThrownBy(() -> ClientMetadata.requireValid(Map.of("tier", "x".repeat(256))))
                .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo("client_metadata.tier"));
        assertThat(ClientMetadata.requireValid(Map.of("b", "2", "a", "1"))).isEqualTo(Map.of("a", "1", "b", "2"));
    }
}
