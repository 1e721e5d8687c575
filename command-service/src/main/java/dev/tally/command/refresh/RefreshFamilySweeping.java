package dev.tally.command.refresh;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Runs {@link RefreshFamilySweeper} on Spring's scheduler; the interval is {@code tally.refresh.sweep-interval}. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class RefreshFamilySweeping {
}
