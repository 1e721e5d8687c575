package dev.tally.interop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot API protected by Tally's tokens, configured as README's "Protect a Spring Boot API" says, and run
 * inside the test JVM on a port of its own: {@link #propertiesOnly} with nothing but the two properties (for APIs with
 * {@code token_dialect} {@code access_token}), {@link #withAtJwtValidator} with the few lines for RFC 9068's
 * {@code at+jwt}. Its one endpoint answers who the token was for.
 */
final class OrdersApi implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConfigurableApplicationContext context;

    private OrdersApi(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Only {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} and {@code ...jwt.audiences}. */
    static OrdersApi propertiesOnly(String issuer, String audience) {
        return start(PropertiesOnly.class, issuer, audience);
    }

    /** The same two properties, and a {@link JwtDecoder} whose validator is {@code createAtJwtValidator()}. */
    static OrdersApi withAtJwtValidator(String issuer, String audience) {
        return start(AtJwt.class, issuer, audience);
    }

    private static OrdersApi start(Class<?> configuration, String issuer, String audience) {
        return new OrdersApi(new SpringApplicationBuilder(configuration).web(WebApplicationType.SERVLET)
                .run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                        "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer,
                        "--spring.security.oauth2.resourceserver.jwt.audiences=" + audience));
    }

    /** {@code GET /orders} with {@code Authorization: Bearer token}. */
    HttpResponse<String> getOrders(String token) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    @RestController
    static class Orders {
        @GetMapping("/orders")
        Map<String, Object> orders(@AuthenticationPrincipal Jwt jwt) {
            return Map.of("sub", jwt.getSubject(), "aud", jwt.getAudience());
        }
    }

    /** Boot's auto-configuration does everything: no security code at all. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Orders.class)
    static class PropertiesOnly {
    }

    /** README's lines for {@code at+jwt}, word for word. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Orders.class)
    static class AtJwt {
        @Bean
        JwtDecoder jwtDecoder(@Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}") String issuer,
                              @Value("${spring.security.oauth2.resourceserver.jwt.audiences}") String audience) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer).build();
            decoder.setJwtValidator(JwtValidators.createAtJwtValidator().issuer(issuer).audience(audience).build());
            return decoder;
        }
    }
}
