package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.axon.ConnectionsTestApplication.Count;
import dev.tally.platform.axon.ConnectionsTestApplication.StartCounter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.timeout.HandlerTimeoutHandlerEnhancerDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Axon's handler timeouts stay off in every Tally service (TallyDefaults): they interrupt a handler that runs long,
 * and an interrupt during a write closes H2's file channel, and the store with it, for every connection.
 */
class AxonTimeoutsOffTest {

    @Test
    void noHandlerIsWrappedInAxonsTimeouts() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", "jdbc:h2:mem:timeouts-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        p.put("spring.datasource.username", "sa");
        p.put("tally.master-key", Base64.getEncoder().encodeToString(new byte[32]));
        p.put("tally.admin-token", "timeouts-test-admin-token");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ConnectionsTestApplication.class)
                .web(WebApplicationType.NONE).properties(p).run()) {
            assertThat(context.getEnvironment().getProperty("axon.timeout.enabled")).isEqualTo("false");
            assertThat(context.getBeansOfType(HandlerTimeoutHandlerEnhancerDefinition.class)).isEmpty();
            // and commands are still handled, by an aggregate loaded again for the second
            CommandGateway commands = context.getBean(CommandGateway.class);
            String counter = "counter-" + UUID.randomUUID();
            commands.sendAndWait(new StartCounter(counter));
            commands.sendAndWait(new Count(counter));
        }
    }
}
