package dev.tally.token.view;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class RevocationConfiguration {

    @Bean
    public RevocationView revocationView() {
        return new RevocationView();
    }
}
