package dev.tally.console;

import dev.tally.testsupport.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The three services and the console in one JVM, composed as standalone composes them (standalone depends on this
 * module, so its own class cannot be used here), with a clock the tests move.
 */
@SpringBootApplication(scanBasePackages = {"dev.tally.command", "dev.tally.query", "dev.tally.token", "dev.tally.console"})
public class ConsoleTestServer {
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    /** A fresh H2 file store in a temporary directory (named after {@code prefix}), and the platform administrator's token. */
    static void properties(DynamicPropertyRegistry registry, String prefix, String adminToken) throws IOException {
        Path dataDir = Files.createTempDirectory(prefix);
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + dataDir + "/tally;DB_CLOSE_ON_EXIT=FALSE");
        registry.add("spring.datasource.username", () -> "sa");
        registry.add("spring.datasource.password", () -> "");
        registry.add("tally.master-key-file", () -> dataDir.resolve("master.key").toString());
        registry.add("tally.admin-token", () -> adminToken);
    }

    public static void main(String[] args) {
        SpringApplication.run(ConsoleTestServer.class, args);
    }
}
