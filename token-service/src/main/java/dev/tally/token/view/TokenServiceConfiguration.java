package dev.tally.token.view;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.lifetime.DefaultLifetimeEngine;
import dev.tally.kernel.lifetime.LifetimeEngine;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.token.settings.TokenNodeProperties;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
public class TokenServiceConfiguration {

    @Bean
    public TokenConfig tokenConfig(MasterKey masterKey, LifetimeRuleCompiler ruleCompiler) {
        return new TokenConfig(masterKey, ruleCompiler);
    }

    /** Users, read from the event store on demand and kept in a bounded cache. */
    @Bean
    public Users users(JdbcTemplate jdbc, EventStorageEngine store, TokenNodeProperties properties) {
        return new Users(new StoredUsers(jdbc, store), properties.users().cacheSize(), properties.users().cacheTtl());
    }

    /** Login sessions, read from the event store by their cookie on demand and kept in a bounded cache. */
    @Bean
    public LoginSessions loginSessions(EventStorageEngine store, TokenNodeProperties properties) {
        return new LoginSessions(new StoredSessions(store), properties.sessions().cacheSize());
    }

    /** Decides every lifetime the token service hands out, from the instant of issue its callers give. */
    @Bean
    public LifetimeEngine lifetimeEngine() {
        return new DefaultLifetimeEngine();
    }
}
