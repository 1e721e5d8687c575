package dev.tally.transport;

import dev.tally.platform.admin.AdminToken;
import java.net.URI;
import java.time.Duration;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The sending end of the command transport, for the token service in distributed mode: its command bus is an
 * {@link HttpCommandBus} to the command service, so every {@code CommandGateway} in the process sends there. Axon's own
 * {@code SimpleCommandBus} is then not created (it is conditional on no other command bus). Imported by the token
 * service's own application class, never auto-configured.
 * <ul>
 *   <li>{@code tally.command-service.url} ({@code TALLY_COMMAND_SERVICE_URL}): the command service's base URL, required</li>
 *   <li>{@code tally.command-service.connect-timeout} (default 2 s), {@code tally.command-service.timeout} (default 10 s)</li>
 *   <li>{@code tally.service-token} ({@code TALLY_SERVICE_TOKEN}): the shared secret, required</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class RemoteCommandsConfiguration {

    @Bean
    public CommandBus commandBus(Environment env, AdminToken adminToken,
                                 @Qualifier("messageSerializer") Serializer messageSerializer) {
        String url = env.getProperty("tally.command-service.url");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("TALLY_COMMAND_SERVICE_URL (tally.command-service.url) is not set: the token "
                    + "service sends its session, code and refresh-token commands to the command service there");
        }
        ServiceToken token = InternalCommandsConfiguration.distinctFromAdminToken(ServiceToken.fromEnvironment(env), adminToken);
        Duration connectTimeout = env.getProperty("tally.command-service.connect-timeout", Duration.class, Duration.ofSeconds(2));
        Duration timeout = env.getProperty("tally.command-service.timeout", Duration.class, Duration.ofSeconds(10));
        return new HttpCommandBus(URI.create(url.strip()), token, messageSerializer, connectTimeout, timeout);
    }
}
