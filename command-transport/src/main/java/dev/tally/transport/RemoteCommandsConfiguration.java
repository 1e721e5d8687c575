package dev.tally.transport;

import dev.tally.platform.admin.AdminToken;
import java.net.URI;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
@EnableConfigurationProperties({CommandServiceProperties.class, ServiceTokenProperties.class})
public class RemoteCommandsConfiguration {

    @Bean
    public CommandBus commandBus(CommandServiceProperties commandService, ServiceTokenProperties serviceToken,
                                 AdminToken adminToken, @Qualifier("messageSerializer") Serializer messageSerializer) {
        String url = commandService.url();
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("TALLY_COMMAND_SERVICE_URL (tally.command-service.url) is not set: the token "
                    + "service sends its session, code and refresh-token commands to the command service there");
        }
        ServiceToken token = InternalCommandsConfiguration.distinctFromAdminToken(ServiceToken.from(serviceToken), adminToken);
        return new HttpCommandBus(URI.create(url.strip()), token, messageSerializer, commandService.connectTimeout(),
                commandService.timeout());
    }
}
