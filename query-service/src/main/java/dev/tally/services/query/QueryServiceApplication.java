package dev.tally.services.query;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The query service on its own (distributed mode): the audit, session, family and revocation views, fed by tracking
 * processors that read the shared event store, with their APIs, time travel and replay.
 * {@code java -jar tally-query-service.jar}; configured by environment variables (see
 * {@code tally-query-service-distributed.properties}). Outside {@code dev.tally.query}, which the standalone server scans.
 */
@SpringBootApplication(scanBasePackages = "dev.tally.query")
public class QueryServiceApplication {
    public static final String CONFIG_NAME = "tally-query-service";

    /** The application as {@link #main} runs it: profile {@code distributed}, configuration {@value #CONFIG_NAME}. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(QueryServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .profiles("distributed");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
