package dev.tally.command.user;

import dev.tally.kernel.crypto.PasswordHasher;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Argon2id parameters new password hashes are made with. Raising them later is safe: each stored hash names
 * the parameters that made it. Nonsense values (zero iterations, less than 8 KiB per lane) stop the start-up.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PasswordHashingProperties.class)
public class PasswordHashing {

    @Bean
    PasswordHasher passwordHasher(PasswordHashingProperties argon2) {
        return new PasswordHasher(argon2.memoryKib(), argon2.iterations(), argon2.parallelism());
    }
}
