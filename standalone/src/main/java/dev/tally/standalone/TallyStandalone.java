package dev.tally.standalone;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * All three services in one JVM on an embedded H2 file database, with in-process event delivery: the default a
 * newcomer runs first. Composition only; every behaviour lives in a service module.
 */
@SpringBootApplication(scanBasePackages = {"dev.tally.command", "dev.tally.query", "dev.tally.token", "dev.tally.console"})
public class TallyStandalone {

    public static void main(String[] args) {
        SpringApplication.run(TallyStandalone.class, args);
    }
}
