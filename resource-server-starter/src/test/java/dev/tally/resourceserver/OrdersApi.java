package dev.tally.resourceserver;

import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application as a starter user writes it: one {@code @RestController}, no security code, the starter on the
 * class path and the {@code tally.*} properties; run in the test JVM on a port of its own, with the test's clock.
 */
final class OrdersApi implements AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final TestHttp http;

    private OrdersApi(ConfigurableApplicationContext context) {
        this.context = context;
        this.http = new TestHttp("http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort(),
                null);
    }

    /** The application with these properties ({@code name=value}) and {@code clock} as its {@link Clock} bean. */
    static OrdersApi start(Clock clock, String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off"));
        for (String p : properties) {
            args.add("--" + p);
        }
        return new OrdersApi(new SpringApplicationBuilder(Application.class).web(WebApplicationType.SERVLET)
                .initializers(c -> c.getBeanFactory().registerSingleton("clock", clock))
                .run(args.toArray(String[]::new)));
    }

    /** {@code GET /orders} with {@code Authorization: Bearer token}. */
    Response getOrders(String token) {
        return http.bearer("/orders", token);
    }

    MeterRegistry meters() {
        return context.getBean(MeterRegistry.class);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    @RestController
    static class Orders {
        @GetMapping("/orders")
        Map<String, Object> orders(@AuthenticationPrincipal Jwt jwt) {
            return Map.of("sub", jwt.getSubject());
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Orders.class)
    static class Application {
    }
}
