package dev.tally.token.view;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.lifetime.DefaultLifetimeEngine;
import dev.tally.kernel.lifetime.LifetimeEngine;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class TokenServiceConfiguration {

    @Bean
    public TokenConfig tokenConfig(MasterKey masterKey, LifetimeRuleCompiler ruleCompiler) {
        return new TokenConfig(masterKey, ruleCompiler);
    }

    @Bean
    public Users users() {
        return new Users();
    }

    @Bean
    public LoginSessions loginSessions() {
        return new LoginSessions();
    }

    /** Decides every lifetime the token service hands out, from the instant of issue its callers give. */
    @Bean
    public LifetimeEngine lifetimeEngine() {
        return new DefaultLifetimeEngine();
    }
}
