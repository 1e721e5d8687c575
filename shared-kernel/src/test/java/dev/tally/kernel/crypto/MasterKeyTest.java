package dev.tally.kernel.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
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

    private static MasterKey key(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return MasterKey.fromBase64(Base64.getEncoder().encodeToString(raw));
    }

    @Test
    void ringSealsUnderThePrimaryOnly() {
        MasterKey a = key(1);
        MasterKey b = key(2);
        MasterKey ring = b.withPrevious(List.of(a));

        String sealed = ring.seal(new byte[] {9}, "ad");

        assertThat(ring.fingerprint()).isEqualTo(b.fingerprint());
        assertThat(ring.fingerprints()).containsExactly(b.fingerprint(), a.fingerprint());
        assertThat(MasterKey.sealedBy(sealed)).isEqualTo(b.fingerprint());
        assertThat(ring.sealedUnderPrimary(sealed)).isTrue();
        assertThat(b.open(sealed, "ad")).containsExactly(9);
        assertThatThrownBy(() -> a.open(sealed, "ad")).isInstanceOf(MasterKey.UnknownMasterKey.class);
    }

    @Test
    void ringOpensWhatEveryOfItsKeysSealed() {
        MasterKey a = key(1);
        MasterKey b = key(2);
        MasterKey c = key(3);
        MasterKey ring = c.withPrevious(List.of(b, a));

        assertThat(ring.open(a.seal(new byte[] {1}, "ad"), "ad")).containsExactly(1);
        assertThat(ring.open(b.seal(new byte[] {2}, "ad"), "ad")).containsExactly(2);
        assertThat(ring.open(c.seal(new byte[] {3}, "ad"), "ad")).containsExactly(3);
        assertThat(ring.holdsKeyOf(a.seal(new byte[] {1}, "ad"))).isTrue();
        assertThat(ring.sealedUnderPrimary(a.seal(new byte[] {1}, "ad"))).isFalse();
    }

    @Test
    void resealOpensUnderAPreviousKeyAndSealsUnderThePrimary() {
        MasterKey a = key(1);
        MasterKey b = key(2);
        String underA = a.seal("private jwk".getBytes(StandardCharsets.UTF_8), "signing-key:acme/k1");

        String underB = b.withPrevious(List.of(a)).reseal(underA, "signing-key:acme/k1");

        assertThat(MasterKey.sealedBy(underB)).isEqualTo(b.fingerprint());
        assertThat(new String(b.open(underB, "signing-key:acme/k1"), StandardCharsets.UTF_8)).isEqualTo("private jwk");
        assertThat(underB).doesNotContain("private");
    }

    @Test
    void openWhenTheFingerprintIsNotInTheRingThenTheErrorNamesItAndTheRing() {
        MasterKey a = key(1);
        MasterKey b = key(2);
        MasterKey c = key(3);
        String sealed = a.seal(new byte[] {1}, "ad");
        MasterKey ring = c.withPrevious(List.of(b));

        assertThatThrownBy(() -> ring.open(sealed, "ad"))
                .isInstanceOfSatisfying(MasterKey.UnknownMasterKey.class,
                        e -> assertThat(e.fingerprint()).isEqualTo(a.fingerprint()))
                .hasMessageContaining("another master key (fingerprint " + a.fingerprint() + ")")
                .hasMessageContaining("primary " + c.fingerprint())
                .hasMessageContaining("previous " + b.fingerprint());
        assertThatThrownBy(() -> ring.requireKeyOf(sealed)).isInstanceOf(MasterKey.UnknownMasterKey.class);
    }

    @Test
    void missingMasterKeyNamesTenantKeyFingerprintAndSetting() {
        MasterKey a = key(1);
        MasterKey b = key(2);
        String sealed = a.seal(new byte[] {1}, "ad");

        MasterKey.UnknownMasterKey unknown = (MasterKey.UnknownMasterKey) catchThrowable(() -> b.requireKeyOf(sealed));
        MissingMasterKey missing = new MissingMasterKey("acme", "k1", unknown);

        assertThat(missing).hasMessageContaining("tenant 'acme'").hasMessageContaining("signing key 'k1'")
                .hasMessageContaining(a.fingerprint()).hasMessageContaining("tally.master-key-previous")
                .hasMessageContaining("tally.master-key-file");
        assertThat(missing.fingerprint()).isEqualTo(a.fingerprint());
    }

    @Test
    void aKeyGivenAsPrimaryAndAsPreviousCountsOnce() {
        MasterKey a = key(1);

        assertThat(a.withPrevious(List.of(a, key(2), key(2))).fingerprints()).hasSize(2);
    }

    @Test
    void loadOrCreateReadsTheFilesFurtherLinesAsPreviousKeys(@TempDir Path dir) throws Exception {
        MasterKey a = key(1);
        MasterKey b = key(2);
        Path file = dir.resolve("master.key");
        Files.writeString(file, "# primary first\n" + Base64.getEncoder().encodeToString(filled(2)) + "\n\n"
                + Base64.getEncoder().encodeToString(filled(1)) + "\n");

        MasterKey ring = MasterKey.loadOrCreate(file);

        assertThat(ring.fingerprints()).containsExactly(b.fingerprint(), a.fingerprint());
        assertThat(ring.open(a.seal(new byte[] {5}, "x"), "x")).containsExactly(5);
    }

    @Test
    void deriveUsesThePrimary() {
        MasterKey a = key(1);
        MasterKey b = key(2);

        assertThat(b.withPrevious(List.of(a)).derive("refresh")).isEqualTo(b.derive("refresh"))
                .isNotEqualTo(a.derive("refresh"));
        assertThat(a.withPrevious(List.of(b)).derive("refresh")).isEqualTo(a.derive("refresh"));
    }

    private static byte[] filled(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return raw;
    }
}
