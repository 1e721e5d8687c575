package dev.tally.query;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The query service on its own, as its integration tests start it. */
@SpringBootApplication
public class QueryServiceTestApplication {
}
