package dev.tally.token.endpoint;

import dev.tally.token.view.TokenConfig;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The CORS filter of the OAuth endpoints ({@link CrossOriginFilter}), right after the request-input filter. */
@Configuration(proxyBeanMethods = false)
public class CrossOriginConfiguration {
    @Bean
    public FilterRegistrationBean<CrossOriginFilter> crossOriginFilter(TokenConfig config) {
        FilterRegistrationBean<CrossOriginFilter> registration = new FilterRegistrationBean<>(new CrossOriginFilter(config));
        registration.addUrlPatterns("/t/*", "/.well-known/*");
        // after RequestInputFilter (HIGHEST_PRECEDENCE + 1), which decodes the form whose client_id this reads
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }
}
