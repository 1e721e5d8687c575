package dev.tally.token.metrics;

import dev.tally.platform.metrics.TenantTags;
import dev.tally.token.protocol.ClientAuthThrottle;
import dev.tally.token.view.TokenConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The token service's meters, in the service's registry (one of its own where there is none, as in bare tests). */
@Configuration(proxyBeanMethods = false)
public class TokenMetricsConfiguration {

    @Bean
    public TokenMetrics tokenMetrics(ObjectProvider<MeterRegistry> registries, TenantTags tenants, TokenConfig views,
                                     ClientAuthThrottle throttle) {
        MeterRegistry registry = registries.getIfAvailable(SimpleMeterRegistry::new);
        FunctionCounter.builder(TokenMetrics.CLIENT_AUTH_THROTTLED, throttle, ClientAuthThrottle::refusals)
                .description("client authentications refused by the throttle before the credentials were checked")
                .register(registry);
        return new TokenMetrics(registry, tenants, tenant -> views.tenant(tenant).isPresent());
    }
}
