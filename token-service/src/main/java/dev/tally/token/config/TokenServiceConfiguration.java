package dev.tally.token.config;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.lifetime.DefaultLifetimeEngine;
import dev.tally.kernel.lifetime.LifetimeEngine;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class TokenServiceConfiguration {

    @Bean
    public TokenConfig tokenConfig(MasterKey masterKey, LifetimeRuleCompiler ruleCompiler) {
        return new TokenConfig(masterKey, ruleCompiler);
    }

    /** Decides every lifetime the token service hands out, reading the injected clock. */
    @Bean
    public LifetimeEngine lifetimeEngine(Clock clock) {
        return new DefaultLifetimeEngine(clock);
    }
}
