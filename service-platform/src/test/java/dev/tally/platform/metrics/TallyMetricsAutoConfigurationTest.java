package dev.tally.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.admin.ActuatorAccessFilter;
import dev.tally.platform.admin.AdminToken;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.ResolvableType;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The settings reach the filter: its paths follow the actuator's base path, prometheus opens only when told. */
class TallyMetricsAutoConfigurationTest {
    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TallyMetricsAutoConfiguration.class))
            .withBean(AdminToken.class, () -> AdminToken.of("the-administrators-token"));

    @SuppressWarnings("unchecked")
    static FilterRegistrationBean<ActuatorAccessFilter> registration(
            org.springframework.context.ApplicationContext context) {
        String[] names = context.getBeanNamesForType(ResolvableType.forClassWithGenerics(FilterRegistrationBean.class,
                ActuatorAccessFilter.class));
        assertThat(names).hasSize(1);
        return (FilterRegistrationBean<ActuatorAccessFilter>) context.getBean(names[0]);
    }

    static int status(FilterRegistrationBean<ActuatorAccessFilter> registration, String path) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        registration.getFilter().doFilter(request, response, chain);
        return chain.getRequest() != null ? 0 : response.getStatus();
    }

    @Test
    void closedByDefaultAndMappedToTheActuator() {
        runner.run(context -> {
            FilterRegistrationBean<ActuatorAccessFilter> registration = registration(context);
            assertThat(registration.getUrlPatterns()).containsExactlyInAnyOrder("/actuator", "/actuator/*");
            assertThat(status(registration, "/actuator/prometheus")).isEqualTo(401);
            assertThat(context.getBean(TenantTags.class).enabled()).isFalse();
        });
    }

    @Test
    void prometheusPublicAndTenantTagsFromTheirProperties() {
        runner.withPropertyValues("tally.metrics.prometheus-public=true", "tally.metrics.tenant-tags=acme,globex",
                "management.endpoints.web.base-path=/manage").run(context -> {
            FilterRegistrationBean<ActuatorAccessFilter> registration = registration(context);
            assertThat(registration.getUrlPatterns()).containsExactlyInAnyOrder("/manage", "/manage/*");
            assertThat(status(registration, "/manage/prometheus")).isZero();
            assertThat(status(registration, "/manage/metrics")).isEqualTo(401);
            TenantTags tags = context.getBean(TenantTags.class);
            assertThat(tags.of("acme")).isEqualTo("acme");
            assertThat(tags.of("initech")).isEqualTo(TenantTags.OTHER);
        });
    }
}
