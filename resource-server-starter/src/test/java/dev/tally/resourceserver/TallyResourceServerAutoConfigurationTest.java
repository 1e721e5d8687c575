package dev.tally.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.resourceserver.revocation.RevocationPoller;
import dev.tally.resourceserver.revocation.RevocationValidator;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * What the auto-configuration puts in an application, and where it steps back; no Tally is needed (the issuer is a
 * port nothing listens on, and the decoder reads discovery only when the first token arrives).
 */
class TallyResourceServerAutoConfigurationTest {
    static final String ISSUER = "http://127.0.0.1:9/t/acme";

    final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            TallyResourceServerAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class,
            OAuth2ResourceServerWebSecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class));

    @Test
    void issuerAudienceAndAClientGiveTheDecoderThePollerAndBootsBearerFilterChain() {
        runner.withPropertyValues("tally.issuer-uri=" + ISSUER, "tally.audience=https://orders.test",
                "tally.revocations.client-id=rs", "tally.revocations.client-secret=s3cret").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(JwtDecoder.class).hasBean("jwtDecoder");
            assertThat(context).hasSingleBean(RevocationPoller.class).hasSingleBean(RevocationValidator.class);
            assertThat(context).hasSingleBean(SecurityFilterChain.class).hasSingleBean(Clock.class);
            assertThat(context.getBean(TallyResourceServerProperties.class).revocationsUri())
                    .hasToString(ISSUER + "/revocations");
        });
    }

    @Test
    void withoutTheIssuerNothingIsConfigured() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(TallyResourceServerProperties.class);
            assertThat(context).doesNotHaveBean(JwtDecoder.class);
        });
    }

    /** The application's own decoder wins; the starter's validator stays available to compose into it. */
    @Test
    void anApplicationsOwnJwtDecoderReplacesTheStartersOne() {
        runner.withUserConfiguration(OwnDecoder.class).withPropertyValues("tally.issuer-uri=" + ISSUER,
                "tally.audience=https://orders.test", "tally.revocations.enabled=false").run(context -> {
            assertThat(context).hasSingleBean(JwtDecoder.class).hasBean("ownDecoder");
            assertThat(context).hasBean("tallyTokenValidator");
            assertThat(context).doesNotHaveBean(RevocationPoller.class);
        });
    }

    /** Boot's default chain steps back for the application's; that chain's bearer JWTs go through the starter. */
    @Test
    void anApplicationsOwnFilterChainUsesTheStartersDecoder() {
        runner.withUserConfiguration(OwnChain.class).withPropertyValues("tally.issuer-uri=" + ISSUER,
                "tally.audience=https://orders.test", "tally.revocations.enabled=false").run(context -> {
            assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("ownChain");
            assertThat(context).hasSingleBean(JwtDecoder.class).hasBean("jwtDecoder");
        });
    }

    @Test
    void theSecretStaysOutOfTheSettingsText() {
        runner.withPropertyValues("tally.issuer-uri=" + ISSUER, "tally.audience=https://orders.test",
                "tally.revocations.client-id=rs", "tally.revocations.client-secret=s3cret").run(context ->
                assertThat(context.getBean(TallyResourceServerProperties.class).toString()).contains("clientId=rs")
                        .doesNotContain("s3cret"));
    }

    @Test
    void revocationsWithoutAClientFailTheStartWithWhatToSet() {
        runner.withPropertyValues("tally.issuer-uri=" + ISSUER, "tally.audience=https://orders.test").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("tally.revocations.client-id")
                        .hasMessageContaining("tally.revocations.enabled=false"));
    }

    @Test
    void aMissingAudienceFailsTheStart() {
        runner.withPropertyValues("tally.issuer-uri=" + ISSUER, "tally.revocations.enabled=false").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("tally.audience is required"));
    }

    /** Below one poll's own delay the list would count as stale between two healthy polls. */
    @Test
    void aMaxStalenessBelowIntervalPlusTimeoutFailsTheStart() {
        runner.withPropertyValues("tally.issuer-uri=" + ISSUER, "tally.audience=https://orders.test",
                "tally.revocations.client-id=rs", "tally.revocations.client-secret=s3cret",
                "tally.revocations.interval=5s", "tally.revocations.timeout=2s", "tally.revocations.max-staleness=6s")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("must be at least interval + timeout"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnChain {
        @Bean
        SecurityFilterChain ownChain(HttpSecurity http) {
            return http.authorizeHttpRequests(a -> a.requestMatchers("/public").permitAll().anyRequest().authenticated())
                    .oauth2ResourceServer(r -> r.jwt(Customizer.withDefaults())).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDecoder {
        @Bean
        JwtDecoder ownDecoder() {
            return NimbusJwtDecoder.withJwkSetUri("http://127.0.0.1:9/jwks").build();
        }
    }
}
