package dev.tally.platform.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the master key comes from: the key that seals every private signing key before it enters an event. Keep it:
 * without it the private keys in the history cannot be opened. A service that needs it and has neither refuses to
 * start.
 *
 * @param masterKey     the master key itself, base64 of 32 random bytes (as {@code TALLY_MASTER_KEY}, best from a
 *                      secret store); wins over {@code tally.master-key-file}
 * @param masterKeyFile a file holding the master key, created (readable by its owner only) when absent; the standalone
 *                      server's default is {@code master.key} in {@code tally.data-dir}
 */
@ConfigurationProperties("tally")
public record MasterKeyProperties(String masterKey, String masterKeyFile) {

    /** Never the key itself, wherever a record is printed. */
    @Override
    public String toString() {
        return "MasterKeyProperties[masterKey=" + (masterKey == null || masterKey.isBlank() ? "unset" : "[redacted]")
                + ", masterKeyFile=" + masterKeyFile + "]";
    }
}
