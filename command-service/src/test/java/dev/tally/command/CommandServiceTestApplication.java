package dev.tally.command;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The command service on its own, as its integration tests start it. */
@SpringBootApplication
public class CommandServiceTestApplication {
}
