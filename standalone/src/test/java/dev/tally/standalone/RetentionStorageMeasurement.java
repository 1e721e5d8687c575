package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createApi;
import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.command.retention.IssuanceRecordPruner;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Not a test: the measurement behind BENCHMARKS.md's "store bytes per issued token". Runs only when asked:
 * {@code -Dtally.measure.retention=h2} or {@code =postgres} (and {@code -Dtally.measure.tokens=100000}). One real
 * client-credentials record is issued over HTTP; copies of it with fresh jtis and instants over four days are appended
 * through the event store, 256 per transaction as the issuance log does; the store's size is read before, after, and
 * after a pruning of the first three days.
 */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RetentionStorageMeasurement.Clocks.class)
@EnabledIfSystemProperty(named = "tally.measure.retention", matches = "h2|postgres")
class RetentionStorageMeasurement {
    static final String ADMIN = "retention-measure-admin";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    static final boolean POSTGRES = "postgres".equals(System.getProperty("tally.measure.retention"));
    static final int TOKENS = Integer.getInteger("tally.measure.tokens", 100_000);
    static Path dataDir;

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock measureClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        dataDir = Files.createTempDirectory("tally-measure-retention");
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.retention.export-dir", () -> dataDir.resolve("export").toString());
        registry.add("tally.retention.prune-interval", () -> "1000h");
        if (POSTGRES) {
            PostgresTestDatabase.create("tally_measure").register(registry);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    IssuanceRecordPruner pruner;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStore eventStore;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    @Qualifier("eventSerializer")
    Serializer serializer;

    @Test
    void measure() throws Exception {
        TestHttp http = new TestHttp("http://localhost:" + port, ADMIN);
        createTenant(http, "measured", null);
        createApi(http, "measured", "https://api.measured.test", 3600);
        Client client = createMachineClient(http, "measured");
        assertThat(token(http, "measured", client, "https://api.measured.test").status()).isEqualTo(200);
        Map<String, Object> row = jdbc.queryForMap("SELECT payload, payload_type, payload_revision FROM domain_event_entry "
                + "WHERE payload_type = ? ORDER BY global_index LIMIT 1", AccessTokenIssued.class.getName());
        AccessTokenIssued template = serializer.deserialize(new SimpleSerializedObject<>((byte[]) row.get("payload"),
                byte[].class, (String) row.get("payload_type"), (String) row.get("payload_revision")));
        System.out.println("MEASURE record payload bytes: " + ((byte[]) row.get("payload")).length);
        awaitProcessors(Duration.ofSeconds(30));
        Sizes before = sizes();

        Instant start = CLOCK.instant();
        long appendNanos = append(template, start, TOKENS);
        awaitProcessors(Duration.ofMinutes(15));
        Sizes after = sizes();
        report("appended " + TOKENS + " in " + appendNanos / 1_000_000 + " ms", before, after);

        Response r = new Response(http.admin("PATCH", "/admin/tenants/measured",
                Map.of("issuance_record_retention", Duration.ofDays(31).toSeconds())).status());
        assertThat(r.status()).isEqualTo(200);
        CLOCK.set(start.plus(Duration.ofDays(31 + 3)));
        awaitProcessors(Duration.ofSeconds(30));
        long pruneStart = System.nanoTime();
        long pruned = pruner.prune().pruned().getOrDefault("measured", 0L);
        long pruneNanos = System.nanoTime() - pruneStart;
        awaitProcessors(Duration.ofMinutes(5));
        Sizes prunedSizes = sizes();
        long exportBytes;
        try (var files = Files.walk(dataDir.resolve("export"))) {
            exportBytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.println("MEASURE pruned " + pruned + " records in " + pruneNanos / 1_000_000 + " ms; export files "
                + exportBytes + " bytes (" + exportBytes / Math.max(1, pruned) + " per record)");
        report("after pruning", after, prunedSizes);
        if (POSTGRES) {
            jdbc.execute("VACUUM domain_event_entry");
            report("after pruning and VACUUM", after, sizes());
        }
        // is the space freed taken by new records? as many again as were pruned, issued now
        Sizes beforeRefill = sizes();
        append(template, CLOCK.instant(), (int) pruned);
        awaitProcessors(Duration.ofMinutes(15));
        report("appending " + pruned + " more after the pruning", beforeRefill, sizes());
    }

    long append(AccessTokenIssued template, Instant start, int count) {
        long appendStart = System.nanoTime();
        List<EventMessage<?>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant at = start.plusMillis((long) i * Duration.ofDays(4).toMillis() / count);
            batch.add(GenericEventMessage.asEventMessage(new AccessTokenIssued(template.tenantId(),
                    UUID.randomUUID().toString().replace("-", "").substring(0, 22), template.clientId(),
                    template.subject(), template.audience(), template.scope(), template.grantType(), at,
                    at.plusSeconds(template.lifetimeSeconds()), template.lifetimeSeconds(), template.decidedBy(),
                    template.lifetimeTrace(), null, null)));
            if (batch.size() == 256 || i == count - 1) {
                List<EventMessage<?>> events = List.copyOf(batch);
                transactions.executeWithoutResult(s -> eventStore.publish(events));
                batch.clear();
            }
        }
        return System.nanoTime() - appendStart;
    }

    record Response(int status) {
    }

    record Sizes(long eventTable, long auditTable, long h2File, long issuanceRows) {
    }

    Sizes sizes() throws Exception {
        long rows = jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE payload_type = ?", Long.class,
                AccessTokenIssued.class.getName());
        if (POSTGRES) {
            return new Sizes(jdbc.queryForObject("SELECT pg_total_relation_size('domain_event_entry')", Long.class),
                    jdbc.queryForObject("SELECT pg_total_relation_size('audit_event')", Long.class), 0, rows);
        }
        jdbc.execute("CHECKPOINT SYNC");
        long file;
        try (var files = Files.walk(dataDir)) {
            file = files.filter(f -> f.toString().endsWith(".mv.db")).mapToLong(f -> f.toFile().length()).sum();
        }
        return new Sizes(jdbc.queryForObject("SELECT DISK_SPACE_USED('DOMAIN_EVENT_ENTRY')", Long.class),
                jdbc.queryForObject("SELECT DISK_SPACE_USED('AUDIT_EVENT')", Long.class), file, rows);
    }

    static void report(String what, Sizes a, Sizes b) {
        long records = Math.max(1, Math.abs(b.issuanceRows() - a.issuanceRows()));
        System.out.printf("MEASURE %s: issuance rows %d -> %d; domain_event_entry %d -> %d bytes (%+d, %.0f per record); "
                        + "audit_event %d -> %d bytes (%+d, %.0f per record)%s%n", what, a.issuanceRows(), b.issuanceRows(),
                a.eventTable(), b.eventTable(), b.eventTable() - a.eventTable(),
                (double) (b.eventTable() - a.eventTable()) / records, a.auditTable(), b.auditTable(),
                b.auditTable() - a.auditTable(), (double) (b.auditTable() - a.auditTable()) / records,
                POSTGRES ? "" : String.format("; H2 file %d -> %d bytes (%+d, %.0f per record)", a.h2File(), b.h2File(),
                        b.h2File() - a.h2File(), (double) (b.h2File() - a.h2File()) / records));
    }

    void awaitProcessors(Duration within) throws InterruptedException {
        long head = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        long deadline = System.nanoTime() + within.toNanos();
        while (pruner.readByAllProcessors() < head) {
            assertThat(System.nanoTime()).as("processors reach " + head).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
