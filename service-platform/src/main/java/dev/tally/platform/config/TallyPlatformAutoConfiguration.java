package dev.tally.platform.config;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.platform.admin.AdminToken;
import dev.tally.platform.admin.AdminTokenProperties;
import dev.tally.platform.admin.ManagementAuthenticationFilter;
import dev.tally.platform.admin.ManagementTokenVerifier;
import dev.tally.platform.clientkeys.ClientJwksProperties;
import dev.tally.platform.input.InputLimits;
import dev.tally.platform.input.RequestInputFilter;
import dev.tally.platform.logging.ExpectedRefusalFilter;
import dev.tally.platform.logging.RequestLogFilter;
import dev.tally.platform.openapi.OpenApiController;
import dev.tally.platform.problem.ContainerErrors;
import dev.tally.platform.problem.ErrorPathGuard;
import dev.tally.platform.problem.ManagementProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;

/**
 * The pieces every Tally service shares: the clock, the master key, strict decoding of every request's input,
 * authentication of the management API.
 */
@AutoConfiguration(before = ErrorMvcAutoConfiguration.class) // its error controller yields to ContainerErrors
@Import({ManagementProblems.class, ContainerErrors.class})
@EnableConfigurationProperties({MasterKeyProperties.class, AdminTokenProperties.class, InputLimits.class,
        ClientJwksProperties.class})
public class TallyPlatformAutoConfiguration {

    /** Every expiry decision reads this clock; tests replace it with one they advance. */
    @Bean
    @ConditionalOnMissingBean
    public Clock clock() {
        return Clock.systemUTC();
    }

    /** A configured key, or a start-up error that names the setting, never the value. */
    private static MasterKey key(String base64, String setting) {
        try {
            return MasterKey.fromBase64(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not a master key: it must be the base64 of 32 random bytes");
        }
    }

    /**
     * The master key ring: the primary from {@code tally.master-key} (base64 of 32 bytes) or {@code tally.master-key-file}
     * (created, owner-only, when absent; further lines are previous keys), and the previous keys of
     * {@code tally.master-key-previous}. Without a primary, a service that needs the key refuses to start rather than
     * invent one. Lazy, so a service that needs no key (the query service) starts without one; the command and token
     * services inject it at start-up.
     */
    @Bean
    @Lazy
    @ConditionalOnMissingBean
    public MasterKey masterKey(MasterKeyProperties properties) {
        List<String> configured = properties.masterKeyPrevious();
        List<MasterKey> previous = new java.util.ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            previous.add(key(configured.get(i), "tally.master-key-previous[" + i + "] (TALLY_MASTER_KEY_PREVIOUS)"));
        }
        String inline = properties.masterKey();
        if (inline != null && !inline.isBlank()) {
            return key(inline, "tally.master-key (TALLY_MASTER_KEY)").withPrevious(previous);
        }
        String file = properties.masterKeyFile();
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("No master key configured: set tally.master-key (TALLY_MASTER_KEY, base64 of "
                    + "32 random bytes) or tally.master-key-file (TALLY_MASTER_KEY_FILE)");
        }
        try {
            return MasterKey.loadOrCreate(Path.of(file)).withPrevious(previous);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key file " + file, e);
        }
    }

    /**
     * The CEL compiler for lifetime rules: the command side type-checks rules when they are saved, the token
     * service compiles them once when their events arrive. Building it is the expensive part; one per process.
     */
    @Bean
    @ConditionalOnMissingBean
    public LifetimeRuleCompiler lifetimeRuleCompiler() {
        return new LifetimeRuleCompiler();
    }

    @Bean
    @ConditionalOnMissingBean
    public AdminToken adminToken(AdminTokenProperties properties) {
        return AdminToken.from(properties);
    }

    /** Tenants' management tokens, verified against each tenant's keys as its own events record them. */
    @Bean
    @ConditionalOnMissingBean
    public ManagementTokenVerifier managementTokenVerifier(EventStorageEngine events, Clock clock) {
        return new ManagementTokenVerifier(events, clock);
    }

    /** The management API's OpenAPI description, wherever part of that API is served. */
    @Bean
    public OpenApiController openApiController() {
        return new OpenApiController();
    }

    /**
     * {@code /admin/**} and {@code /t/{tenant}/revocations}. A servlet pattern cannot name the middle of a path, so
     * the filter is mapped to {@code /t/*} too and lets every other {@code /t/**} path (the OAuth endpoints) through
     * untouched ({@code shouldNotFilter}).
     */
    @Bean
    public FilterRegistrationBean<ManagementAuthenticationFilter> managementAuthenticationFilter(
            AdminToken token, ManagementTokenVerifier verifier) {
        FilterRegistrationBean<ManagementAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ManagementAuthenticationFilter(token, verifier));
        registration.addUrlPatterns("/admin/*", "/admin", "/t/*");
        registration.setOrder(0);
        return registration;
    }

    /**
     * Before everything else that may read a parameter or the body (right after the request's character encoding is
     * set): see {@link RequestInputFilter}.
     */
    @Bean
    public FilterRegistrationBean<RequestInputFilter> requestInputFilter(InputLimits limits) {
        FilterRegistrationBean<RequestInputFilter> registration = new FilterRegistrationBean<>(new RequestInputFilter(limits));
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /** Axon's warning and stack trace for a creation command refused as the caller's mistake, dropped where logback logs. */
    @Bean
    @ConditionalOnClass(name = "ch.qos.logback.classic.LoggerContext")
    public SmartInitializingSingleton expectedRefusalFilter() {
        return ExpectedRefusalFilter::install;
    }

    /** Each request's id, tenant and client on every log line it causes, and one line per request: {@link RequestLogFilter}. */
    @Bean
    public FilterRegistrationBean<RequestLogFilter> requestLogFilter() {
        FilterRegistrationBean<RequestLogFilter> registration = new FilterRegistrationBean<>(new RequestLogFilter());
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** The error path reached directly is a path Tally does not serve (404), not a failure (500). */
    @Bean
    public FilterRegistrationBean<ErrorPathGuard> errorPathGuard(@Value("${server.error.path:/error}") String errorPath) {
        FilterRegistrationBean<ErrorPathGuard> registration = new FilterRegistrationBean<>(new ErrorPathGuard());
        registration.addUrlPatterns(errorPath);
        // request dispatches only (the default): the container's error dispatches must still reach the error controller
        registration.setOrder(0);
        return registration;
    }
}
