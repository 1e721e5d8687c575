package dev.tally.platform.admin;

import dev.tally.testsupport.MutableClock;
import java.time.Instant;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Just service-platform: the event store on H2 and the management authentication, with a clock tests move. */
@SpringBootApplication
public class VerifierTestApplication {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @Bean
    @Primary
    MutableClock testClock() {
        return CLOCK;
    }
}
