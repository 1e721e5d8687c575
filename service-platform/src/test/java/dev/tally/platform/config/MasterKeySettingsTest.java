package dev.tally.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.crypto.MasterKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A wrong master key setting stops start-up with a message naming the setting, never its value. */
class MasterKeySettingsTest {
    static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    static final String SHORT = Base64.getEncoder().encodeToString("sixteen bytes!!!".getBytes());

    @Test
    void masterKeyWhenAPreviousKeyIsNotThirtyTwoBytesThenTheSettingAndItsPlaceAreNamed() {
        MasterKeyProperties properties = new MasterKeyProperties(KEY, null, List.of(KEY, SHORT));

        assertThatThrownBy(() -> new TallyPlatformAutoConfiguration().masterKey(properties))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tally.master-key-previous[1]")
                .hasMessageNotContaining(SHORT);
    }

    @Test
    void masterKeyWhenThePrimaryIsNotBase64ThenTheSettingIsNamed() {
        MasterKeyProperties properties = new MasterKeyProperties("not a key!", null, List.of());

        assertThatThrownBy(() -> new TallyPlatformAutoConfiguration().masterKey(properties))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tally.master-key (TALLY_MASTER_KEY)")
                .hasMessageNotContaining("not a key!");
    }

    @Test
    void masterKeyWithPreviousKeysThenARingThatOpensWhatTheyAndThePrimarySealed() {
        byte[] other = new byte[32];
        other[0] = 1;
        String otherKey = Base64.getEncoder().encodeToString(other);
        String sealedByOld = MasterKey.fromBase64(otherKey).seal("x".getBytes(), "ad");

        MasterKey ring = new TallyPlatformAutoConfiguration().masterKey(new MasterKeyProperties(KEY, null, List.of(otherKey)));

        assertThat(new String(ring.open(sealedByOld, "ad"))).isEqualTo("x");
        assertThat(new String(ring.open(ring.seal("y".getBytes(), "ad"), "ad"))).isEqualTo("y");
    }
}
