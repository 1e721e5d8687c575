package dev.tally.transport;

/**
 * The command service refused to take the command at all: the service token is wrong (401), the command type may
 * not cross (403), or the request was malformed (400). A deployment or programming error, never a decision of an
 * aggregate; nothing was dispatched.
 */
public class CommandNotAccepted extends IllegalStateException {
    private final int status;

    public CommandNotAccepted(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the command service answered with. */
    public int status() {
        return status;
    }
}
