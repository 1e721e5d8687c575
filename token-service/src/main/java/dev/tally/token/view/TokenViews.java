package dev.tally.token.view;

import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.platform.projection.ProjectionStatus.Failure;
import dev.tally.platform.projection.ProjectionStatusSource;
import dev.tally.platform.projection.StallWatch;
import dev.tally.platform.projection.TrackingProcessorStatus;
import dev.tally.stream.KafkaRelay;
import dev.tally.stream.TallyEventConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The token service's two in-memory views, {@value #CONFIG} (tenants, keys, APIs, clients; the caches of users and sessions) and
 * {@value #REVOCATIONS} (what introspection and userinfo refuse), reported like the query side's views.
 * <ul>
 *   <li>In one process with the command side (standalone) they are applied as each transaction commits, before the
 *       answer that made the change: their position is the store's head.</li>
 *   <li>Fed from Kafka (distributed), they are complete no further than the relay that feeds them
 *       ({@value KafkaRelay#PROCESSOR}, whose position stops below an event that is yet to commit, and below what it
 *       has not sent), and the events still waiting on the consumer's partitions are lag on top of that; they are
 *       {@code failing} while the consumer retries a failure or is not polling, and {@code stalled} when events wait
 *       and none is applied for a while.</li>
 *   <li>An event a view could not apply makes it {@code failing} until the node restarts ({@link TokenViewFailures}).</li>
 * </ul>
 */
@Component
@Order(2)
public class TokenViews implements ProjectionStatusSource {
    public static final String CONFIG = "token-config";
    public static final String REVOCATIONS = "token-revocations";
    /** A consumer that has not come back from a poll for this long is stuck (it polls twice a second). */
    static final Duration POLL_SILENCE = Duration.ofSeconds(30);

    private final JdbcTemplate jdbc;
    private final TokenViewFailures failures;
    private final ObjectProvider<StreamFeed> feed;
    private final StallWatch stalls;
    private final TrackingProcessorStatus processors;
    private final Serializer tokenSerializer;

    /** @param tokenSerializer the token store's serializer (Axon's general one), to read the relay's position */
    public TokenViews(JdbcTemplate jdbc, TokenViewFailures failures, ObjectProvider<StreamFeed> feed,
                      StallWatch stalls, TrackingProcessorStatus processors, Serializer tokenSerializer) {
        this.jdbc = jdbc;
        this.failures = failures;
        this.feed = feed;
        this.stalls = stalls;
        this.processors = processors;
        this.tokenSerializer = tokenSerializer;
    }

    @Override
    public List<String> projectionNames() {
        return List.of(CONFIG, REVOCATIONS);
    }

    @Override
    public ProjectionStatus projectionStatus(String name) {
        Long max = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        long head = max == null ? 0 : max;
        Failure failure = failures.failure(name).orElse(null);
        StreamFeed stream = feed.getIfAvailable();
        TallyEventConsumer consumer = stream == null ? null : stream.consumer();
        if (consumer == null) {
            return new ProjectionStatus(name, failure != null ? ProjectionStatus.FAILING : ProjectionStatus.LIVE, head,
                    head, failure, null);
        }
        // Kafka has only what the relay sent, and the relay has not sent an event that commits after later ones: without
        // the relay's bound these views claimed to be complete up to the head while such an event was still to come
        long relayed = processors.position(KafkaRelay.PROCESSOR, tokenSerializer);
        long position = Math.max(0, Math.min(head - consumer.waiting(), relayed));
        if (failure == null) {
            failure = streamFailure(consumer);
        }
        Instant stalledSince = stalls.stalledSince(name, position, head);
        String status = ProjectionStatus.judge(failure, stalledSince, false, stalls.farBehind(position, head));
        return new ProjectionStatus(name, status, position, head, failure, stalledSince);
    }

    private static Failure streamFailure(TallyEventConsumer consumer) {
        TallyEventConsumer.Failing failing = consumer.failing();
        if (failing != null) {
            Throwable e = failing.error();
            return new Failure(e.getClass().getName(), "reading the event stream: " + e.getMessage(), null,
                    failing.since(), Instant.now(), failing.attempts());
        }
        Duration silent = consumer.sinceLastPoll();
        if (!consumer.alive() || silent.compareTo(POLL_SILENCE) > 0) {
            Instant since = Instant.now().minus(silent);
            return new Failure(IllegalStateException.class.getName(), consumer.alive()
                    ? "the event stream has not been polled for " + silent.toSeconds() + " s"
                    : "the event stream's consumer has stopped", null, since, Instant.now(), 1);
        }
        return null;
    }
}
