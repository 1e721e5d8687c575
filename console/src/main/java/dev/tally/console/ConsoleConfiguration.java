package dev.tally.console;

import dev.tally.console.page.Page;
import dev.tally.console.api.AdminApi;
import dev.tally.console.gate.ConsoleCookies;
import dev.tally.console.gate.ConsoleGate;
import dev.tally.console.session.ConsoleSessions;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The console's parts: its sessions, its client of the management API, and the gate in front of its pages. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleConfiguration {

    @Bean
    ConsoleSessions consoleSessions(ConsoleProperties properties, ObjectProvider<Clock> clock) {
        return new ConsoleSessions(properties.idleTimeout(), properties.maxAge(), properties.maxSessions(),
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    AdminApi consoleAdminApi(ConsoleProperties properties) {
        return new AdminApi(properties.apiBaseUrl(), properties.apiTimeout());
    }

    @Bean
    ConsoleCookies consoleCookies(ConsoleProperties properties) {
        return new ConsoleCookies(properties.secureCookies());
    }

    /** Only {@code /console} and below: the management API and the OAuth endpoints never pass through it. */
    @Bean
    FilterRegistrationBean<ConsoleGate> consoleGate(ConsoleSessions sessions) {
        FilterRegistrationBean<ConsoleGate> registration = new FilterRegistrationBean<>(new ConsoleGate(sessions));
        registration.addUrlPatterns(Page.ROOT, Page.ROOT + "/*");
        registration.setName("consoleGate");
        return registration;
    }
}
