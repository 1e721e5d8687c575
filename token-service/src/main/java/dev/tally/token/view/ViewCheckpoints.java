package dev.tally.token.view;

import dev.tally.kernel.api.ApiEvents.ApiDeleted;
import dev.tally.kernel.client.ClientEvents.ClientDeleted;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleDeleted;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.token.settings.TokenNodeProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.NoOpEventUpcaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Durable checkpoints of the token node's views, so that a start reads the newest checkpoint and then only the events
 * after it ({@link StartupReplay}), not the whole history (architecture decision 12).
 *
 * <p>A checkpoint is not a copy of the live views: it is a fold of the event store up to an Axon
 * {@link GapAwareTrackingToken} (an index, and the indexes below it not yet seen, which may still commit), computed
 * here from the previous checkpoint and the store's events after its token. So its state is, by construction, the
 * state of exactly the events its token covers, whatever the live views are doing meanwhile, and a start that
 * resumes with {@code readEvents(token)} reads the gaps again as well as everything above the index. It holds:
 * <ul>
 *   <li>the configuration's events (tenants, keys, APIs, clients, rules, and the login sessions with random ids from
 *       before session ids followed cookies) in the form the store holds
 *       them (a signing key only sealed, secrets only as hashes), in the order they were read, but for
 *       those that change none of the views ({@code SessionExtended}); users are not held by the node
 *       ({@link Users} reads them on demand), and a checkpoint written before that, which holds their events, is
 *       read with those events passed over. The events
 *       of an aggregate that has ended (a deleted client, API or rule, an ended session) are left out, since
 *       applying them changes nothing in the end. A start applies them through the configuration view as a replay
 *       would, so keys are opened with the master key ring there, as from the store;</li>
 *   <li>the revocation view's entries ({@link RevocationView#state()}) after dropping what has expired.</li>
 * </ul>
 * Written as JSON (Jackson 3) with a format number; one of another format, or one that cannot be read in full, is
 * passed over with a log line, and the start falls back to the one before it or to the whole store.
 *
 * <p>Written every {@code tally.token.checkpoint.interval} on a background thread, and at an orderly shutdown. The
 * newest {@value #KEPT} are kept.
 */
@Component
@ConditionalOnProperty(prefix = "tally.token.checkpoint", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ViewCheckpoints implements SmartLifecycle {
    /** The body's format; a checkpoint of another format is not read (bump it when {@link Body} changes meaning). */
    public static final int FORMAT = 1;
    static final int KEPT = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ViewCheckpoints.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Events after which nothing of their aggregate is left in the views. */
    private static final Set<Class<?>> ENDS = Set.of(ClientDeleted.class, ApiDeleted.class, LifetimeRuleDeleted.class,
            SessionExpired.class, SessionRevoked.class);

    /**
     * Events of the configuration views' aggregates that change none of them (a session's recorded activity): not
     * kept, so a busy session does not lengthen the checkpoint.
     */
    private static final Set<Class<?>> NO_EFFECT = Set.of(SessionExtended.class);

    private final JdbcTemplate jdbc;
    private final EventStorageEngine storage;
    private final Serializer eventSerializer;
    private final ObjectProvider<org.axonframework.config.Configuration> axon;
    private final Clock clock;
    private final Duration interval;
    private ScheduledExecutorService scheduler;

    /** A checkpoint as stored. */
    record Body(int format, long index, List<Long> gaps, List<StoredEvent> events, RevocationView.State revocations) {
    }

    /** One of the configuration's events, serialized as in the store (after upcasting). */
    record StoredEvent(String type, String aggregateId, long sequence, String eventId, String timestamp,
                       String payloadType, String payloadRevision, byte[] payload, byte[] metaData) {
    }

    /**
     * A checkpoint read back in full.
     *
     * @param position the store position it reflects: resume with {@code readEvents(position)}
     * @param events   the configuration's events, deserialized, to apply in this order
     * @param users    aggregates of user events the checkpoint holds (one written when nodes held users): passed over,
     *                 and left out of the next checkpoint
     */
    public record Loaded(long id, GapAwareTrackingToken position, List<DomainEventMessage<?>> events,
                         RevocationView.State revocations, Body body, Set<String> users) {
    }

    /** How long {@link #stop()} waits for the last checkpoint. */
    static final Duration LAST_WRITE_WAIT = Duration.ofSeconds(10);

    /** {@link #LAST_WRITE_WAIT}, shorter in tests. */
    Duration lastWriteWait = LAST_WRITE_WAIT;

    public ViewCheckpoints(JdbcTemplate jdbc, EventStorageEngine storage,
                           @Qualifier("eventSerializer") Serializer eventSerializer,
                           ObjectProvider<org.axonframework.config.Configuration> axon, Clock clock,
                           TokenNodeProperties properties) {
        this.jdbc = jdbc;
        this.storage = storage;
        this.eventSerializer = eventSerializer;
        this.axon = axon;
        this.clock = clock;
        this.interval = properties.checkpoint().interval();
    }

    /** The newest checkpoint that can be read in full; empty if none can (each one passed over is logged). */
    public Optional<Loaded> load() {
        List<long[]> rows;
        try {
            rows = jdbc.query("SELECT id, format FROM token_view_checkpoint ORDER BY store_index DESC, id DESC",
                    (rs, n) -> new long[] {rs.getLong(1), rs.getInt(2)});
        } catch (DataAccessException e) {
            // no table (a database migrated without the token service's scripts): read the whole store, as before
            LOG.warn("no view checkpoint can be listed ({}): the views are read from the whole store", e.toString());
            return Optional.empty();
        }
        for (long[] row : rows) {
            long id = row[0];
            if (row[1] != FORMAT) {
                LOG.warn("passing over view checkpoint {}: it is of format {}, this version reads format {}", id, row[1], FORMAT);
                continue;
            }
            try {
                byte[] bytes = jdbc.queryForObject("SELECT body FROM token_view_checkpoint WHERE id = ?", byte[].class, id);
                return Optional.of(read(id, bytes));
            } catch (RuntimeException e) {
                LOG.warn("passing over view checkpoint {}: it cannot be read ({})", id, e.toString());
            }
        }
        return Optional.empty();
    }

    private Loaded read(long id, byte[] bytes) {
        Body body = JSON.readValue(bytes, Body.class);
        if (body.format() != FORMAT) {
            throw new IllegalStateException("its body is of format " + body.format());
        }
        if (body.events() == null || body.revocations() == null || body.gaps() == null) {
            throw new IllegalStateException("it lacks its events, revocations or gaps");
        }
        List<DomainEventMessage<?>> events = new ArrayList<>(body.events().size());
        Set<String> users = new HashSet<>();
        DomainEventStream stream = EventStreamUtils.upcastAndDeserializeDomainEvents(
                body.events().stream().map(e -> new GenericDomainEventEntry<>(e.type(), e.aggregateId(), e.sequence(),
                        e.eventId(), e.timestamp(), e.payloadType(), e.payloadRevision(), e.payload(), e.metaData())),
                eventSerializer, upcasters());
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            event.getPayload(); // deserialized now: a checkpoint that cannot be read is passed over, not half applied
            if (Users.handles(event.getPayloadType())) {
                users.add(event.getAggregateIdentifier());
                continue;
            }
            if (!TokenConfigProjection.holdsState(event.getPayloadType())) {
                throw new IllegalStateException("it holds an event of type " + event.getPayloadType().getName()
                        + ", which is none of the configuration's");
            }
            events.add(event);
        }
        // throws if an instant cannot be read
        new RevocationView().restore(body.revocations());
        return new Loaded(id, GapAwareTrackingToken.newInstance(body.index(), body.gaps()), events,
                body.revocations(), body, users);
    }

    private EventUpcaster upcasters() {
        org.axonframework.config.Configuration configuration = axon.getIfAvailable();
        return configuration == null ? NoOpEventUpcaster.INSTANCE : configuration.upcasterChain();
    }

    /**
     * Writes a checkpoint: the newest readable one, folded with the store's events after its position (all of them if
     * there is none). Nothing is written when the store has nothing new.
     *
     * @return the store index the checkpoint written reflects, empty if none was written
     */
    public synchronized Optional<Long> write() {
        long started = System.nanoTime();
        Loaded base = load().orElse(null);
        GapAwareTrackingToken position = base == null ? null : base.position();
        List<StoredEvent> events = new ArrayList<>(base == null ? List.of() : base.body().events());
        if (base != null && !base.users().isEmpty()) {
            events.removeIf(e -> base.users().contains(e.aggregateId()));
        }
        RevocationView revocations = new RevocationView();
        if (base != null) {
            revocations.restore(base.revocations());
        }
        Set<String> ended = new HashSet<>();
        long read = 0;
        try (Stream<? extends TrackedEventMessage<?>> stream = storage.readEvents(position, false)) {
            Iterator<? extends TrackedEventMessage<?>> it = stream.iterator();
            while (it.hasNext()) {
                TrackedEventMessage<?> event = it.next();
                TrackingToken token = event.trackingToken();
                if (!(token instanceof GapAwareTrackingToken gapAware)) {
                    throw new IllegalStateException("the event store's tracking token is a " + token.getClass().getName()
                            + ", not Axon's GapAwareTrackingToken: a checkpoint needs its gaps");
                }
                position = gapAware;
                read++;
                if (event instanceof DomainEventMessage<?> domain && TokenConfigProjection.holdsState(domain)
                        && !NO_EFFECT.contains(domain.getPayloadType())) {
                    events.add(stored(domain));
                    if (ENDS.contains(domain.getPayloadType())) {
                        ended.add(domain.getAggregateIdentifier());
                    }
                }
                revocations.apply(event);
            }
        }
        if (position == null || (base != null && read == 0)) {
            return Optional.empty();
        }
        if (!ended.isEmpty()) {
            events.removeIf(e -> ended.contains(e.aggregateId()));
        }
        revocations.prune(clock.instant());
        Body body = new Body(FORMAT, position.getIndex(), List.copyOf(position.getGaps()), events, revocations.state());
        byte[] bytes = JSON.writeValueAsBytes(body);
        jdbc.update("INSERT INTO token_view_checkpoint (format, store_index, written_at, body) VALUES (?, ?, ?, ?)",
                FORMAT, position.getIndex(), OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), bytes);
        List<Long> ids = jdbc.queryForList("SELECT id FROM token_view_checkpoint ORDER BY store_index DESC, id DESC",
                Long.class);
        for (Long old : ids.subList(Math.min(KEPT, ids.size()), ids.size())) {
            jdbc.update("DELETE FROM token_view_checkpoint WHERE id = ?", old);
        }
        LOG.info("view checkpoint written at store index {} ({} gaps): {} configuration events, {} revocation entries, "
                        + "{} bytes; {} events read in {} ms", position.getIndex(), position.getGaps().size(), events.size(),
                revocations.size(), bytes.length, read, (System.nanoTime() - started) / 1_000_000);
        return Optional.of(position.getIndex());
    }

    private StoredEvent stored(DomainEventMessage<?> event) {
        SerializedObject<byte[]> payload = event.serializePayload(eventSerializer, byte[].class);
        SerializedObject<byte[]> metaData = event.serializeMetaData(eventSerializer, byte[].class);
        Instant timestamp = event.getTimestamp();
        return new StoredEvent(event.getType(), event.getAggregateIdentifier(), event.getSequenceNumber(),
                event.getIdentifier(), timestamp.toString(), payload.getType().getName(), payload.getType().getRevision(),
                payload.getData(), metaData.getData());
    }

    private void writeLogged() {
        try {
            write();
        } catch (RuntimeException e) {
            // the next start reads more of the store, nothing worse: the views themselves are not touched
            LOG.warn("writing a view checkpoint failed", e);
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-view-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long every = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::writeLogged, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * An orderly shutdown: the background writer ends, then one last checkpoint is written, waited for at most
     * {@link #LAST_WRITE_WAIT}. A checkpoint only saves the next start some reading, so it is not worth a stalled
     * shutdown: with the database unreachable, each attempt waits the pool's connection timeout (30 s by default),
     * which held every JVM that closed a Tally context after its test database was dropped. A write that does not end
     * in time is left to finish or fail on its daemon thread; it is never interrupted, since an interrupt during a
     * JDBC call closes H2's file channel, and with it the embedded database.
     */
    @Override
    public void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = scheduler;
            scheduler = null;
        }
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            // a background write in progress is let finish: the first one on a large store reads it all, once
            if (!running.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.warn("a view checkpoint still being written after 5 minutes; no last one at shutdown");
                return;
            }
            Thread last = Thread.ofPlatform().name("tally-view-checkpoint-last").daemon().start(this::writeLogged);
            if (!last.join(lastWriteWait)) {
                LOG.warn("the last view checkpoint was not written within {}; the next start reads more of the store",
                        lastWriteWait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
