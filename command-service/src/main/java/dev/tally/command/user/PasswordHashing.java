package dev.tally.command.user;

import dev.tally.kernel.crypto.PasswordHasher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Argon2id parameters new password hashes are made with. Raising them later is safe: each stored hash names
 * the parameters that made it. Nonsense values (zero iterations, less than 8 KiB per lane) stop the start-up.
 */
@Configuration(proxyBeanMethods = false)
public class PasswordHashing {

    @Bean
    PasswordHasher passwordHasher(Environment env) {
        return new PasswordHasher(
                env.getProperty("tally.password.argon2.memory-kib", Integer.class, PasswordHasher.DEFAULT_MEMORY_KIB),
                env.getProperty("tally.password.argon2.iterations", Integer.class, PasswordHasher.DEFAULT_ITERATIONS),
                env.getProperty("tally.password.argon2.parallelism", Integer.class, PasswordHasher.DEFAULT_PARALLELISM));
    }
}
