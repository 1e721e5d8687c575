package dev.tally.stream;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Just the platform and the stream: the event store, and with {@code tally.stream.enabled} the relay to Kafka. */
@SpringBootApplication
public class StreamTestApplication {
}
