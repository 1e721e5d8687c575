package dev.tally.token.settings;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The token service's settings, typed: each {@code tally.*} property it reads is a field of one of these records,
 * with its default and its checks, and is described in the configuration metadata the README's list is checked against.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({IssuerProperties.class, CookieProperties.class, ClientAuthProperties.class,
        LoginProperties.class, SessionActivityProperties.class, TokenNodeProperties.class, ClientAssertionProperties.class})
public class TokenSettingsConfiguration {
    /** Settings that were renamed: one set under the old name stops the start-up instead of being ignored. */
    static final String[][] RENAMED = {
            {"tally.login.max-failures-per-user", "tally.login.max-failures-per-user-and-address (issue 15: a count per "
                    + "user alone let anyone lock the user out; across addresses a user's attempts now only wait, "
                    + "see tally.login.user-delay-after-failures)"}};

    public TokenSettingsConfiguration(Environment environment) {
        for (String[] renamed : RENAMED) {
            if (environment.containsProperty(renamed[0])) {
                throw new IllegalStateException(renamed[0] + " is no longer read; use " + renamed[1]);
            }
        }
    }
}
