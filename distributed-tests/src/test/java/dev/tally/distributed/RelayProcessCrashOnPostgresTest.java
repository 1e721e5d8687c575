package dev.tally.distributed;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.tally.services.command.CommandServiceApplication;
import dev.tally.stream.CloudEventCodec;
import dev.tally.stream.InMemoryEventDeduplicator;
import dev.tally.stream.JdbcEventDeduplicator;
import dev.tally.stream.KafkaRelay;
import dev.tally.stream.StreamRecords;
import dev.tally.stream.StreamedEvent;
import dev.tally.stream.TallyEventConsumer;
import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.FaultyTcpProxy;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.ServiceProcess;
import dev.tally.testsupport.TestHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The command service's JVM is killed with SIGKILL while its relay publishes a steady stream of appends, and started
 * again on the same database and port: the strongest form of "relay crash: kill the relay mid-stream; after restart,
 * nothing is missing and nothing is applied twice".
 *
 * <p>The command service runs as a process of its own ({@link ServiceProcess}: the same {@code main} a container
 * runs, configured by environment variables), so the kill is a real crash: no shutdown hook, no rollback handler, no
 * graceful stop of the tracking processor; its open transactions and Kafka connections are cut by the kernel, and
 * its claim on the relay's position stays in {@code token_entry} under the dead process's name until it times out.
 * Three threads append all the time through the management API (tenant renames, new APIs).
 *
 * <p>Where the kill lands is made certain, not left to timing: the process reaches PostgreSQL through a TCP proxy
 * ({@link FaultyTcpProxy}), which, once the views have applied events from Kafka, holds back the {@code COMMIT} of the
 * relay's next batch (the transaction that wrote the relay's new position; Axon writes it first, then the relay
 * sends the batch and waits for Kafka's acknowledgements, then commits). So the relay freezes at the worst moment:
 * Kafka has the batch, the store does not know it. The rest of the process goes on appending on its other connections;
 * once the store is ahead of what Kafka has, the process is killed. After the kill the test checks what the crash
 * left: exit status 137 (SIGKILL), the dead relay's committed position behind the store's head, events in Kafka
 * that the position does not cover (they will come twice), events in the store not yet in Kafka (they must still
 * come). A second process starts on the same port while the appends go on (they fail while no process listens),
 * takes over the relay's position once the dead one's claim has expired, and publishes on; then the appends stop.
 *
 * <p>What it proves, read from Kafka and the store:
 * <ul>
 *   <li>every event of the store is in the internal and the public topic: nothing missing;</li>
 *   <li>copies exist only of events the dead relay's committed position did not cover, and every such event that
 *   Kafka had at the kill was published again (at least once; the number of copies is logged);</li>
 *   <li>per record key (aggregate), the first copies of its events come in the order of their sequence numbers,
 *   0, 1, 2, ... with no gap, exactly the store's events of that aggregate: an aggregate's events are never
 *   reordered; a copy only repeats an event already published (raw sequence numbers therefore go back once, by the
 *   re-sent batch, and never skip ahead);</li>
 *   <li>consumers using Tally's own consumer ({@link TallyEventConsumer}) with each of Tally's deduplicators (the
 *   token service's {@link InMemoryEventDeduplicator}, which relies on that order, and the
 *   {@link JdbcEventDeduplicator}, which records event ids in the view's transaction), reading across the crash,
 *   apply every event of the store exactly once (count and checksum of event ids) and skip exactly the copies.</li>
 * </ul>
 */
class RelayProcessCrashOnPostgresTest {
    private static final Logger LOG = LoggerFactory.getLogger(RelayProcessCrashOnPostgresTest.class);
    private static final String INTERNAL_TOPIC = "tally.events.internal";
    private static final String PUBLIC_TOPIC = "tally.events";
    private static final int APPENDERS = 3;
    /**
     * The statement that writes a tracking processor's new position (Axon's {@code JdbcTokenStore}), the first of each
     * of the relay's batch transactions; with {@code prepareThreshold=0} its text crosses the wire in the packet that
     * also carries the processor's name, and so does the text of the {@code COMMIT} that ends the transaction.
     */
    private static final String RELAY_POSITION_UPDATE = "UPDATE token_entry SET token =";
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Serializer TOKEN_SERIALIZER = Jackson3Serializer.builder().build();

    static PostgresTestDatabase db;
    static EmbeddedKafka kafka;
    static FaultyTcpProxy databaseProxy;
    static HikariDataSource dataSource;
    static JdbcTemplate jdbc;
    static ServiceProcess command;
    static Appenders appenders;
    static final List<TallyEventConsumer> consumers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.create("tally_dist_relay_kill");
        kafka = EmbeddedKafka.start();
        try {
            databaseProxy = new FaultyTcpProxy(db.host(), db.port());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(db.jdbcUrl());
        dataSource.setUsername(db.user());
        dataSource.setPassword(db.password());
        dataSource.setMaximumPoolSize(4);
        jdbc = new JdbcTemplate(dataSource);
    }

    @AfterAll
    static void stop() {
        if (appenders != null) {
            appenders.stop();
        }
        if (command != null) {
            command.close();
        }
        consumers.forEach(TallyEventConsumer::close);
        if (dataSource != null) {
            dataSource.close();
        }
        if (databaseProxy != null) {
            try {
                databaseProxy.close();
            } catch (java.io.IOException ignored) {
                // the test is over
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aCommandServiceKilledWithSigkillWhileRelayingMissesNothingAfterItsRestartAndConsumersApplyEachEventOnce() {
        long started = System.nanoTime();
        int port = ServiceProcess.freePort();
        // the command service reaches the database through the proxy; the test's own connections go directly
        Map<String, String> env = new LinkedHashMap<>(Services.commandEnvironment(Services.environment(
                db.jdbcUrlVia(databaseProxy.port(), "prepareThreshold=0"), db)));
        env.put("TALLY_STREAM_ENABLED", "true");
        env.put("TALLY_STREAM_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("TALLY_STREAM_REPLICATION_FACTOR", "1");

        command = ServiceProcess.start("command-service-1", CommandServiceApplication.class, env, port, STARTUP);
        long firstPid = command.pid();
        assertThat(command.output()).as("main ran the distributed profile, as in a container")
                .contains("The following 1 profile is active: \"distributed\"");
        LOG.info("command service 1: pid {} on port {} ({} s after the test started), log {}", firstPid, port,
                seconds(started), command.log());
        TestHttp admin = new TestHttp(command.url(), Services.ADMIN_TOKEN);
        appenders = new Appenders(admin);
        appenders.createTenants();
        await("the relay created the topics", Duration.ofSeconds(30), () -> topics().containsAll(
                List.of(PUBLIC_TOPIC, INTERNAL_TOPIC)));

        jdbc.execute(JdbcEventDeduplicator.createTableSql("crash_applied"));
        // no key: an event applied twice would show as two rows
        jdbc.execute("CREATE TABLE crash_view (event_id VARCHAR(255) NOT NULL, global_index BIGINT NOT NULL)");
        MemoryView memory = new MemoryView();
        JdbcView database = new JdbcView();
        consumers.add(consumer("crash-memory-view", memory).start());
        consumers.add(consumer("crash-jdbc-view", database).start());
        appenders.start();

        // -- the kill: the relay has published events, Kafka has acknowledged a batch whose position is on its way to
        // the database (held at the proxy), and the appends go on past it
        await("the views applied events from Kafka", Duration.ofSeconds(60),
                () -> memory.applied.get() >= 30 && database.applied.get() >= 30);
        databaseProxy.holdWhenClientSends("COMMIT", RELAY_POSITION_UPDATE, KafkaRelay.PROCESSOR);
        await("the commit of the relay's next batch held", Duration.ofSeconds(30), () -> databaseProxy.holds() == 1);
        GapAwareTrackingToken beforeKill = committedToken().orElseThrow();
        await("Kafka has the held batch", Duration.ofSeconds(30),
                () -> memory.delivered.values().stream().anyMatch(index -> !covers(beforeKill, index)));
        long inKafka = memory.delivered.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        await("appends past what the relay published", Duration.ofSeconds(30), () -> head() >= inKafka + 20);
        long appliedAtKill = memory.applied.get();
        int exit = command.kill();
        long appendedBeforeKill = appenders.succeeded.get();
        assertThat(exit).as("the process ended by SIGKILL").isEqualTo(ServiceProcess.KILLED);
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        GapAwareTrackingToken atKill = committedToken().orElseThrow(() -> new AssertionError("the relay committed nothing"));
        List<StoredEvent> storeAtKill = store();
        Set<String> publishedAtKill = ids(readTopic(INTERNAL_TOPIC, Set.of(), Duration.ofSeconds(10)));
        long unpublished = storeAtKill.stream().filter(e -> !publishedAtKill.contains(e.id())).count();
        Set<String> crashWindow = storeAtKill.stream()
                .filter(e -> publishedAtKill.contains(e.id()) && !covers(atKill, e.globalIndex()))
                .map(StoredEvent::id).collect(Collectors.toSet());
        long publishedNotCommitted = crashWindow.size();
        LOG.info("killed pid {} with SIGKILL {} s after the test started: relay committed up to {} (gaps {}), store head"
                        + " {} ({} events), {} events in Kafka, {} of them published but not committed, {} not published;"
                        + " {} appends acknowledged, {} events applied by the view", firstPid, seconds(started),
                atKill.getIndex(), atKill.getGaps(), last(storeAtKill).globalIndex(), storeAtKill.size(),
                publishedAtKill.size(), publishedNotCommitted, unpublished, appendedBeforeKill, appliedAtKill);
        assertThat(atKill).as("the dead relay committed nothing after the held batch").isEqualTo(beforeKill);
        assertThat(appliedAtKill).as("the relay had published, and a consumer applied, events before the kill")
                .isPositive();
        assertThat(appendedBeforeKill).as("appends before the kill").isPositive();
        assertThat(atKill.getIndex()).as("mid-stream: the dead relay's committed position lags the store's head")
                .isLessThan(last(storeAtKill).globalIndex());
        assertThat(publishedNotCommitted).as("Kafka had events the dead relay had not committed").isPositive();
        assertThat(unpublished).as("the store had events the dead relay had not published").isPositive();

        // -- a new process on the same database and port; the appenders go on as soon as it answers
        command = ServiceProcess.start("command-service-2", CommandServiceApplication.class, env, port, STARTUP);
        long appendedAtRestart = appenders.succeeded.get();
        LOG.info("command service 2: pid {} on port {} ({} s after the test started)", command.pid(), port,
                seconds(started));
        assertThat(command.pid()).isNotEqualTo(firstPid);
        await("the new relay took over from the committed position", Duration.ofSeconds(60),
                () -> committedToken().map(t -> t.getIndex() > atKill.getIndex()).orElse(false));
        LOG.info("the new relay took over {} s after the test started", seconds(started));
        long appendedAtTakeOver = appenders.succeeded.get();
        await("appends after the restart", Duration.ofSeconds(30),
                () -> appenders.succeeded.get() >= appendedAtTakeOver + 40);
        appenders.stop();
        long appendedAfterRestart = appenders.succeeded.get() - appendedAtRestart;
        assertThat(appendedAfterRestart).as("appends after the restart").isPositive();
        assertThat(appenders.unexpected).as("answers other than success or a dead service").isEmpty();

        // -- everything is in Kafka, once or more, in order per aggregate
        await("the relay at the store's head", Duration.ofSeconds(60),
                () -> committedToken().map(t -> t.getIndex() >= head()).orElse(false));
        List<StoredEvent> stored = store();
        Set<String> storedIds = stored.stream().map(StoredEvent::id).collect(Collectors.toSet());
        List<Published> internal = readTopic(INTERNAL_TOPIC, storedIds, Duration.ofSeconds(60));
        List<Published> published = readTopic(PUBLIC_TOPIC, storedIds, Duration.ofSeconds(60));
        assertThat(ids(internal)).as("nothing missing from the internal topic").containsAll(storedIds);
        assertThat(ids(published)).as("nothing missing from the public topic").containsAll(storedIds);
        assertThat(ids(internal)).as("nothing that is not in the store").isSubsetOf(storedIds);

        Map<String, Long> copies = copies(internal);
        long duplicates = copies.values().stream().mapToLong(Long::longValue).sum();
        Map<String, StoredEvent> byId = stored.stream().collect(Collectors.toMap(StoredEvent::id, e -> e));
        assertThat(copies.keySet()).as("copies only of events the dead relay's committed token did not cover")
                .allMatch(id -> !covers(atKill, byId.get(id).globalIndex()))
                .as("what Kafka had and the dead relay had not committed was published again")
                .containsAll(crashWindow);
        assertOrderPerKey(internal, stored);
        assertOrderPerKey(published, stored);

        // -- each consumer applied every event once
        long checksum = stored.stream().mapToLong(e -> AppliedEventIds.hash(e.id())).sum();
        await("the views applied every event", Duration.ofSeconds(60),
                () -> memory.applied.get() >= stored.size() && database.applied.get() >= stored.size());
        await("the views read every record", Duration.ofSeconds(30),
                () -> consumers.stream().allMatch(c -> c.handled() >= internal.size()));
        assertThat(memory.applied.get()).as("in-memory deduplicator: each event once").isEqualTo(stored.size());
        assertThat(memory.checksum.get()).as("in-memory deduplicator: the store's events").isEqualTo(checksum);
        assertThat(memory.twice.get()).as("no event applied twice").isZero();
        assertThat(memory.skipped.get()).as("every copy skipped").isEqualTo(duplicates);
        List<String> view = jdbc.queryForList("SELECT event_id FROM crash_view", String.class);
        assertThat(view).as("JDBC deduplicator: each event once").hasSize(stored.size()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(storedIds);
        assertThat(view.stream().mapToLong(AppliedEventIds::hash).sum()).isEqualTo(checksum);
        assertThat(database.skipped.get()).as("every copy skipped").isEqualTo(duplicates);

        LOG.info("{} events in the store ({} appends before the kill, {} after the restart); {} records in the internal"
                        + " topic, {} copies of {} events (published before the kill, not committed); each view applied"
                        + " {} events once and skipped {} copies; {} s in all", stored.size(), appendedBeforeKill,
                appendedAfterRestart, internal.size(), duplicates, copies.size(), memory.applied.get(),
                memory.skipped.get(), seconds(started));
    }

    /**
     * Per key, in partition order: the first copy of each event of an aggregate comes in sequence order with no gap,
     * and exactly the store's events of that aggregate; an event without an aggregate (keyed by tenant) in store order.
     */
    private static void assertOrderPerKey(List<Published> records, List<StoredEvent> stored) {
        Map<String, List<Long>> storeSequences = new HashMap<>();
        for (StoredEvent e : stored) {
            if (e.aggregate()) {
                storeSequences.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e.sequence());
            }
        }
        storeSequences.values().forEach(l -> l.sort(Long::compare));
        Map<String, Integer> partitionOfKey = new HashMap<>();
        Map<String, List<Long>> firstSequences = new HashMap<>();
        Map<String, Long> lastIndexWithoutAggregate = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Published r : records) {
            Integer partition = partitionOfKey.putIfAbsent(r.key(), r.partition());
            assertThat(partition == null || partition == r.partition()).as("key %s in one partition", r.key()).isTrue();
            if (!seen.add(r.id())) {
                continue;
            }
            if (r.sequence() != null) {
                assertThat(r.key()).isEqualTo(r.aggregateId());
                List<Long> sequences = firstSequences.computeIfAbsent(r.key(), k -> new ArrayList<>());
                long expected = sequences.isEmpty() ? storeSequences.get(r.key()).get(0) : sequences.getLast() + 1;
                assertThat(r.sequence()).as("first copy of event %s of aggregate %s after %s", r.id(), r.key(), sequences)
                        .isEqualTo(expected);
                sequences.add(r.sequence());
            } else {
                Long previous = lastIndexWithoutAggregate.put(r.key(), r.globalIndex());
                assertThat(previous == null || previous < r.globalIndex())
                        .as("event %s of key %s after index %s", r.id(), r.key(), previous).isTrue();
            }
        }
        assertThat(firstSequences).as("every aggregate's events, in order, no gap").isEqualTo(storeSequences);
    }

    /** Per event published more than once, how many extra copies. */
    private static Map<String, Long> copies(List<Published> records) {
        Map<String, Long> count = records.stream().collect(Collectors.groupingBy(Published::id, Collectors.counting()));
        Map<String, Long> copies = new HashMap<>();
        count.forEach((id, n) -> {
            if (n > 1) {
                copies.put(id, n - 1);
            }
        });
        return copies;
    }

    private static boolean covers(GapAwareTrackingToken token, long globalIndex) {
        return globalIndex <= token.getIndex() && !token.getGaps().contains(globalIndex);
    }

    /** The relay's committed token, read from the token store as any node would. */
    private static java.util.Optional<GapAwareTrackingToken> committedToken() {
        List<TrackingToken> tokens = jdbc.query(
                "SELECT token, token_type FROM token_entry WHERE processor_name = ? AND segment = 0 AND token IS NOT NULL",
                (rs, i) -> TOKEN_SERIALIZER.deserialize(new SimpleSerializedObject<>(rs.getBytes("token"), byte[].class,
                        rs.getString("token_type"), null)), KafkaRelay.PROCESSOR);
        if (tokens.isEmpty() || tokens.get(0) == null) {
            return java.util.Optional.empty();
        }
        TrackingToken token = WrappedToken.unwrapLowerBound(tokens.get(0));
        return java.util.Optional.of((GapAwareTrackingToken) token);
    }

    private static long head() {
        Long head = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        return head == null ? 0 : head;
    }

    record StoredEvent(String id, long globalIndex, String aggregateId, long sequence, boolean aggregate) {
    }

    private static List<StoredEvent> store() {
        return jdbc.query("SELECT event_identifier, global_index, aggregate_identifier, sequence_number, type"
                + " FROM domain_event_entry ORDER BY global_index", (rs, i) -> new StoredEvent(rs.getString(1),
                rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5) != null));
    }

    private static StoredEvent last(List<StoredEvent> events) {
        return events.getLast();
    }

    record Published(int partition, long offset, String key, String id, long globalIndex, String aggregateId,
                     Long sequence) {
    }

    private static Set<String> ids(List<Published> records) {
        return records.stream().map(Published::id).collect(Collectors.toSet());
    }

    /**
     * Every record of {@code topic} from its beginning, read by a plain consumer until it has seen each of
     * {@code expected} and reached the end offsets it found then, or the deadline passed.
     */
    private static List<Published> readTopic(String topic, Set<String> expected, Duration timeout) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Published> records = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<TopicPartition, Long> end = new HashMap<>(reader.endOffsets(partitions));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    String sequence = StreamRecords.header(r, StreamRecords.AGGREGATE_SEQUENCE);
                    Published p = new Published(r.partition(), r.offset(), r.key(),
                            StreamRecords.header(r, StreamRecords.EVENT_ID),
                            Long.parseLong(StreamRecords.header(r, StreamRecords.GLOBAL_INDEX)),
                            StreamRecords.header(r, StreamRecords.AGGREGATE_ID),
                            sequence == null ? null : Long.valueOf(sequence));
                    records.add(p);
                    seen.add(p.id());
                }
                boolean atEnd = partitions.stream().allMatch(p -> reader.position(p) >= end.get(p));
                if (atEnd && seen.containsAll(expected)) {
                    break;
                }
                if (atEnd) {
                    end.putAll(reader.endOffsets(partitions));
                }
            }
        }
        return records;
    }

    private static Set<String> topics() {
        try (Admin kafkaAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return kafkaAdmin.listTopics().names().get();
        } catch (Exception e) {
            return Set.of();
        }
    }

    private static TallyEventConsumer consumer(String group, TallyEventConsumer.Handler handler) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new TallyEventConsumer(group, config, INTERNAL_TOPIC,
                new CloudEventCodec(Jackson3Serializer.builder().build(), true), handler);
    }

    /** A view in memory behind the token service's deduplicator: it notes each event it applies. */
    static final class MemoryView implements TallyEventConsumer.Handler {
        final InMemoryEventDeduplicator deduplicator = new InMemoryEventDeduplicator();
        final Set<String> ids = ConcurrentHashMap.newKeySet();
        final AtomicLong applied = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong twice = new AtomicLong();
        final AtomicLong checksum = new AtomicLong();
        /** Every event delivered, with its global index. */
        final Map<String, Long> delivered = new ConcurrentHashMap<>();

        @Override
        public void handle(StreamedEvent event) {
            delivered.put(event.id(), event.globalIndex());
            boolean ran = deduplicator.applyOnce(event, () -> {
                if (!ids.add(event.id())) {
                    twice.incrementAndGet();
                }
                applied.incrementAndGet();
                checksum.addAndGet(AppliedEventIds.hash(event.id()));
            });
            if (!ran) {
                skipped.incrementAndGet();
            }
        }
    }

    /** A view in the database: its row and the deduplicator's record of the event commit in one transaction. */
    static final class JdbcView implements TallyEventConsumer.Handler {
        final JdbcEventDeduplicator deduplicator = new JdbcEventDeduplicator(jdbc,
                new DataSourceTransactionManager(dataSource), "crash_applied", "crash-view");
        final AtomicLong applied = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();

        @Override
        public void handle(StreamedEvent event) {
            boolean ran = deduplicator.applyOnce(event, () -> jdbc.update(
                    "INSERT INTO crash_view (event_id, global_index) VALUES (?, ?)", event.id(), event.globalIndex()));
            if (ran) {
                applied.incrementAndGet();
            } else {
                skipped.incrementAndGet();
            }
        }
    }

    /**
     * Threads that append through the management API without pause, each to a tenant of its own: mostly a rename
     * of the tenant (one event on its aggregate, so each tenant's aggregate grows long across the crash), every fifth
     * request a new API. A request that fails because no process listens (or the process died under it) is tried
     * again after a moment; any other answer than success is recorded.
     */
    static final class Appenders {
        final TestHttp admin;
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        volatile boolean running;

        Appenders(TestHttp admin) {
            this.admin = admin;
        }

        void createTenants() {
            for (int i = 0; i < APPENDERS; i++) {
                TestHttp.Response created = admin.admin("POST", "/admin/tenants", Map.of("id", tenant(i),
                        "name", "Crash " + i));
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
            }
        }

        void start() {
            running = true;
            for (int i = 0; i < APPENDERS; i++) {
                int n = i;
                Thread t = new Thread(() -> append(n), "appender-" + n);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void append(int n) {
            String tenant = tenant(n);
            for (long i = 1; running; i++) {
                long round = i;
                try {
                    TestHttp.Response answer = round % 5 == 0
                            ? admin.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of(
                                    "identifier", "https://api-" + round + "." + tenant + ".test",
                                    "name", "API " + round, "token_lifetime", 600))
                            : admin.admin("PATCH", "/admin/tenants/" + tenant, Map.of("name", "Crash " + n + " #" + round));
                    if (answer.status() / 100 == 2) {
                        succeeded.incrementAndGet();
                    } else {
                        unexpected.add(answer.toString());
                    }
                } catch (IllegalStateException e) {
                    failed.incrementAndGet();
                    sleep(100);
                }
            }
        }

        void stop() {
            running = false;
            for (Thread t : threads) {
                try {
                    t.join(Duration.ofSeconds(40).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        static String tenant(int n) {
            return "crash" + n;
        }
    }

    private static long seconds(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
