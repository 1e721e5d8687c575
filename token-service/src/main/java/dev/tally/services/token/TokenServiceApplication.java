package dev.tally.services.token;

import dev.tally.transport.RemoteCommandsConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/**
 * The token service on its own (distributed mode): the OAuth and OpenID Connect endpoints, signing, and its in-memory
 * configuration and revocation views. Its commands (sessions, authorization codes, refresh-token families) go to the
 * command service over HTTP ({@link RemoteCommandsConfiguration}); its issuance records are appended to the shared
 * event store directly. {@code java -jar tally-token-service.jar}; configured by environment variables (see
 * {@code tally-token-service-distributed.properties}). Outside {@code dev.tally.token}, which the standalone server scans.
 */
@SpringBootApplication(scanBasePackages = "dev.tally.token")
@Import(RemoteCommandsConfiguration.class)
public class TokenServiceApplication {
    public static final String CONFIG_NAME = "tally-token-service";

    /** The application as {@link #main} runs it: profile {@code distributed}, configuration {@value #CONFIG_NAME}. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(TokenServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .profiles("distributed");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
