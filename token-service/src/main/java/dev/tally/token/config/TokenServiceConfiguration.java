package dev.tally.token.config;

import dev.tally.kernel.crypto.MasterKey;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class TokenServiceConfiguration {

    @Bean
    public TokenConfig tokenConfig(MasterKey masterKey) {
        return new TokenConfig(masterKey);
    }
}
