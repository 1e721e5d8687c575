package dev.tally.platform.axon;

/**
 * The event store could not be asked because what stands in front of it could not be reached: in distributed mode the
 * token service's commands reach the store only through the command service. {@link StoreFailure} counts every
 * subclass as a store failure, so the store's side never needs to know the transport that throws it.
 */
public abstract class StoreUnreachable extends RuntimeException {
    protected StoreUnreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
