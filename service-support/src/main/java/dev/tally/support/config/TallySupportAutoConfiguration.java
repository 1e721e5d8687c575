package dev.tally.support.config;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.support.admin.AdminAuthenticationFilter;
import dev.tally.support.admin.AdminToken;
import dev.tally.support.problem.ManagementProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/** The pieces every Tally service shares: the clock, the master key, administrator authentication. */
@AutoConfiguration
@Import(ManagementProblems.class)
public class TallySupportAutoConfiguration {

    /** Every expiry decision reads this clock; tests replace it with one they advance. */
    @Bean
    @ConditionalOnMissingBean
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * {@code tally.master-key} (base64 of 32 bytes) or {@code tally.master-key-file} (created, owner-only, when
     * absent). Without either, a service that needs the key refuses to start rather than invent one.
     */
    @Bean
    @ConditionalOnMissingBean
    public MasterKey masterKey(Environment env) {
        String inline = env.getProperty("tally.master-key");
        if (inline != null && !inline.isBlank()) {
            return MasterKey.fromBase64(inline);
        }
        String file = env.getProperty("tally.master-key-file");
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("No master key configured: set tally.master-key (TALLY_MASTER_KEY, base64 of "
                    + "32 random bytes) or tally.master-key-file (TALLY_MASTER_KEY_FILE)");
        }
        try {
            return MasterKey.loadOrCreate(Path.of(file));
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
    public AdminToken adminToken(Environment env) {
        return AdminToken.fromEnvironment(env);
    }

    @Bean
    public FilterRegistrationBean<AdminAuthenticationFilter> adminAuthenticationFilter(AdminToken token) {
        FilterRegistrationBean<AdminAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new AdminAuthenticationFilter(token));
        registration.addUrlPatterns("/admin/*");
        registration.setOrder(0);
        return registration;
    }
}
