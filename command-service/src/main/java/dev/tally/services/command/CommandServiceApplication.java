package dev.tally.services.command;

import dev.tally.transport.InternalCommandsConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

/**
 * The command service on its own (distributed mode): the management API, the aggregates, the catalog, the sweepers, and
 * the internal endpoint through which the token service sends its commands. {@code java -jar tally-command-service.jar};
 * configured by environment variables (see {@code tally-command-service-distributed.properties}).
 * <p>
 * It lives outside {@code dev.tally.command}, which the standalone server scans, so nothing here (the internal endpoint,
 * this configuration) is part of the standalone server. Its configuration file has a name of its own, so the three
 * services' files never meet, not even on one classpath.
 */
@SpringBootApplication(scanBasePackages = "dev.tally.command")
@Import(InternalCommandsConfiguration.class)
public class CommandServiceApplication {
    public static final String CONFIG_NAME = "tally-command-service";

    /** The application as {@link #main} runs it: profile {@code distributed}, configuration {@value #CONFIG_NAME}. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(CommandServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .profiles("distributed");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
