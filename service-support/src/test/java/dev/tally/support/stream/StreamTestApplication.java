package dev.tally.support.stream;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Just service-support: the event store, and with {@code tally.stream.enabled} the relay to Kafka. */
@SpringBootApplication
public class StreamTestApplication {
}
