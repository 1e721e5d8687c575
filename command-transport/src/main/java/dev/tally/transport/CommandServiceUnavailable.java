package dev.tally.transport;

import dev.tally.platform.axon.StoreUnreachable;

/**
 * The command service could not be asked: no connection, a connection lost, or no answer within the timeout. The
 * token service answers {@code 503 temporarily_unavailable}, as for a store that cannot append. After a lost
 * connection or a refused one nothing was decided; after a timeout the command may have been carried out, which the
 * caller cannot know (the client's retry then meets the aggregate's decision, e.g. a refresh token already rotated).
 */
public class CommandServiceUnavailable extends StoreUnreachable {
    public CommandServiceUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
