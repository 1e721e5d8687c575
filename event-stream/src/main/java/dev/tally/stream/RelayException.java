package dev.tally.stream;

/** Kafka did not take a batch; the relay's position stays and the batch is published again. */
public class RelayException extends RuntimeException {
    public RelayException(String message, Throwable cause) {
        super(message, cause);
    }
}
