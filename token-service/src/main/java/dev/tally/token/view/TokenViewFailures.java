package dev.tally.token.view;

import dev.tally.platform.projection.ProjectionStatus.Failure;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventhandling.EventMessage;
import org.springframework.stereotype.Component;

/**
 * Events the token service's in-memory views could not apply. Such an event is history already (its transaction has
 * committed), so the view goes on without it and reports {@code failing} from then on ({@link TokenViews}): it lacks
 * that event until the node restarts, which rebuilds both views from the store.
 */
@Component
public class TokenViewFailures {
    private static final int MAX_MESSAGE = 2000;

    private final Clock clock;
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    public TokenViewFailures(Clock clock) {
        this.clock = clock;
    }

    public void record(String view, EventMessage<?> event, RuntimeException error) {
        Instant now = clock.instant();
        String message = event.getPayloadType().getSimpleName() + " " + event.getIdentifier() + ": " + error.getMessage();
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
        failures.merge(view, new Failure(error.getClass().getName(), text, null, now, now, 1),
                (old, next) -> new Failure(next.errorClass(), next.message(), null, old.since(), now, old.attempts() + 1));
    }

    public Optional<Failure> failure(String view) {
        return Optional.ofNullable(failures.get(view));
    }
}
