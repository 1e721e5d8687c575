package dev.tally.command.user;

import dev.tally.kernel.crypto.PasswordHasher;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.password.argon2.*}: the Argon2id parameters new password hashes are made with ({@link PasswordHasher}
 * refuses nonsense values, such as zero iterations or less than 8 KiB per lane, and with it the start-up).
 *
 * @param memoryKib   Argon2id: the memory each new password hash takes, in KiB
 * @param iterations  Argon2id: passes over that memory for each new password hash
 * @param parallelism Argon2id: lanes of each new password hash
 */
@ConfigurationProperties("tally.password.argon2")
public record PasswordHashingProperties(
        @DefaultValue("" + PasswordHasher.DEFAULT_MEMORY_KIB) int memoryKib,
        @DefaultValue("" + PasswordHasher.DEFAULT_ITERATIONS) int iterations,
        @DefaultValue("" + PasswordHasher.DEFAULT_PARALLELISM) int parallelism) {
}
