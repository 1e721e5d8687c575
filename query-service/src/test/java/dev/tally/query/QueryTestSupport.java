package dev.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.query.projection.Projections;
import dev.tally.query.projection.QueryProcessing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Feeding kernel events to the query side through Axon's event store, waiting for it, and asking it over HTTP. */
public abstract class QueryTestSupport {
    public static final String ADMIN = "query-side-admin-token";
    public static final String MASTER_KEY = java.util.Base64.getEncoder()
            .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;
    @Autowired
    protected EventStore eventStore;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected Projections projections;
    @Autowired
    protected EventProcessingConfiguration processing;
    @Autowired
    protected dev.tally.query.projection.QueryTokenStore queryTokens;
    @Autowired
    protected TransactionManager axonTransactions;

    private final Map<String, Long> sequences = new HashMap<>();

    /** An event of an aggregate (the next sequence number of {@code aggregateId}). */
    protected synchronized void publishOf(String aggregateType, String aggregateId, Object payload) {
        long seq = sequences.merge(aggregateId, 1L, Long::sum) - 1;
        eventStore.publish(new GenericDomainEventMessage<>(aggregateType, aggregateId, seq, payload));
    }

    /** An event of no aggregate, as the token service records issued tokens. */
    protected void publish(Object... payloads) {
        List<EventMessage<?>> messages = new ArrayList<>();
        for (Object p : payloads) {
            messages.add(GenericEventMessage.asEventMessage(p));
        }
        eventStore.publish(messages);
    }

    protected void tenant(String tenant) {
        publishOf("Tenant", "tenant:" + tenant, Fixtures.tenantCreated(tenant, java.time.Instant.parse("2026-01-01T00:00:00Z")));
    }

    /** Waits (bounded) until every projection has processed the whole store and none is replaying. */
    protected void awaitCaughtUp() {
        awaitCaughtUp(projections.projectionNames());
    }

    /** Waits (bounded) until the projections named (the API's names) have processed the whole store, none replaying. */
    protected void awaitCaughtUp(java.util.Collection<String> names) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            boolean done = names.stream().map(projections::status)
                    .allMatch(s -> !s.replaying() && s.lagEvents() == 0);
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("projections did not catch up: "
                        + names.stream().map(projections::status).toList());
            }
            sleep(20);
        }
    }

    /** Delivers every event from {@code position} on again to all three processors (as after a crash). */
    protected void redeliverFrom(long position) {
        for (String processor : QueryProcessing.BY_NAME.values()) {
            TrackingEventProcessor tep = processing.eventProcessor(processor, TrackingEventProcessor.class).orElseThrow();
            tep.shutDown();
            axonTransactions.executeInTransaction(() -> queryTokens.tokenStore().storeToken(
                    GapAwareTrackingToken.newInstance(position - 1, Set.of()), processor, 0));
            tep.start();
        }
    }

    protected long head() {
        return projections.head();
    }

    /** Every row of {@code table} with all its columns, ordered by {@code orderBy}. */
    protected List<String> rows(String table, String orderBy) {
        return jdbc.query("SELECT * FROM " + table + " ORDER BY " + orderBy, (rs, i) -> {
            StringBuilder row = new StringBuilder();
            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                Object v = rs.getObject(c);
                row.append(rs.getMetaData().getColumnName(c)).append('=')
                        .append(v instanceof java.time.OffsetDateTime t ? t.toInstant() : v).append('|');
            }
            return row.toString();
        });
    }

    protected static String sha256(List<String> rows) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            rows.forEach(r -> d.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Answer(int status, HttpResponse<String> response) {
        public String body() {
            return response.body();
        }

        public JsonNode json() {
            return JSON.readTree(response.body());
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + response.body();
        }
    }

    /** A GET with the administrator's bearer token (which the revocation list will also accept). */
    protected Answer get(String path) {
        return get(path, "application/json");
    }

    protected Answer get(String path, String accept) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET()
                .header("Authorization", "Bearer " + ADMIN).header("Accept", accept));
    }

    protected Answer post(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + ADMIN));
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static void assertProblem(Answer a, int status, String field) {
        assertThat(a.status()).as(a.toString()).isEqualTo(status);
        assertThat(a.header("Content-Type")).as(a.toString()).startsWith("application/problem+json");
        if (field != null) {
            assertThat(a.json().get("field").asString()).as(a.toString()).isEqualTo(field);
        }
    }
}
