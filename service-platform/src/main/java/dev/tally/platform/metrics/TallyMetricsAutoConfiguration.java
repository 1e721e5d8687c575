package dev.tally.platform.metrics;

import dev.tally.platform.admin.ActuatorAccessFilter;
import dev.tally.platform.admin.AdminToken;
import dev.tally.platform.config.TallyPlatformAutoConfiguration;
import dev.tally.platform.projection.ProjectionStatusAutoConfiguration;
import dev.tally.platform.projection.ProjectionStatuses;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * What every service shares about metrics: the tenant tag's policy, the gauges of its views, and who may read the
 * actuator ({@link ActuatorAccessFilter}).
 */
@AutoConfiguration(after = {TallyPlatformAutoConfiguration.class, ProjectionStatusAutoConfiguration.class})
@EnableConfigurationProperties(MetricsProperties.class)
public class TallyMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TenantTags tenantTags(MetricsProperties properties) {
        return TenantTags.of(properties);
    }

    /** Right after the request's input is checked, like the management API's authentication. */
    @Bean
    public FilterRegistrationBean<ActuatorAccessFilter> actuatorAccessFilter(
            AdminToken token, MetricsProperties properties,
            @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        FilterRegistrationBean<ActuatorAccessFilter> registration = new FilterRegistrationBean<>(
                new ActuatorAccessFilter(token, basePath, properties.prometheusPublic()));
        String base = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        registration.addUrlPatterns(base, base + "/*");
        registration.setOrder(0);
        return registration;
    }

    /** The views' gauges, once every {@code ProjectionStatusSource} bean exists. */
    @Bean
    public SmartInitializingSingleton projectionMeters(ObjectProvider<ProjectionStatuses> statuses,
                                                       ObjectProvider<MeterRegistry> meters) {
        return () -> statuses.ifAvailable(s -> meters.ifAvailable(new ProjectionMeters(s)::bindTo));
    }
}
