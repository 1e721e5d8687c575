package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.createApi;
import static dev.tally.standalone.StandaloneScenario.createMachineClient;
import static dev.tally.standalone.StandaloneScenario.createTenant;
import static dev.tally.standalone.StandaloneScenario.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.tally.command.retention.IssuanceRecordPruner;
import dev.tally.command.retention.RetentionProperties;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.tenant.TenantCommands.RecordIssuanceRecordsPruned;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.standalone.StandaloneScenario.Client;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retention of issuance records, on the standalone server (H2 and PostgreSQL): tokens are issued over HTTP across
 * several days of the test's clock, the clock moves past the retention, and the pruner runs. What leaves the store is
 * exactly what the export holds, once; a legal hold stops it; a crash between export and deletion duplicates nothing.
 */
abstract class RetentionContract {
    static final String ADMIN = "retention-admin-token";
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-06-01T08:00:00Z"));
    static final long RETENTION = Duration.ofDays(31).toSeconds();
    static final List<String> ISSUANCE_TYPES = List.of(AccessTokenIssued.class.getName(), IdTokenIssued.class.getName());
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock retentionTestClock() {
            return CLOCK;
        }
    }

    static void register(org.springframework.test.context.DynamicPropertyRegistry registry, String prefix) throws Exception {
        Path dataDir = Files.createTempDirectory(prefix);
        registry.add("tally.data-dir", dataDir::toString);
        registry.add("tally.admin-token", () -> ADMIN);
        Path exportDir = Files.createTempDirectory(prefix + "-export");
        registry.add("tally.retention.export-dir", exportDir::toString);
        // the tests run the pruner themselves, by their clock; small chunks so a day spans several
        registry.add("tally.retention.prune-interval", () -> "1000h");
        registry.add("tally.retention.chunk", () -> "3");
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
    CommandGateway commands;
    @Autowired
    RetentionProperties retention;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    /** A tenant with an API and a machine client; its records so far, by jti, with the day each was issued. */
    record Tenant(String id, Client client, List<Issued> issued) {
    }

    record Issued(String jti, LocalDate day) {
    }

    Tenant tenant(String id) {
        TestHttp http = http();
        createTenant(http, id, null);
        createApi(http, id, "https://api." + id + ".test", 600);
        return new Tenant(id, createMachineClient(http, id), new ArrayList<>());
    }

    /** {@code perDay} client-credentials tokens (and one ID-token record, appended as the token service does) per day. */
    void issueOverDays(List<Tenant> tenants, int days, int perDay) throws Exception {
        for (int d = 0; d < days; d++) {
            for (Tenant t : tenants) {
                for (int i = 0; i < perDay; i++) {
                    Response r = token(http(), t.id(), t.client(), "https://api." + t.id() + ".test");
                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                    String jti = SignedJWT.parse(r.text("access_token")).getJWTClaimsSet().getJWTID();
                    t.issued().add(new Issued(jti, LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC)));
                }
                String idJti = UUID.randomUUID().toString();
                Instant now = CLOCK.instant();
                transactions.executeWithoutResult(s -> eventStore.publish(GenericEventMessage.asEventMessage(
                        new IdTokenIssued(t.id(), idJti, t.client().id(), "user-1", null, now, now.plusSeconds(300), 300,
                                "client.id_token_lifetime", List.of()))));
                t.issued().add(new Issued(idJti, LocalDate.ofInstant(now, ZoneOffset.UTC)));
                CLOCK.advance(Duration.ofMinutes(7));
            }
            CLOCK.advance(Duration.ofDays(1));
        }
    }

    void setRetention(String tenant, long seconds) {
        Response r = http().admin("PATCH", "/admin/tenants/" + tenant, Map.of("issuance_record_retention", seconds));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("issuance_record_retention").asLong()).isEqualTo(seconds);
    }

    /** The pruner waits for every tracking processor; so does the test, before it counts on a pruning. */
    void awaitProcessorsAtHead() throws InterruptedException {
        long head = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (pruner.readByAllProcessors() < head) {
            assertThat(System.nanoTime()).as("every processor reads up to " + head + " within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The jtis of the tenant's issuance records still in the store. */
    Set<String> jtisInStore(String tenant) {
        Set<String> jtis = new HashSet<>();
        for (byte[] payload : jdbc.queryForList("SELECT payload FROM domain_event_entry WHERE payload_type IN (?, ?)",
                byte[].class, ISSUANCE_TYPES.get(0), ISSUANCE_TYPES.get(1))) {
            JsonNode p = JSON.readTree(payload);
            if (tenant.equals(p.get("tenantId").asString())) {
                jtis.add(p.get("jti").asString());
            }
        }
        return jtis;
    }

    /** Every line of every export file of the tenant: the jti of each (a list, so a duplicate would show). */
    List<String> exportedJtis(String tenant) throws Exception {
        List<String> jtis = new ArrayList<>();
        Path dir = retention.exportDir().resolve(tenant);
        if (!Files.isDirectory(dir)) {
            return jtis;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    JsonNode l = JSON.readTree(line);
                    assertThat(f.getFileName().toString()).as("a record is in the file of its UTC day")
                            .isEqualTo(l.get("occurred_at").asString().substring(0, 10) + ".ndjson");
                    jtis.add(l.get("payload").get("jti").asString());
                }
            }
        }
        return jtis;
    }

    static Set<String> jtis(Tenant t, java.util.function.Predicate<Issued> which) {
        Set<String> s = new HashSet<>();
        t.issued().stream().filter(which).forEach(i -> s.add(i.jti()));
        return s;
    }

    Set<String> auditJtis(String tenant) {
        Set<String> jtis = new HashSet<>();
        JsonNode page = http().admin("GET", "/admin/tenants/" + tenant
                + "/audit?type=AccessTokenIssued,IdTokenIssued&limit=200", null).json();
        page.get("events").forEach(e -> jtis.add(e.get("jti").asString()));
        return jtis;
    }

    static boolean absent(JsonNode object, String field) {
        return object.get(field) == null || object.get(field).isNull();
    }

    Set<String> aggregateEventIds() {
        return new HashSet<>(jdbc.queryForList("SELECT event_identifier FROM domain_event_entry WHERE payload_type NOT IN (?, ?)",
                String.class, ISSUANCE_TYPES.get(0), ISSUANCE_TYPES.get(1)));
    }

    @Test
    void aPrunedTenantsExportHoldsExactlyThePrunedRecordsAndOthersAreUntouched() throws Exception {
        Tenant pruned = tenant("ret-pruned");
        Tenant forever = tenant("ret-forever");
        Instant start = CLOCK.instant();
        issueOverDays(List.of(pruned, forever), 4, 4);
        setRetention(pruned.id(), RETENTION);
        // past the retention of the first three days' records, not the fourth's
        CLOCK.set(start.plus(Duration.ofDays(31 + 3)));
        Instant upTo = CLOCK.instant().minusSeconds(RETENTION);
        Set<String> expectedPruned = jtis(pruned, i -> i.day().isBefore(LocalDate.ofInstant(upTo, ZoneOffset.UTC)));
        assertThat(expectedPruned).hasSize(3 * 5);
        Set<String> aggregatesBefore = aggregateEventIds();
        Set<String> foreverBefore = jtisInStore(forever.id());
        awaitProcessorsAtHead();

        IssuanceRecordPruner.Outcome outcome = pruner.prune();

        assertThat(outcome.pruned()).containsEntry(pruned.id(), (long) expectedPruned.size());
        List<String> exported = exportedJtis(pruned.id());
        assertThat(exported).as("each pruned record exported once").doesNotHaveDuplicates();
        assertThat(new HashSet<>(exported)).isEqualTo(expectedPruned);
        Set<String> remaining = jtisInStore(pruned.id());
        assertThat(remaining).isEqualTo(jtis(pruned, i -> !expectedPruned.contains(i.jti())));
        assertThat(remaining).doesNotContainAnyElementsOf(exported);
        assertThat(jtisInStore(forever.id())).as("a tenant without retention keeps everything").isEqualTo(foreverBefore)
                .hasSize(forever.issued().size());
        assertThat(exportedJtis(forever.id())).isEmpty();

        // aggregates' events are untouched; the pruning is in the history, with where each record went
        Set<String> aggregatesAfter = aggregateEventIds();
        assertThat(aggregatesAfter).containsAll(aggregatesBefore);
        List<JsonNode> prunings = jdbc.queryForList("SELECT payload FROM domain_event_entry WHERE payload_type = ?",
                byte[].class, "dev.tally.kernel.tenant.TenantEvents$IssuanceRecordsPruned").stream()
                .map(b -> JSON.readTree(b)).filter(p -> pruned.id().equals(p.get("tenantId").asString())).toList();
        assertThat(aggregatesAfter.size() - aggregatesBefore.size()).isEqualTo(prunings.size());
        assertThat(prunings).hasSize(5); // 15 records in chunks of 3
        long count = 0;
        for (JsonNode p : prunings) {
            count += p.get("count").asLong();
            assertThat(Instant.parse(p.get("upTo").asString())).isEqualTo(upTo);
            for (JsonNode part : p.get("files")) {
                byte[] file = Files.readAllBytes(retention.exportDir().resolve(part.get("file").asString()));
                byte[] bytes = java.util.Arrays.copyOfRange(file, part.get("fromByte").asInt(), part.get("toByte").asInt());
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                        .as("the recorded digest is that of the bytes written").isEqualTo(part.get("sha256").asString());
                assertThat(new String(bytes, StandardCharsets.UTF_8).lines().count()).isEqualTo(part.get("records").asLong());
            }
        }
        assertThat(count).isEqualTo(expectedPruned.size());

        // the audit view holds what the store holds, and says where the rest went
        awaitProcessorsAtHead();
        assertThat(auditJtis(pruned.id())).isEqualTo(remaining);
        JsonNode pruning = http().admin("GET", "/admin/tenants/" + pruned.id() + "/audit?type=IssuanceRecordsPruned", null)
                .json().get("events");
        assertThat(pruning).hasSize(5);
        JsonNode details = pruning.get(0).get("details");
        assertThat(Instant.parse(details.get("up_to").asString())).isEqualTo(upTo);
        JsonNode file = details.get("files").get(0);
        assertThat(file.get("file").asString()).startsWith(pruned.id() + "/");
        assertThat(file.get("sha256").asString()).hasSize(64);
        assertThat(file.get("to_byte").asLong()).isGreaterThan(file.get("from_byte").asLong());

        // a replay over the pruned store rebuilds the same view
        Response replay = http().admin("POST", "/admin/projections/audit/replay", null);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
        long head = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode status = http().admin("GET", "/admin/projections/audit", null).json();
            if (status.get("status").asString().equals("live") && status.get("position").asLong() >= head) {
                break;
            }
            assertThat(System.nanoTime()).as("the audit replays within 60 s: " + status).isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(auditJtis(pruned.id())).isEqualTo(remaining);

        // a second run finds nothing more to do
        assertThat(pruner.prune().pruned()).containsEntry(pruned.id(), 0L);
        assertThat(exportedJtis(pruned.id())).hasSize(expectedPruned.size());
    }

    @Test
    void aLegalHoldStopsPruningUntilItIsLifted() throws Exception {
        Tenant held = tenant("ret-held");
        Instant start = CLOCK.instant();
        issueOverDays(List.of(held), 2, 2);
        setRetention(held.id(), RETENTION);
        Response hold = http().admin("POST", "/admin/tenants/" + held.id() + "/legal-hold", Map.of("reason", "case 2026-117"));
        assertThat(hold.status()).as(hold.toString()).isEqualTo(200);
        assertThat(hold.json().get("legal_hold").get("reason").asString()).isEqualTo("case 2026-117");
        assertThat(http().admin("POST", "/admin/tenants/" + held.id() + "/legal-hold", Map.of("reason", "again")).status())
                .isEqualTo(409);
        CLOCK.set(start.plus(Duration.ofDays(40)));
        awaitProcessorsAtHead();

        IssuanceRecordPruner.Outcome outcome = pruner.prune();

        assertThat(outcome.pruned()).doesNotContainKey(held.id());
        assertThat(jtisInStore(held.id())).hasSize(held.issued().size());
        assertThat(exportedJtis(held.id())).isEmpty();

        // the tenant itself refuses a pruning while held, and the deletion in its transaction rolls back
        long position = jdbc.queryForObject("SELECT MIN(global_index) FROM domain_event_entry WHERE payload_type = ? "
                + "AND event_identifier IS NOT NULL", Long.class, ISSUANCE_TYPES.get(0));
        assertThatThrownBy(() -> transactions.executeWithoutResult(s -> {
            jdbc.update("DELETE FROM domain_event_entry WHERE global_index = ?", position);
            commands.sendAndWait(new RecordIssuanceRecordsPruned(held.id(), CLOCK.instant().minusSeconds(RETENTION),
                    position, 1, List.of()));
        })).isInstanceOf(Conflict.class);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM domain_event_entry WHERE global_index = ?", Integer.class,
                position)).as("the deletion rolled back with the refused command").isEqualTo(1);

        Response lift = http().admin("DELETE", "/admin/tenants/" + held.id() + "/legal-hold", null);
        assertThat(lift.status()).as(lift.toString()).isEqualTo(200);
        assertThat(absent(lift.json(), "legal_hold")).isTrue();
        assertThat(http().admin("DELETE", "/admin/tenants/" + held.id() + "/legal-hold", null).status()).isEqualTo(404);
        awaitProcessorsAtHead();

        assertThat(pruner.prune().pruned()).containsEntry(held.id(), (long) held.issued().size());
        assertThat(jtisInStore(held.id())).isEmpty();
        assertThat(new HashSet<>(exportedJtis(held.id()))).isEqualTo(jtis(held, i -> true));
        assertThat(exportedJtis(held.id())).hasSize(held.issued().size());
    }

    @Test
    void aCrashBetweenExportAndDeletionDuplicatesNothing() throws Exception {
        Tenant crashy = tenant("ret-crash");
        Instant start = CLOCK.instant();
        issueOverDays(List.of(crashy), 1, 5); // 6 records: two chunks of 3
        setRetention(crashy.id(), RETENTION);
        CLOCK.set(start.plus(Duration.ofDays(40)));
        awaitProcessorsAtHead();

        pruner.failNextDeletion();
        IssuanceRecordPruner.Outcome crashed = pruner.prune();

        assertThat(crashed.skipped()).contains(crashy.id());
        assertThat(jtisInStore(crashy.id())).as("nothing left the store").hasSize(6);
        assertThat(exportedJtis(crashy.id())).as("the crashed chunk's lines are on disk").hasSize(3);

        awaitProcessorsAtHead();
        assertThat(pruner.prune().pruned()).containsEntry(crashy.id(), 6L);
        assertThat(jtisInStore(crashy.id())).isEmpty();
        List<String> exported = exportedJtis(crashy.id());
        assertThat(exported).doesNotHaveDuplicates().hasSize(6);
        assertThat(new HashSet<>(exported)).isEqualTo(jtis(crashy, i -> true));
    }

    @Test
    void aRetentionBelowThePlatformMinimumIsRefused() {
        tenant("ret-short");
        Response r = http().admin("PATCH", "/admin/tenants/ret-short",
                Map.of("issuance_record_retention", Duration.ofDays(29).toSeconds()));
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.body()).contains("issuance_record_retention").contains("tally.retention.minimum");
        Response cleared = http().admin("PATCH", "/admin/tenants/ret-short", Map.of("issuance_record_retention", 0));
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(absent(cleared.json(), "issuance_record_retention")).isTrue();
        assertThat(http().admin("POST", "/admin/tenants/ret-short/legal-hold", Map.of()).status()).isEqualTo(400);
    }
}
