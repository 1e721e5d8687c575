package dev.tally.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.admin.AdminTokenProperties;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A settings record that holds a secret never prints it: a failure analysis or a debug line may print the record. */
class SecretPropertiesTest {
    @Test
    void masterKeyPropertiesWhenPrintedThenTheKeyIsRedactedAndTheFileNamed() {
        String key = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

        String printed = new MasterKeyProperties(key, "/var/lib/tally/master.key", List.of(key)).toString();

        assertThat(printed).doesNotContain(key).contains("[redacted]").contains("/var/lib/tally/master.key");
        assertThat(new MasterKeyProperties(null, null, null).toString()).contains("masterKey=unset");
    }

    @Test
    void adminTokenPropertiesWhenPrintedThenTheTokenIsRedacted() {
        String token = "a-long-administrator-token-0123456789";

        assertThat(new AdminTokenProperties(token, true).toString()).doesNotContain(token).contains("[redacted]")
                .contains("requireAdminToken=true");
    }
}
