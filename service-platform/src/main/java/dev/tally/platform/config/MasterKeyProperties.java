package dev.tally.platform.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the master key ring comes from: the keys that seal every private signing key before it enters an event. Keep
 * them: without the key a value was sealed under, that private key in the history cannot be opened. A service that
 * needs a key and has neither setting refuses to start. The primary key seals; previous keys only open what they
 * sealed, until the command service has sealed it again under the primary (README: "Rotate the master key").
 *
 * @param masterKey         the primary master key itself, base64 of 32 random bytes (as {@code TALLY_MASTER_KEY}, best
 *                          from a secret store); wins over {@code tally.master-key-file}
 * @param masterKeyFile     a file holding the master key, created (readable by its owner only) when absent; one key per
 *                          line, the primary first, then previous keys; the standalone server's default is
 *                          {@code master.key} in {@code tally.data-dir}
 * @param masterKeyPrevious previous master keys (base64, comma-separated as {@code TALLY_MASTER_KEY_PREVIOUS}): they
 *                          open what they sealed, never seal; with either form of the primary
 */
@ConfigurationProperties("tally")
public record MasterKeyProperties(String masterKey, String masterKeyFile, List<String> masterKeyPrevious) {

    public MasterKeyProperties {
        masterKeyPrevious = masterKeyPrevious == null ? List.of()
                : masterKeyPrevious.stream().filter(k -> k != null && !k.isBlank()).toList();
    }

    /** Never the keys themselves, wherever a record is printed. */
    @Override
    public String toString() {
        return "MasterKeyProperties[masterKey=" + (masterKey == null || masterKey.isBlank() ? "unset" : "[redacted]")
                + ", masterKeyFile=" + masterKeyFile + ", masterKeyPrevious=" + masterKeyPrevious.size() + " [redacted]]";
    }
}
