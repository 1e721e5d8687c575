package dev.tally.console;

import dev.tally.testsupport.MutableClock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

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

    public static void main(String[] args) {
        SpringApplication.run(ConsoleTestServer.class, args);
    }
}
