package dev.tally.resourceserver;

import dev.tally.resourceserver.TallyResourceServerProperties.Revocations;
import dev.tally.resourceserver.revocation.RevocationList;
import dev.tally.resourceserver.revocation.RevocationMetrics;
import dev.tally.resourceserver.revocation.RevocationPoller;
import dev.tally.resourceserver.revocation.RevocationValidator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/**
 * With {@code tally.issuer-uri} set: a {@link JwtDecoder} for the tenant's RFC 9068 access tokens that refuses the
 * revoked ones, and the revocation list's poller. It runs before Boot's resource-server auto-configuration, so Boot
 * finds this decoder, keeps its own away, and protects every endpoint with it (its default
 * {@code SecurityFilterChain}: any request authenticated, bearer JWTs). An application's own
 * {@code SecurityFilterChain} with {@code oauth2ResourceServer(jwt)} uses the same decoder; an application's own
 * {@code JwtDecoder} replaces this one, and can add the bean {@code tallyTokenValidator} to its validators.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration"})
@ConditionalOnProperty("tally.issuer-uri")
@EnableConfigurationProperties(TallyResourceServerProperties.class)
public class TallyResourceServerAutoConfiguration {

    /** The time every expiry and staleness decision is made by; an application (or a test) may give its own. */
    @Bean
    @ConditionalOnMissingBean
    Clock tallyClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "tally.revocations.enabled", matchIfMissing = true)
    RevocationList tallyRevocationList(TallyResourceServerProperties properties) {
        return new RevocationList(properties.revocations().retention());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "tally.revocations.enabled", matchIfMissing = true)
    RevocationPoller tallyRevocationPoller(TallyResourceServerProperties properties, RevocationList list, Clock clock) {
        Revocations r = properties.revocations();
        return new RevocationPoller(properties.issuer(), properties.revocationsUri(), r.clientId(), r.clientSecret(),
                r.interval(), r.timeout(), r.pageSize(), list, clock);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "tally.revocations.enabled", matchIfMissing = true)
    RevocationValidator tallyRevocationValidator(TallyResourceServerProperties properties, RevocationList list,
                                                 RevocationPoller poller) {
        Revocations r = properties.revocations();
        return new RevocationValidator(list, poller, r.maxStaleness(), r.whenStale());
    }

    /**
     * Everything a token of this API must pass: RFC 9068 ({@code typ at+jwt}, the required claims), the issuer, one
     * of {@code tally.audience}, its times by the injected clock, and then the revocation list.
     */
    @Bean
    OAuth2TokenValidator<Jwt> tallyTokenValidator(TallyResourceServerProperties properties, Clock clock,
                                                  ObjectProvider<RevocationValidator> revocations) {
        JwtTimestampValidator times = new JwtTimestampValidator();
        times.setClock(clock);
        List<String> audiences = properties.audience();
        OAuth2TokenValidator<Jwt> rfc9068 = JwtValidators.createAtJwtValidator().issuer(properties.issuer())
                .validators(v -> {
                    v.put("exp", new DelegatingOAuth2TokenValidator<>(
                            new JwtClaimValidator<Object>("exp", Objects::nonNull), times));
                    v.put("aud", new JwtClaimValidator<List<String>>("aud",
                            aud -> aud != null && aud.stream().anyMatch(audiences::contains)));
                })
                .build();
        List<OAuth2TokenValidator<Jwt>> all = new ArrayList<>(List.of(rfc9068));
        revocations.ifAvailable(all::add);
        return new DelegatingOAuth2TokenValidator<>(all);
    }

    /**
     * Keys from the issuer's {@code jwks_uri}. Discovery waits for the first token, as with Boot's own
     * {@code issuer-uri} (a {@link SupplierJwtDecoder}, retried until it succeeds), so the application starts while
     * Tally is down.
     */
    @Bean
    @ConditionalOnMissingBean
    JwtDecoder jwtDecoder(TallyResourceServerProperties properties, OAuth2TokenValidator<Jwt> tallyTokenValidator) {
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(properties.issuer()).build();
            decoder.setJwtValidator(tallyTokenValidator);
            return decoder;
        });
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class Metrics {
        @Bean
        @ConditionalOnBooleanProperty(name = "tally.revocations.enabled", matchIfMissing = true)
        RevocationMetrics tallyRevocationMetrics(TallyResourceServerProperties properties, RevocationPoller poller,
                                                 RevocationValidator validator) {
            return new RevocationMetrics(poller, validator, properties.revocations().delayBound());
        }
    }
}
