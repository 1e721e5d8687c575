package dev.tally.kernel.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {

    @Test
    void sealThenOpenWithSameAssociatedDataReturnsPlaintext() throws Exception {
        MasterKey key = MasterKey.loadOrCreate(Files.createTempDirectory("mk").resolve("master.key"));
        String sealed = key.seal("secret jwk".getBytes(StandardCharsets.UTF_8), "acme/k1");

        assertThat(sealed).startsWith("v1." + key.fingerprint() + ".").doesNotContain("secret");
        assertThat(new String(key.open(sealed, "acme/k1"), StandardCharsets.UTF_8)).isEqualTo("secret jwk");
    }

    @Test
    void openWhenAssociatedDataDiffersThenRejected() throws Exception {
        MasterKey key = MasterKey.loadOrCreate(Files.createTempDirectory("mk").resolve("master.key"));
        String sealed = key.seal(new byte[] {1, 2, 3}, "acme/k1");

        assertThatThrownBy(() -> key.open(sealed, "globex/k1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void openWhenSealedByAnotherMasterKeyThenSaysSo(@TempDir Path dir) throws Exception {
        MasterKey one = MasterKey.loadOrCreate(dir.resolve("one.key"));
        MasterKey two = MasterKey.loadOrCreate(dir.resolve("two.key"));
        String sealed = one.seal(new byte[] {1}, "a");

        assertThatThrownBy(() -> two.open(sealed, "a")).hasMessageContaining("another master key");
    }

    @Test
    void loadOrCreateWritesOwnerOnlyFileAndReadsTheSameKeyBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data/master.key");
        MasterKey created = MasterKey.loadOrCreate(file);
        MasterKey reloaded = MasterKey.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(reloaded.fingerprint()).isEqualTo(created.fingerprint());
        assertThat(reloaded.open(created.seal(new byte[] {7}, "x"), "x")).containsExactly(7);
    }

    @Test
    void fromBase64WhenNot32BytesThenRejected() {
        assertThatThrownBy(() -> MasterKey.fromBase64("AAAA")).isInstanceOf(IllegalArgumentException.class);
    }
}
