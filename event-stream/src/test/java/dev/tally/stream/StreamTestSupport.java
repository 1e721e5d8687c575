package dev.tally.stream;

import static dev.tally.testsupport.Await.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.tally.kernel.lifetime.trace.TraceStep;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.kernel.stream.EventTypes;
import dev.tally.kernel.stream.InternalFeed;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.PostgresTestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** What the stream's tests on PostgreSQL and an embedded Kafka share: the relay's context, events, a projection. */
final class StreamTestSupport {
    static final String TOPIC = "tally.events";
    static final String INTERNAL_TOPIC = "tally.events.internal";
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private StreamTestSupport() {
    }

    /** Service-support with the relay on, over {@code db} and {@code kafka}; no web server. */
    static ConfigurableApplicationContext relayContext(PostgresTestDatabase db, EmbeddedKafka kafka, int batchSize) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", db.jdbcUrl());
        p.put("spring.datasource.username", db.user());
        p.put("spring.datasource.password", db.password());
        p.put("tally.master-key", Base64.getEncoder().encodeToString(new byte[32]));
        p.put("tally.admin-token", "stream-test-admin-token");
        p.put("tally.stream.enabled", "true");
        p.put("tally.stream.bootstrap-servers", kafka.bootstrapServers());
        p.put("tally.stream.topic", TOPIC);
        p.put("tally.stream.partitions", "6");
        p.put("tally.stream.replication-factor", "1");
        p.put("tally.stream.relay.batch-size", String.valueOf(batchSize));
        // an outage is noticed within seconds, so the test's retries come quickly
        p.put("tally.stream.relay.delivery-timeout", "6s");
        p.put("tally.stream.relay.max-block", "3s");
        return new SpringApplicationBuilder(StreamTestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(p)
                .run();
    }

    /** How a consumer in another process reads the stream: the codec with the event serializer every service uses. */
    static CloudEventCodec consumerCodec() {
        return new CloudEventCodec(Jackson3Serializer.builder().build(), false);
    }

    static Map<String, Object> consumerConfig(EmbeddedKafka kafka, String group) {
        StreamProperties properties = new StreamProperties(true, kafka.bootstrapServers(), TOPIC, 6, null, false, "",
                Map.of("max.poll.records", "200"), new StreamProperties.Relay(true, 100, Duration.ofSeconds(6),
                Duration.ofSeconds(3)));
        return StreamClients.consumerConfig(properties, group);
    }

    /**
     * Appends events of several tenants through Axon's event store: login sessions and issued tokens. The tokens
     * rotate between the kinds {@link InternalFeed} tells apart: a machine token (client credentials, neither session
     * nor family: public topic only), a token of a login session with its ID token (the access token on both topics,
     * the ID token on the public one only), and a token of a refresh-token family (both topics).
     */
    static final class Appender {
        private final EventStore store;
        private final String[] tenants;
        private final Map<String, Long> sequences = new HashMap<>();
        private final List<String> sessions = new ArrayList<>();
        private int next;
        private int appended;

        Appender(EventStore store, String... tenants) {
            this.store = store;
            this.tenants = tenants;
        }

        /**
         * One transaction: per tenant, a new session or the next event of one of its sessions (so aggregates
         * interleave), and an issued access token (with an ID token for every third).
         */
        synchronized int appendRound() {
            List<EventMessage<?>> events = new ArrayList<>();
            for (String tenant : tenants) {
                int n = next++;
                String session = null;
                if (n % 4 != 0) {
                    List<String> own = sessions.stream().filter(s -> s.startsWith("ses_" + tenant + "_")).toList();
                    session = own.isEmpty() ? null : own.get(n % own.size());
                }
                Instant at = T0.plusSeconds(n);
                if (session == null) {
                    session = "ses_" + tenant + "_" + n;
                    sessions.add(session);
                    events.add(domain("Session", session, new SessionStarted(session, tenant, "usr_" + n, "cli-" + tenant,
                            "c".repeat(64), at, 3600, 86400, at.plusSeconds(3600), at.plusSeconds(86400))));
                } else {
                    events.add(domain("Session", session, new SessionExtended(session, tenant, "usr", "cli-" + tenant,
                            at, at.plusSeconds(3600))));
                }
                List<TraceStep> trace = List.of(TraceStep.set("api.token_lifetime", 3600));
                String jti = "jti-" + tenant + "-" + n;
                switch (n % 3) {
                    case 0 -> events.add(GenericEventMessage.asEventMessage(new AccessTokenIssued(tenant, jti,
                            "cli-" + tenant, "usr_" + n, "https://api." + tenant + ".test", "read", "client_credentials",
                            at, at.plusSeconds(3600), 3600, "api.token_lifetime", trace)));
                    case 1 -> {
                        events.add(GenericEventMessage.asEventMessage(new AccessTokenIssued(tenant, jti,
                                "cli-" + tenant, "usr_" + n, "https://api." + tenant + ".test", "openid read",
                                "authorization_code", at, at.plusSeconds(3600), 3600, "api.token_lifetime", trace,
                                session, null)));
                        events.add(GenericEventMessage.asEventMessage(new IdTokenIssued(tenant, "id-" + jti,
                                "cli-" + tenant, "usr_" + n, session, at, at.plusSeconds(3600), 3600,
                                "client.id_token_lifetime", trace)));
                    }
                    default -> events.add(GenericEventMessage.asEventMessage(new AccessTokenIssued(tenant, jti,
                            "cli-" + tenant, "usr_" + n, "https://api." + tenant + ".test", "read offline_access",
                            "refresh_token", at, at.plusSeconds(3600), 3600, "api.token_lifetime", trace, null,
                            "fam_" + tenant + "_" + (n % 5))));
                }
            }
            store.publish(events);
            appended += events.size();
            return events.size();
        }

        synchronized int appended() {
            return appended;
        }

        private EventMessage<?> domain(String type, String id, Object payload) {
            long seq = sequences.merge(id, 1L, Long::sum) - 1;
            return new GenericDomainEventMessage<>(type, id, seq, payload);
        }
    }

    /**
     * A view in PostgreSQL fed from the stream, idempotent by {@link JdbcEventDeduplicator}: its row insert is a
     * plain INSERT into a table keyed by event id, so an event applied twice would fail loudly instead of hiding.
     * Rows keep the order they were applied in, to check each aggregate's order afterwards.
     */
    static final class Projection implements TallyEventConsumer.Handler, AutoCloseable {
        final HikariDataSource dataSource = new HikariDataSource();
        final JdbcTemplate jdbc;
        final EventDeduplicator deduplicator;
        final CloudEventCodec codec = consumerCodec();
        final Map<String, Integer> deliveries = new ConcurrentHashMap<>();

        Projection(PostgresTestDatabase db) {
            dataSource.setJdbcUrl(db.jdbcUrl());
            dataSource.setUsername(db.user());
            dataSource.setPassword(db.password());
            dataSource.setMaximumPoolSize(2);
            jdbc = new JdbcTemplate(dataSource);
            jdbc.execute("CREATE TABLE relay_test_projection (tenant_id VARCHAR(63) NOT NULL, "
                    + "event_id VARCHAR(255) PRIMARY KEY, type VARCHAR(255) NOT NULL, aggregate_id VARCHAR(255), "
                    + "aggregate_sequence BIGINT, global_index BIGINT NOT NULL, "
                    + "applied_order BIGINT GENERATED ALWAYS AS IDENTITY)");
            jdbc.execute(JdbcEventDeduplicator.createTableSql("stream_applied_event"));
            deduplicator = new JdbcEventDeduplicator(jdbc, new DataSourceTransactionManager(dataSource),
                    "stream_applied_event", "test-projection");
        }

        @Override
        public void handle(StreamedEvent event) {
            deliveries.merge(event.id(), 1, Integer::sum);
            deduplicator.applyOnce(event, () -> {
                EventMessage<?> message = codec.toMessage(event);
                String tenant = EventTypes.tenantOf(message.getPayload());
                if (!tenant.equals(event.tenantId())) {
                    throw new IllegalStateException("tenant of " + event + " is " + tenant);
                }
                jdbc.update("INSERT INTO relay_test_projection (tenant_id, event_id, type, aggregate_id, "
                                + "aggregate_sequence, global_index) VALUES (?, ?, ?, ?, ?, ?)",
                        event.tenantId(), event.id(), event.type(), event.aggregateId(), event.aggregateSequence(),
                        event.globalIndex());
            });
        }

        long rows() {
            return jdbc.queryForObject("SELECT COUNT(*) FROM relay_test_projection", Long.class);
        }

        String checksum() {
            return sha256(jdbc.queryForList("SELECT event_id FROM relay_test_projection ORDER BY event_id", String.class));
        }

        /** Rows of an aggregate applied out of its sequence (a gap or a step back). */
        long aggregateOrderViolations() {
            return jdbc.queryForObject("SELECT COUNT(*) FROM (SELECT aggregate_sequence, ROW_NUMBER() OVER "
                    + "(PARTITION BY aggregate_id ORDER BY applied_order) - 1 AS expected FROM relay_test_projection "
                    + "WHERE aggregate_id IS NOT NULL) t WHERE aggregate_sequence <> expected", Long.class);
        }

        /** Token events of a tenant applied out of the store's order. */
        long tenantOrderViolations() {
            return jdbc.queryForObject("SELECT COUNT(*) FROM (SELECT global_index, LAG(global_index) OVER "
                    + "(PARTITION BY tenant_id ORDER BY applied_order) AS previous FROM relay_test_projection "
                    + "WHERE aggregate_id IS NULL) t WHERE previous IS NOT NULL AND global_index < previous", Long.class);
        }

        long domainRows() {
            return jdbc.queryForObject("SELECT COUNT(*) FROM relay_test_projection WHERE aggregate_id IS NOT NULL", Long.class);
        }

        @Override
        public void close() {
            dataSource.close();
        }
    }

    /** Every event of the store, in its order, read as the token service's start-up replay reads it. */
    static List<TrackedEventMessage<?>> readStore(EventStorageEngine storage) {
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(null, false)) {
            return events.<TrackedEventMessage<?>>map(e -> e).toList();
        }
    }

    /** The ids of the store's events that the internal topic carries ({@link InternalFeed}), payloads read. */
    static List<String> carriedIds(EventStorageEngine storage) {
        return readStore(storage).stream().filter(InternalFeed::carries).map(EventMessage::getIdentifier).toList();
    }

    /** The event ids of every record of {@code topic} (copies included), from its beginning to its end of now. */
    static List<String> idsOnTopic(EmbeddedKafka kafka, String topic) {
        return kafka.recordsToEnd(topic, Duration.ofSeconds(30)).stream()
                .map(r -> StreamRecords.header(r, StreamRecords.EVENT_ID)).toList();
    }

    static long storedEvents(JdbcTemplate jdbc) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry", Long.class);
    }

    static String storedChecksum(JdbcTemplate jdbc) {
        return sha256(jdbc.queryForList("SELECT event_identifier FROM domain_event_entry ORDER BY event_identifier",
                String.class));
    }

    static String sha256(List<String> lines) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            lines.forEach(l -> digest.update((l + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
