package dev.tally.token;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The token service on its own, as its integration tests start it. */
@SpringBootApplication
public class TokenServiceTestApplication {
}
