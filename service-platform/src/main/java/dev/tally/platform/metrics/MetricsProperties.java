package dev.tally.platform.metrics;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What Tally's own metrics carry and who may read them.
 *
 * @param tenantTags       tenants whose meters carry a {@code tenant} tag: none (the default: no meter has the tag),
 *                         a list of tenant ids (every other tenant is counted as {@code tenant="other"}), or {@code *}
 *                         for every tenant that exists (only where the number of tenants is small: each one multiplies
 *                         the series Prometheus stores)
 * @param prometheusPublic serve {@code /actuator/prometheus} without the administrator's token, for a scraper on a
 *                         private network; off by default, when it needs the token like every actuator endpoint but
 *                         health
 */
@ConfigurationProperties("tally.metrics")
public record MetricsProperties(@DefaultValue List<String> tenantTags, @DefaultValue("false") boolean prometheusPublic) {
}
