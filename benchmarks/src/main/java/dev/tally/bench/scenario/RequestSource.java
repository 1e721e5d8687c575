package dev.tally.bench.scenario;

import java.net.http.HttpRequest;

/**
 * Where one worker's next token request comes from, and what a 200 answer means for the request after it. Each
 * worker has its own instance and is its only caller, so implementations need no synchronization.
 */
public interface RequestSource {

    /** The request to send now. */
    HttpRequest next();

    /**
     * Full check of a sampled 200 answer to the request {@link #next()} returned last, called before
     * {@link #onSuccess}. Null if the answer is plausible, else what is wrong with it.
     */
    String validate(String body);

    /**
     * Every 200 answer, after {@link #validate} if it was sampled. Null if the worker can go on, else why it cannot
     * (the worker then counts the answer as invalid and stops). A source whose requests do not depend on the last
     * answer has nothing to do here.
     */
    default String onSuccess(String body) {
        return null;
    }

    /**
     * Whether a worker can send another request after a non-200 answer or an exception. A source whose next request
     * depends on the last answer cannot: it would present a token that may have been spent; one whose requests are
     * independent of each other can.
     */
    default boolean survivesFailure() {
        return true;
    }
}
