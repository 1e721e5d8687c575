package dev.tally.distributed;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.stream.InternalFeed;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.query.audit.EventFacts;
import dev.tally.stream.CloudEventCodec;
import dev.tally.stream.StreamRecords;
import dev.tally.testsupport.CommitGate;
import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import dev.tally.token.view.StartupReplay;
import dev.tally.token.view.StreamFeed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The standalone late commit ({@code LateCommitContract}) across the three services and the Kafka topics: a
 * revocation's transaction is held open in the command service ({@link CommitGate} on its command bus, where the
 * token service's commands run) after its events took their global index, while a later revocation and a login commit
 * and travel on: into the query service's tables, through the relay onto both topics, and from the internal topic into
 * the token service's views. Then it commits. The late event must reach every one of them exactly once, under its own
 * index; no cursor of the revocation list may step over it; and no projection of any service may say anything but
 * {@code live} while it waits.
 */
class LateCommitAcrossServicesOnPostgresTest {
    private static final Logger LOG = LoggerFactory.getLogger(LateCommitAcrossServicesOnPostgresTest.class);
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String PUBLIC_TOPIC = "tally.events";
    static final String INTERNAL_TOPIC = "tally.events.internal";
    static final String TENANT = "late";
    static final String PASSWORD = "correct horse battery staple";
    static final Map<String, List<String>> PROJECTIONS = Map.of(
            "command", List.of("kafka-relay"),
            "query", List.of("audit", "sessions", "revocations"),
            "token", List.of("token-config", "token-revocations"));

    static PostgresTestDatabase db;
    static EmbeddedKafka kafka;
    static ConfigurableApplicationContext command;
    static ConfigurableApplicationContext query;
    static ConfigurableApplicationContext token;
    static CommitGate gate;
    static TestHttp admin;
    static TestHttp queryHttp;
    static TestHttp tokenHttp;
    static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.create("tally_dist_late");
        kafka = EmbeddedKafka.start();
        Map<String, String> env = new LinkedHashMap<>(Services.environment(db));
        Map<String, String> stream = new LinkedHashMap<>(env);
        stream.put("TALLY_STREAM_ENABLED", "true");
        stream.put("TALLY_STREAM_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        stream.put("TALLY_STREAM_REPLICATION_FACTOR", "1");
        command = Services.command(stream);
        // The token service's commands run on this bus (InternalCommandEndpoint): the gate must sit here, not in the
        // token service, whose bus only posts them over HTTP.
        gate = new CommitGate();
        command.getBean(CommandBus.class).registerHandlerInterceptor(gate);
        query = Services.query(env);
        Map<String, String> tokenEnv = new LinkedHashMap<>(stream);
        // the held revocation's HTTP call waits out the whole hold, which the default 10 s could cut short when busy
        tokenEnv.put("TALLY_COMMAND_SERVICE_TIMEOUT", "60s");
        token = Services.token(tokenEnv, Services.url(command));
        admin = new TestHttp(Services.url(command), Services.ADMIN_TOKEN);
        queryHttp = new TestHttp(Services.url(query), Services.ADMIN_TOKEN);
        tokenHttp = new TestHttp(Services.url(token), Services.ADMIN_TOKEN);
        jdbc = new JdbcTemplate(command.getBean(DataSource.class));
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {token, query, command}) {
            if (c != null) {
                c.close();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRevocationThatCommitsAfterLaterEventsReachesEveryServiceAndTopicOnceUnderItsOwnIndex() throws Exception {
        long started = System.nanoTime();
        Client client = setUpTenant();
        awaitTokenServiceAtHead("the token service has every event of the tenant (users come only from the stream)");
        Login late = login(client);
        Login early = login(client);
        Login other = login(client);
        // a revocation before the hold, so the cursor taken before is an entry's place, not the list's start
        Login prior = login(client);
        assertThat(revoke(client, prior.refresh()).status()).isEqualTo(200);
        awaitEverythingAtHead();
        JsonNode before = queryRevocations(null);
        assertThat(families(before)).containsExactly(prior.familyId());
        String cursorBefore = before.get("next_cursor").asString();

        CommitGate.Held held = gate.hold(p -> p instanceof RevokeRefreshTokenFamily r
                && r.familyId().equals(late.familyId()));
        CompletableFuture<Response> lateRevocation = CompletableFuture.supplyAsync(() -> revoke(client, late.refresh()));
        assertThat(held.awaitAppended(WAIT)).as("the late revocation took its index and waits to commit").isTrue();
        long heldAt = System.nanoTime();
        String cursorDuring;
        Map<String, Long> positionsDuring = new HashMap<>();
        long earlyIndex;
        try {
            // later events commit and travel on while the earlier index is still open
            assertThat(revoke(client, early.refresh()).status()).isEqualTo(200);
            Login afterwards = login(client);
            earlyIndex = single(eventIndexes("RefreshTokenFamilyRevoked", early.familyId()));
            String earlyEvent = single(eventIds("RefreshTokenFamilyRevoked", early.familyId()));
            List<TrackedEventMessage<?>> committed = storeEvents(-1);
            Set<String> tenantEvents = ids(committed.stream().filter(LateCommitAcrossServicesOnPostgresTest::ofTenant));
            Set<String> carried = ids(committed.stream().filter(InternalFeed::carries));
            assertThat(ids(committed.stream().filter(e -> e.getPayload() instanceof AccessTokenIssued t
                    && afterwards.familyId().equals(t.familyId())))).as("the later login's issuance is committed")
                    .hasSize(1);

            await("the query service's tables hold every committed event", WAIT,
                    () -> auditedIds().containsAll(tenantEvents) && logRows(early.familyId()) == 1
                            && "revoked".equals(familyViewStatus(early.familyId()))
                            && familyViewStatus(afterwards.familyId()) != null);
            await("the relay put every committed event on both topics", WAIT,
                    () -> ids(kafka.recordsToEnd(PUBLIC_TOPIC, WAIT)).containsAll(ids(committed.stream()))
                            && ids(kafka.recordsToEnd(INTERNAL_TOPIC, WAIT)).containsAll(carried));
            await("the token service applied the later revocation from the internal topic", WAIT,
                    () -> !active(client, early.access()));
            awaitTokenServiceAtHead("the token service applied every committed event");

            for (String service : PROJECTIONS.keySet()) {
                for (JsonNode status : projections(service)) {
                    assertThat(status.get("status").asString()).as(service + " while an earlier index is open: " + status)
                            .isEqualTo("live");
                    positionsDuring.put(status.get("name").asString(), status.get("position").asLong());
                }
                Response health = http(service).get("/actuator/health");
                assertThat(health.status()).as(service + " health: " + health).isEqualTo(200);
                assertThat(health.json().get("status").asString()).isEqualTo("UP");
            }
            assertThat(positionsDuring.get("revocations"))
                    .as("the revocation view is complete only below the open index, so not up to the later revocation")
                    .isLessThan(earlyIndex);
            assertThat(positionsDuring.get("audit")).isLessThan(earlyIndex);
            assertThat(positionsDuring.get("kafka-relay"))
                    .as("the relay has sent the later revocation but is complete only below the open index")
                    .isLessThan(earlyIndex);
            // applied, but not listed: nothing may be listed past an index that is still open
            JsonNode during = queryRevocations(cursorBefore);
            assertThat(entries(during)).as("nothing new from the cursor taken before").isEmpty();
            cursorDuring = during.get("next_cursor").asString();
            assertThat(auditIds(null)).as("the audit lists nothing above the open index").doesNotContain(earlyEvent);
            // no record of the held revocation on either topic: it has not committed
            for (String topic : List.of(PUBLIC_TOPIC, INTERNAL_TOPIC)) {
                assertThat(kafka.recordsToEnd(topic, WAIT).stream().filter(r -> late.familyId().equals(r.key())
                        && "RefreshTokenFamilyRevoked".equals(typeName(r)))).as(topic).isEmpty();
            }
            // the token service: the later revocation counts, the held one not yet (its refresh token's family is
            // locked by the held command, so the access token is asked)
            assertThat(active(client, early.refresh())).isFalse();
            assertThat(active(client, early.access())).isFalse();
            assertThat(active(client, late.access())).as("not revoked before its transaction commits").isTrue();
        } finally {
            held.release();
        }
        Response released = lateRevocation.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(released.status()).as(released.toString()).isEqualTo(200);
        LOG.info("the late revocation was held open for {} ms", (System.nanoTime() - heldAt) / 1_000_000);

        long lateIndex = single(eventIndexes("RefreshTokenFamilyRevoked", late.familyId()));
        String lateEvent = single(eventIds("RefreshTokenFamilyRevoked", late.familyId()));
        String earlyEvent = single(eventIds("RefreshTokenFamilyRevoked", early.familyId()));
        assertThat(lateIndex).as("the late revocation's index is below the one that committed first")
                .isLessThan(earlyIndex);
        // every view of every service, the token service's fed through the relay included, said it was complete only
        // below the index that was still open
        assertThat(positionsDuring).as("positions while the late revocation was held").hasSize(6)
                .allSatisfy((name, position) -> assertThat(position).as(name).isLessThan(lateIndex));
        LOG.info("late revocation at {}, early at {}; positions while held: {}", lateIndex, earlyIndex, positionsDuring);

        awaitEverythingAtHead();
        List<TrackedEventMessage<?>> all = storeEvents(-1);
        Map<String, Long> storedIndex = new HashMap<>();
        jdbc.query("SELECT event_identifier, global_index FROM domain_event_entry",
                rs -> {
                    storedIndex.put(rs.getString(1), rs.getLong(2));
                });
        assertThat(storedIndex).hasSize(all.size());

        // each topic: the late revocation once, under its own index; every record under its event's own index
        for (String topic : List.of(PUBLIC_TOPIC, INTERNAL_TOPIC)) {
            List<ConsumerRecord<String, byte[]>> records = kafka.recordsToEnd(topic, WAIT);
            assertThat(records.stream().filter(r -> lateEvent.equals(eventId(r))).toList())
                    .as(topic + ": the late revocation, once").singleElement()
                    .satisfies(r -> {
                        assertThat(cloudEventIndex(r)).as("tallyglobalindex").isEqualTo(lateIndex);
                        assertThat(StreamRecords.header(r, StreamRecords.GLOBAL_INDEX))
                                .isEqualTo(Long.toString(lateIndex));
                    });
            assertThat(records.stream().filter(r -> earlyEvent.equals(eventId(r))).toList())
                    .as(topic + ": the early revocation, once").singleElement()
                    .satisfies(r -> assertThat(cloudEventIndex(r)).isEqualTo(earlyIndex));
            for (ConsumerRecord<String, byte[]> r : records) {
                assertThat(cloudEventIndex(r)).as(topic + ": " + eventId(r) + "'s tallyglobalindex")
                        .isEqualTo(storedIndex.get(eventId(r)));
            }
            Predicate<EventMessage<?>> carries = topic.equals(PUBLIC_TOPIC) ? e -> true : InternalFeed::carries;
            Set<String> expected = ids(all.stream().filter(carries));
            assertThat(ids(records)).as(topic + ": every event it carries")
                    .isEqualTo(expected);
            LOG.info("{}: {} records for {} events", topic, records.size(), expected.size());
        }

        // the token service applied it, once, from the internal topic
        assertThat(active(client, late.refresh())).isFalse();
        assertThat(active(client, late.access())).as("the late revocation reached the token service's view").isFalse();
        assertThat(active(client, other.refresh())).isTrue();
        assertThat(active(client, other.access())).isTrue();
        StreamFeed feed = token.getBean(StreamFeed.class);
        List<String> carriedAfterReplay = carriedIdsAfterReplay();
        assertThat(carriedAfterReplay).contains(lateEvent, earlyEvent);
        assertThat(feed.applied()).as("applied from Kafka, each once").isEqualTo(carriedAfterReplay.size());
        assertThat(token.getBean(AppliedEventIds.class).checksum()).as("checksum of the applied event ids")
                .isEqualTo(carriedAfterReplay.stream().mapToLong(AppliedEventIds::hash).sum());

        // the query service: the audit export holds exactly the tenant's stored events, each once
        List<String> exported = auditExport();
        assertThat(exported).doesNotHaveDuplicates().contains(lateEvent, earlyEvent);
        assertThat(Set.copyOf(exported)).as("the audit export is the tenant's stored events")
                .isEqualTo(ids(all.stream().filter(LateCommitAcrossServicesOnPostgresTest::ofTenant)));
        Response family = queryHttp.admin("GET", "/admin/tenants/" + TENANT + "/refresh-token-families/"
                + late.familyId(), null);
        assertThat(family.status()).as(family.toString()).isEqualTo(200);
        assertThat(family.json().get("status").asString()).isEqualTo("revoked");

        // each cursor, taken before, during and after, reads the late revocation once or has it behind it
        assertThat(allEntries(cursorBefore)).containsExactly("family " + late.familyId(), "family " + early.familyId());
        assertThat(allEntries(cursorDuring)).containsExactly("family " + late.familyId(), "family " + early.familyId());
        String cursorAfter = queryRevocations(cursorBefore).get("next_cursor").asString();
        assertThat(allEntries(cursorAfter)).isEmpty();
        assertThat(logRows(late.familyId())).isEqualTo(1);
        assertThat(logRows(early.familyId())).isEqualTo(1);
        assertThat(logRows(other.familyId())).isZero();

        for (String service : PROJECTIONS.keySet()) {
            for (JsonNode status : projections(service)) {
                assertThat(status.get("status").asString()).as(service + " at the end: " + status).isEqualTo("live");
            }
        }
        LOG.info("late commit across the services: {} events, {} applied by the token service from Kafka, {} ms",
                all.size(), feed.applied(), (System.nanoTime() - started) / 1_000_000);
    }

    // --- the tenant, over HTTP: management at the command service, OAuth at the token service

    record Client(String id, String secret) {
    }

    record Login(String access, String refresh) {
        String familyId() {
            return RefreshTokens.familyOf(refresh);
        }
    }

    static Client setUpTenant() {
        Response created = admin.admin("POST", "/admin/tenants", Map.of("id", TENANT, "name", TENANT));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Response api = admin.admin("POST", "/admin/tenants/" + TENANT + "/apis", Map.of("identifier", audience(),
                "name", "API", "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true));
        assertThat(api.status()).as(api.toString()).isEqualTo(201);
        Response client = admin.admin("POST", "/admin/tenants/" + TENANT + "/clients", Map.of("name", "app",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token")));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        Response user = admin.admin("POST", "/admin/tenants/" + TENANT + "/users", Map.of("username", "alice",
                "password", PASSWORD));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return new Client(client.text("client_id"), client.text("client_secret"));
    }

    static String audience() {
        return "https://api." + TENANT + ".test";
    }

    /** The password grant with {@code offline_access}: a new refresh token family. */
    static Login login(Client client) {
        Response r = tokenHttp.form("/t/" + TENANT + "/oauth/token", TestHttp.params("grant_type", "password",
                "username", "alice", "password", PASSWORD, "audience", audience(),
                "scope", "offline_access read:orders"), client.id(), client.secret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.text("refresh_token")).as(r.toString()).isNotNull();
        return new Login(r.text("access_token"), r.text("refresh_token"));
    }

    /** RFC 7009 at the token service. */
    static Response revoke(Client client, String token) {
        return tokenHttp.form("/t/" + TENANT + "/oauth/revoke", TestHttp.params("token", token), client.id(),
                client.secret());
    }

    /** RFC 7662 at the token service. */
    static boolean active(Client client, String token) {
        Response r = tokenHttp.form("/t/" + TENANT + "/oauth/introspect", TestHttp.params("token", token), client.id(),
                client.secret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }

    // --- where the services stand

    static TestHttp http(String service) {
        return switch (service) {
            case "command" -> admin;
            case "query" -> queryHttp;
            case "token" -> tokenHttp;
            default -> throw new IllegalArgumentException(service);
        };
    }

    /** Every projection the service lists; those it must run among them. */
    static List<JsonNode> projections(String service) {
        Response r = http(service).admin("GET", "/admin/projections", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> list = new ArrayList<>();
        r.json().get("projections").forEach(list::add);
        assertThat(list.stream().map(p -> p.get("name").asString()).toList()).as(service)
                .containsAll(PROJECTIONS.get(service));
        return list;
    }

    /** Every projection of every service live and complete up to the store's head; the token feed caught up. */
    void awaitEverythingAtHead() {
        await("every projection live and at the store's head", WAIT, () -> PROJECTIONS.keySet().stream()
                .flatMap(s -> projections(s).stream())
                .allMatch(p -> p.get("status").asString().equals("live") && p.get("lag_events").asLong() == 0));
        awaitTokenServiceAtHead("the token service applied every event for it");
    }

    /** Waits for {@link #tokenServiceAtHead}; on a timeout says which events are missing or extra, and how the feed is. */
    void awaitTokenServiceAtHead(String what) {
        try {
            await(what, WAIT, this::tokenServiceAtHead);
        } catch (AssertionError e) {
            StreamFeed feed = token.getBean(StreamFeed.class);
            Set<String> applied = token.getBean(AppliedEventIds.class).ids();
            List<TrackedEventMessage<?>> expected = storeEvents(token.getBean(StartupReplay.class).lastIndex()).stream()
                    .filter(InternalFeed::carries).toList();
            Set<String> expectedIds = ids(expected.stream());
            List<String> missing = expected.stream().filter(m -> !applied.contains(m.getIdentifier()))
                    .map(m -> m.getPayloadType().getSimpleName() + "@" + m.trackingToken().position().orElse(-1))
                    .toList();
            List<String> extra = applied.stream().filter(id -> !expectedIds.contains(id)).toList();
            var consumer = feed.consumer();
            throw new AssertionError(e.getMessage() + "; applied " + feed.applied() + ", skipped " + feed.skipped()
                    + ", expected " + expected.size() + " after replay index "
                    + token.getBean(StartupReplay.class).lastIndex() + "; missing " + missing + "; extra ids " + extra
                    + "; consumer " + (consumer == null ? "none" : "alive " + consumer.alive() + ", failing "
                    + consumer.failing() + ", waiting " + consumer.waiting() + ", last poll "
                    + consumer.sinceLastPoll().toMillis() + " ms ago"), e);
        }
    }

    boolean tokenServiceAtHead() {
        return token.getBean(StreamFeed.class).applied() == carriedIdsAfterReplay().size();
    }

    /** The store's events the token service did not replay at start-up and the internal topic carries. */
    static List<String> carriedIdsAfterReplay() {
        return storeEvents(token.getBean(StartupReplay.class).lastIndex()).stream().filter(InternalFeed::carries)
                .map(EventMessage::getIdentifier).toList();
    }

    // --- the query service's answers

    static JsonNode queryRevocations(String since) {
        Response r = queryHttp.admin("GET", "/t/" + TENANT + "/revocations" + (since == null ? "" : "?since=" + since),
                null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static List<String> families(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("revocations").forEach(e -> {
            if (e.has("family_id")) {
                ids.add(e.get("family_id").asString());
            }
        });
        return ids;
    }

    /** Every entry of a page as "kind id". */
    static List<String> entries(JsonNode page) {
        List<String> entries = new ArrayList<>();
        page.get("revocations").forEach(e -> entries.add(e.get("kind").asString() + " " + (e.has("family_id")
                ? e.get("family_id").asString() : e.has("jti") ? e.get("jti").asString()
                : e.has("session_id") ? e.get("session_id").asString() : e.get("subject").asString())));
        return entries;
    }

    /** Every entry listed after the cursor, paging with limit 1 so each step moves the cursor. */
    static List<String> allEntries(String since) {
        List<String> all = new ArrayList<>();
        String cursor = since;
        for (int page = 0; page < 100; page++) {
            Response r = queryHttp.admin("GET", "/t/" + TENANT + "/revocations?limit=1"
                    + (cursor == null ? "" : "&since=" + cursor), null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            all.addAll(entries(r.json()));
            if (!r.json().get("has_more").asBoolean()) {
                return all;
            }
            cursor = r.json().get("next_cursor").asString();
        }
        throw new AssertionError("the revocation list did not end");
    }

    static List<String> auditIds(String cursor) {
        Response r = queryHttp.admin("GET", "/admin/tenants/" + TENANT + "/audit?limit=1000"
                + (cursor == null ? "" : "&cursor=" + cursor), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("events").forEach(e -> ids.add(e.get("event_id").asString()));
        return ids;
    }

    /** The tenant's whole audit as the NDJSON export streams it. */
    static List<String> auditExport() {
        Response r = queryHttp.adminGet("/admin/tenants/" + TENANT + "/audit", "application/x-ndjson");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body().lines().filter(line -> !line.isBlank())
                .map(line -> TestHttp.parse(line).get("event_id").asString()).toList();
    }

    // --- the store, the query service's tables and the topics

    static Set<String> auditedIds() {
        return Set.copyOf(jdbc.queryForList("SELECT event_id FROM audit_event WHERE tenant_id = ?", String.class,
                TENANT));
    }

    static int logRows(String familyId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM revocation_log WHERE tenant_id = ? AND kind = 'family' "
                + "AND ref_id = ?", Integer.class, TENANT, familyId);
    }

    static String familyViewStatus(String familyId) {
        List<String> status = jdbc.queryForList("SELECT status FROM refresh_family_view WHERE tenant_id = ? "
                + "AND family_id = ?", String.class, TENANT, familyId);
        return status.isEmpty() ? null : status.get(0);
    }

    static List<Long> eventIndexes(String type, String aggregateId) {
        return jdbc.queryForList("SELECT global_index FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE ?", Long.class, aggregateId, "%$" + type);
    }

    static List<String> eventIds(String type, String aggregateId) {
        return jdbc.queryForList("SELECT event_identifier FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE ?", String.class, aggregateId, "%$" + type);
    }

    static <T> T single(List<T> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    /** The store's committed events after {@code globalIndex} (all for -1), as the services read them. */
    static List<TrackedEventMessage<?>> storeEvents(long globalIndex) {
        EventStorageEngine storage = command.getBean(EventStorageEngine.class);
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(
                globalIndex < 0 ? null : GapAwareTrackingToken.newInstance(globalIndex, Set.of()), false)) {
            return events.<TrackedEventMessage<?>>map(e -> e).toList();
        }
    }

    static boolean ofTenant(EventMessage<?> event) {
        EventFacts facts = EventFacts.of(event.getPayload());
        return facts != null && TENANT.equals(facts.tenantId());
    }

    static Set<String> ids(Stream<? extends EventMessage<?>> events) {
        return events.map(EventMessage::getIdentifier).collect(Collectors.toSet());
    }

    static Set<String> ids(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(LateCommitAcrossServicesOnPostgresTest::eventId).collect(Collectors.toSet());
    }

    static String eventId(ConsumerRecord<String, byte[]> record) {
        return StreamRecords.header(record, StreamRecords.EVENT_ID);
    }

    /** The simple name in the record's event type ({@code dev.tally.refresh.RefreshTokenFamilyRevoked.v2}). */
    static String typeName(ConsumerRecord<String, byte[]> record) {
        String[] parts = StreamRecords.header(record, StreamRecords.EVENT_TYPE).split("\\.");
        return parts.length > 1 ? parts[parts.length - 2] : parts[0];
    }

    /** The CloudEvent's own {@code tallyglobalindex}, as an outside consumer reads it. */
    static long cloudEventIndex(ConsumerRecord<String, byte[]> record) {
        JsonNode event = TestHttp.parse(new String(record.value(), StandardCharsets.UTF_8));
        return Long.parseLong(event.get(CloudEventCodec.GLOBAL_INDEX).asString());
    }
}
