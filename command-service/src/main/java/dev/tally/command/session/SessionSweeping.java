package dev.tally.command.session;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Runs {@link SessionSweeper} on Spring's scheduler; the interval is {@code tally.session.sweep-interval}. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class SessionSweeping {
}
