package dev.tally.token.settings;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * The token service's settings, typed: each {@code tally.*} property it reads is a field of one of these records,
 * with its default and its checks, and is described in the configuration metadata the README's list is checked against.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({IssuerProperties.class, CookieProperties.class, ClientAuthProperties.class,
        LoginProperties.class, SessionActivityProperties.class, TokenNodeProperties.class})
public class TokenSettingsConfiguration {
}
