package dev.tally.stream;

/** A record on the stream that is not a CloudEvent of Tally's form. */
public class MalformedCloudEventException extends IllegalArgumentException {
    public MalformedCloudEventException(String message) {
        super(message);
    }
}
