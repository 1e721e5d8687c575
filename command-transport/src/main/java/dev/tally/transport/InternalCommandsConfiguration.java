package dev.tally.transport;

import dev.tally.platform.admin.AdminToken;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The receiving end of the command transport, for the command service in distributed mode: the internal endpoint and
 * the filter that admits only the service token. Imported by the command service's own application class, never
 * auto-configured, so the standalone server (where the token service dispatches in process) has no internal endpoint.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ServiceTokenProperties.class)
public class InternalCommandsConfiguration {

    /** Required here: a command service in distributed mode without it would take no commands from the token service. */
    @Bean
    public ServiceToken serviceToken(ServiceTokenProperties properties, AdminToken adminToken) {
        return distinctFromAdminToken(ServiceToken.from(properties), adminToken);
    }

    @Bean
    public InternalCommandEndpoint internalCommandEndpoint(CommandBus commandBus,
                                                           @Qualifier("messageSerializer") Serializer messageSerializer,
                                                           MeterRegistry meters) {
        return new InternalCommandEndpoint(commandBus, messageSerializer, meters);
    }

    @Bean
    public FilterRegistrationBean<ServiceTokenFilter> serviceTokenFilter(ServiceToken serviceToken) {
        FilterRegistrationBean<ServiceTokenFilter> registration = new FilterRegistrationBean<>(new ServiceTokenFilter(serviceToken));
        registration.addUrlPatterns("/internal/*", "/internal");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** One secret must not open both doors: an administrator's token leaking must not let anyone rotate tokens. */
    static ServiceToken distinctFromAdminToken(ServiceToken serviceToken, AdminToken adminToken) {
        if (adminToken.matches(serviceToken.value())) {
            throw new IllegalStateException("TALLY_SERVICE_TOKEN must differ from TALLY_ADMIN_TOKEN");
        }
        return serviceToken;
    }
}
