package dev.tally.command.retention;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.catalog.CatalogRows.TenantRow;
import dev.tally.command.expiry.ExpirySweep;
import dev.tally.kernel.tenant.TenantCommands.RecordIssuanceRecordsPruned;
import dev.tally.kernel.tenant.TenantEvents.ExportedPart;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.platform.axon.TrackingTokenSerializer;
import dev.tally.platform.projection.TrackingProcessorStatus;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves issuance records past their tenant's retention out of the event store: every
 * {@code tally.retention.prune-interval}, for each tenant with {@code issuance_record_retention} and no legal hold,
 * its {@code AccessTokenIssued} and {@code IdTokenIssued} records issued before now minus the retention, whose token
 * has expired, and which every tracking processor has read, in chunks of {@code tally.retention.chunk}:
 * <ol>
 *   <li>written to the export directory ({@link ExportFiles}) and forced to disk;</li>
 *   <li>then, in one transaction, deleted from the event store (by global index, and only rows of those two payload
 *       types, never an aggregate's event) and recorded as {@code IssuanceRecordsPruned} by the tenant, which refuses
 *       if it is under a legal hold by then, so a hold placed during a pruning rolls the deletion back.</li>
 * </ol>
 * Without an export directory nothing is pruned (a warning per run names the setting). One pruner per export
 * directory: a lock file in it keeps a second process out.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(RetentionProperties.class)
public class IssuanceRecordPruner implements SchedulingConfigurer {
    private static final Logger LOG = LoggerFactory.getLogger(IssuanceRecordPruner.class);
    /** Records commit slightly out of issuance order; the scan goes this far past the cut-off before it stops. */
    static final Duration SCAN_SLACK = Duration.ofMinutes(5);
    static final List<String> TYPES = List.of(AccessTokenIssued.class.getName(), IdTokenIssued.class.getName());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Catalog catalog;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final CommandGateway commands;
    private final Serializer eventSerializer;
    private final Serializer tokenSerializer;
    private final TrackingProcessorStatus processors;
    private final RetentionProperties properties;
    private final Clock clock;
    /** Fails the deletion after the export of the next chunk, once: how tests stand in for a crash between the two. */
    private volatile boolean failNextDeletion;

    public IssuanceRecordPruner(Catalog catalog, JdbcTemplate jdbc, TransactionTemplate transactions,
                                CommandGateway commands, @Qualifier("eventSerializer") Serializer eventSerializer,
                                TrackingProcessorStatus processors, RetentionProperties properties, Clock clock) {
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.commands = commands;
        this.eventSerializer = eventSerializer;
        // reads every processor's token, a replay token included
        this.tokenSerializer = TrackingTokenSerializer.create();
        this.processors = processors;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(ExpirySweep.every(properties.pruneInterval(), IssuanceRecordPruner.class, this::pruneOnSchedule));
    }

    void pruneOnSchedule() {
        try {
            prune();
        } catch (RuntimeException e) {
            LOG.warn("issuance-record pruning failed: {}", e.toString());
        }
    }

    /** What one run did, per tenant: records pruned. */
    public record Outcome(Map<String, Long> pruned, List<String> skipped) {
    }

    /** One run over every tenant with a retention and no legal hold. */
    public synchronized Outcome prune() {
        Map<String, Long> pruned = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        List<TenantRow> due = catalog.tenants().stream()
                .filter(t -> t.issuanceRecordRetention() != null && t.legalHold() == null).toList();
        if (due.isEmpty()) {
            return new Outcome(pruned, skipped);
        }
        Path dir = properties.exportDir();
        if (dir == null) {
            LOG.warn("{} tenant(s) have an issuance_record_retention, but tally.retention.export-dir is not set: "
                    + "nothing is pruned", due.size());
            due.forEach(t -> skipped.add(t.id()));
            return new Outcome(pruned, skipped);
        }
        long readByAll = readByAllProcessors();
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
                if (lock == null) {
                    LOG.warn("another process is pruning into {}; this run does nothing", dir);
                    due.forEach(t -> skipped.add(t.id()));
                    return new Outcome(pruned, skipped);
                }
                ExportFiles files = new ExportFiles(dir);
                for (TenantRow tenant : due) {
                    try {
                        pruned.put(tenant.id(), pruneTenant(tenant, files, readByAll));
                    } catch (RuntimeException e) {
                        LOG.warn("could not prune the issuance records of tenant {}: {}", tenant.id(), e.toString());
                        skipped.add(tenant.id());
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot use the export directory " + dir, e);
        }
        return new Outcome(pruned, skipped);
    }

    /** The global index every tracking processor has read up to (0 if one that must has never run). */
    public long readByAllProcessors() {
        Set<String> names = new LinkedHashSet<>(properties.followers());
        names.addAll(jdbc.queryForList("SELECT DISTINCT processor_name FROM token_entry", String.class));
        long through = Long.MAX_VALUE;
        for (String name : names) {
            through = Math.min(through, processors.position(name, tokenSerializer));
        }
        return through == Long.MAX_VALUE ? 0 : through;
    }

    private long pruneTenant(TenantRow tenant, ExportFiles files, long readByAll) {
        Instant now = clock.instant();
        Instant upTo = now.minusSeconds(tenant.issuanceRecordRetention());
        Instant stopAt = upTo.plus(SCAN_SLACK);
        int chunk = properties.chunk();
        long after = 0;
        long total = 0;
        List<Row> batch = new ArrayList<>();
        boolean done = false;
        while (!done) {
            List<Row> page = page(after, readByAll, chunk);
            if (page.isEmpty()) {
                break;
            }
            for (Row row : page) {
                after = row.position();
                if (!row.issuedAt().isBefore(stopAt)) {
                    done = true;
                    break;
                }
                if (row.tenantId().equals(tenant.id()) && row.issuedAt().isBefore(upTo) && !row.expiresAt().isAfter(now)) {
                    batch.add(row);
                    if (batch.size() == chunk) {
                        total += exportAndDelete(tenant.id(), upTo, batch, files);
                        batch.clear();
                    }
                }
            }
        }
        if (!batch.isEmpty()) {
            total += exportAndDelete(tenant.id(), upTo, batch, files);
        }
        return total;
    }

    private long exportAndDelete(String tenantId, Instant upTo, List<Row> rows, ExportFiles files) {
        Map<LocalDate, List<String>> byDay = new TreeMap<>();
        for (Row row : rows) {
            byDay.computeIfAbsent(LocalDate.ofInstant(row.issuedAt(), ZoneOffset.UTC), d -> new ArrayList<>()).add(row.line());
        }
        List<ExportedPart> parts = new ArrayList<>();
        byDay.forEach((day, lines) -> parts.add(files.append(tenantId, day, lines,
                catalog.exportFileLength(tenantId, ExportFiles.name(tenantId, day)))));
        long through = rows.stream().mapToLong(Row::position).max().orElseThrow();
        try {
            transactions.executeWithoutResult(status -> {
                int deleted = 0;
                for (int[] counts : jdbc.batchUpdate("DELETE FROM domain_event_entry WHERE global_index = ? "
                                + "AND payload_type IN (?, ?) AND sequence_number = 0", rows, 500,
                        (ps, row) -> {
                            ps.setLong(1, row.position());
                            ps.setString(2, TYPES.get(0));
                            ps.setString(3, TYPES.get(1));
                        })) {
                    for (int n : counts) {
                        deleted += n;
                    }
                }
                if (deleted != rows.size()) {
                    throw new IllegalStateException("deleted " + deleted + " of " + rows.size()
                            + " exported records; another pruner took some (rolled back)");
                }
                if (failNextDeletion) {
                    failNextDeletion = false;
                    throw new SimulatedCrash();
                }
                commands.sendAndWait(new RecordIssuanceRecordsPruned(tenantId, upTo, through, rows.size(), parts));
            });
        } catch (SimulatedCrash crash) {
            throw crash; // a crash leaves the exported lines in place: the next run must cope with them
        } catch (RuntimeException e) {
            parts.forEach(files::cutBack);
            throw e;
        }
        LOG.info("pruned {} issuance records of tenant {} issued before {} into {}", rows.size(), tenantId, upTo,
                parts.stream().map(ExportedPart::file).toList());
        return rows.size();
    }

    /** For tests: the next chunk's deletion fails after its export is on disk, as a crash there would leave it. */
    public void failNextDeletion() {
        failNextDeletion = true;
    }

    /** What a crash between the export and the deletion's commit leaves: the lines written, the records in place. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("the deletion failed on purpose, as a crash before its commit would");
        }
    }

    private List<Row> page(long after, long through, int limit) {
        return jdbc.query("SELECT global_index, event_identifier, payload_type, payload_revision, payload "
                        + "FROM domain_event_entry WHERE global_index > ? AND global_index <= ? AND payload_type IN (?, ?) "
                        + "ORDER BY global_index LIMIT ?",
                (rs, i) -> row(rs.getLong("global_index"), rs.getString("event_identifier"), rs.getString("payload_type"),
                        rs.getString("payload_revision"), rs.getBytes("payload")),
                after, through, TYPES.get(0), TYPES.get(1), limit);
    }

    private Row row(long position, String eventId, String type, String revision, byte[] payload) {
        Object event = eventSerializer.deserialize(new SimpleSerializedObject<>(payload, byte[].class, type, revision));
        String tenantId;
        Instant issuedAt;
        Instant expiresAt;
        String simpleType;
        if (event instanceof AccessTokenIssued a) {
            tenantId = a.tenantId();
            issuedAt = a.issuedAt();
            expiresAt = a.expiresAt();
            simpleType = "AccessTokenIssued";
        } else if (event instanceof IdTokenIssued t) {
            tenantId = t.tenantId();
            issuedAt = t.issuedAt();
            expiresAt = t.expiresAt();
            simpleType = "IdTokenIssued";
        } else {
            throw new IllegalStateException("not an issuance record: " + type);
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("type", simpleType);
        line.put("position", position);
        line.put("event_id", eventId);
        line.put("occurred_at", issuedAt.toString());
        line.put("payload_revision", revision);
        line.set("payload", JSON.readTree(payload));
        return new Row(position, tenantId, issuedAt, expiresAt, JSON.writeValueAsString(line));
    }

    private record Row(long position, String tenantId, Instant issuedAt, Instant expiresAt, String line) {
    }
}
