package dev.tally.distributed;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.stream.InternalFeed;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.stream.RelayPosition;
import dev.tally.stream.StreamRecords;
import dev.tally.testsupport.EmbeddedKafka;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.PrometheusText;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import dev.tally.token.view.StartupReplay;
import dev.tally.token.view.StoreCatchUp;
import dev.tally.token.view.StreamFeed;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The three services, each its own Spring context on its own port, on one PostgreSQL event store and an embedded
 * KRaft broker: the command service relays the store to Kafka (public and internal topic), the token service follows
 * the internal topic after its start-up replay, the query service reads the store. The internal topic carries what
 * {@link InternalFeed} lets through (not machine tokens' issuance, not ID tokens), so "every event" below is every
 * event of the store that the rule carries, decided from the payloads read back from the store.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventStreamOnPostgresTest {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreamOnPostgresTest.class);
    static PostgresTestDatabase db;
    static EmbeddedKafka kafka;
    static ConfigurableApplicationContext command;
    static ConfigurableApplicationContext query;
    static ConfigurableApplicationContext token;
    static TestHttp admin;
    static TestHttp queryHttp;
    static TestHttp tokenHttp;
    static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.create("tally_dist_stream");
        kafka = EmbeddedKafka.start();
        Map<String, String> env = new LinkedHashMap<>(Services.environment(db));
        Map<String, String> stream = new LinkedHashMap<>(env);
        stream.put("TALLY_STREAM_ENABLED", "true");
        stream.put("TALLY_STREAM_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        stream.put("TALLY_STREAM_REPLICATION_FACTOR", "1");
        // an outage is noticed within seconds, so the relay's retries come quickly
        stream.put("TALLY_STREAM_RELAY_DELIVERY_TIMEOUT", "6s");
        stream.put("TALLY_STREAM_RELAY_MAX_BLOCK", "3s");
        command = Services.command(stream);
        query = Services.query(env);
        token = Services.token(stream, Services.url(command));
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

    /** The command service's (the relay's) metrics, scraped over HTTP with the administrator's token. */
    static PrometheusText relayMetrics() {
        Response r = admin.adminGet("/actuator/prometheus", "text/plain");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    @Test
    @Order(1)
    void aTenantAndClientMadeAtTheCommandServiceGetATokenAtTheTokenServiceAndTheIssuanceReachesTheAudit() {
        assertThat(admin.admin("POST", "/admin/tenants", Map.of("id", "acme", "name", "Acme")).status()).isEqualTo(201);
        assertThat(admin.admin("POST", "/admin/tenants/acme/apis", Map.of("identifier", "https://api.acme.test",
                "name", "Orders", "token_lifetime", 600)).status()).isEqualTo(201);
        // the API must be known before a client-credentials token can name it: it comes from Kafka
        StreamFeed feed = token.getBean(StreamFeed.class);
        // the tenant's four events (created, lifetimes, a key per algorithm) and the API's. Waiting by the feed, not by
        // polling with an unknown client: every such poll is a failed authentication, and the address's budget of
        // them (tally.client-auth.max-failures-per-address) is what the outage test below spends on purpose.
        await("the API reaches the token service over Kafka", Duration.ofSeconds(60), () -> feed.applied() >= 5);
        assertThat(tokenHttp.form("/t/acme/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "https://api.acme.test"), "nobody", "x").status()).isEqualTo(401);

        StoreCatchUp catchUp = token.getBean(StoreCatchUp.class);
        long readsBefore = catchUp.reads();
        Client client = newClient("billing");
        // at once: the client is a moment old; if Kafka has not brought it yet, the catch-up reads it from the store
        Response issued = clientCredentials(client);
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        String jti = jti(issued);
        LOG.info("token issued {} catch-up reads after the client was created", catchUp.reads() - readsBefore);

        await("the issuance in the query service's audit", Duration.ofSeconds(30), () -> {
            Response audit = queryHttp.admin("GET", "/admin/tenants/acme/audit?type=AccessTokenIssued", null);
            return audit.status() == 200 && audit.body().contains(jti);
        });
        await("every event for the token service comes from Kafka", Duration.ofSeconds(30),
                () -> eventIdsAfterReplay().size() == feed.applied());

        // the machine token's issuance is on the public topic, for outside consumers, and not on the internal one
        String issuance = storeAfter(-1).filter(e -> e.getPayload() instanceof AccessTokenIssued t && jti.equals(t.jti()))
                .map(EventMessage::getIdentifier).findFirst().orElseThrow();
        RelayPosition relay = command.getBean(RelayPosition.class);
        await("the relay at the store's head", Duration.ofSeconds(30), () -> relay.lag() == 0);
        assertThat(idsOnTopic(PUBLIC_TOPIC)).contains(issuance);
        Set<String> internal = idsOnTopic(INTERNAL_TOPIC);
        assertThat(internal).as("the internal topic has the tenant's events").isNotEmpty().doesNotContain(issuance);
        Timer lag = token.getBean(MeterRegistry.class).get(StreamFeed.LAG_METRIC).timer();
        assertThat(lag.count()).isEqualTo(feed.applied());
        LOG.info("append-to-apply lag over Kafka: {} events, p50/p99 {}", lag.count(), percentiles(lag));
    }

    /**
     * An unknown client is read from the store before the answer is invalid_client: with the broker down, Kafka
     * cannot bring it, so only the catch-up can. Garbage ids are read once per interval, not on every request.
     */
    @Test
    @Order(2)
    void withKafkaDownTokensAreIssuedForThirtySecondsAndEveryEventReachesTheTokenServiceOnceAfterwards() throws Exception {
        StreamFeed feed = token.getBean(StreamFeed.class);
        StoreCatchUp catchUp = token.getBean(StoreCatchUp.class);
        Client known = newClient("steady");
        Response first = clientCredentials(known);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        // tokens with a refresh-token family: their issuance (and the family's events) is for the token service, so
        // the outage leaves plenty of events the token service must get once Kafka is back
        assertThat(admin.admin("POST", "/admin/tenants/acme/apis", Map.of("identifier", SHOP, "name", "Shop",
                "token_lifetime", 600, "scopes", List.of("read:orders"), "allow_offline_access", true)).status())
                .isEqualTo(201);
        Response shopClient = admin.admin("POST", "/admin/tenants/acme/clients", Map.of("name", "shop",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token")));
        assertThat(shopClient.status()).as(shopClient.toString()).isEqualTo(201);
        Client shop = new Client(shopClient.text("client_id"), shopClient.text("client_secret"));
        assertThat(admin.admin("POST", "/admin/tenants/acme/users", Map.of("username", "alice",
                "password", "correct horse battery staple")).status()).isEqualTo(201);
        await("the shop's password grant works", Duration.ofSeconds(60), () -> offlineLogin(shop).status() == 200);
        await("the events before the outage applied", Duration.ofSeconds(60),
                () -> eventIdsAfterReplay().size() == feed.applied());
        long headBeforeOutage = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry", Long.class);
        double kafkaErrorsBefore = relayMetrics().value("tally_relay_kafka_errors_total");

        kafka.stop();
        long started = System.nanoTime();
        List<String> jtis = new ArrayList<>();
        jtis.add(jti(first));
        Client late = null;
        int failures = 0;
        int logins = 0;
        try {
            while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
                Response r = clientCredentials(known);
                if (r.status() == 200) {
                    jtis.add(jti(r));
                } else {
                    failures++;
                }
                Response login = offlineLogin(shop);
                if (login.status() == 200 && login.text("refresh_token") != null) {
                    logins++;
                } else {
                    failures++;
                }
                if (late == null && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(10)) {
                    long reads = catchUp.reads();
                    late = newClient("created-during-the-outage");
                    Response lateToken = clientCredentials(late);
                    assertThat(lateToken.status()).as("read your writes without Kafka: " + lateToken).isEqualTo(200);
                    jtis.add(jti(lateToken));
                    assertThat(catchUp.reads()).as("the client was read from the store").isGreaterThan(reads);

                    Thread.sleep(1100); // the catch-up's interval
                    long apiReads = catchUp.reads();
                    Response api = admin.admin("POST", "/admin/tenants/acme/apis", Map.of("identifier",
                            "https://reports.acme.test", "name", "Reports", "token_lifetime", 300));
                    assertThat(api.status()).as(api.toString()).isEqualTo(201);
                    Response forNewApi = tokenHttp.form("/t/acme/oauth/token", TestHttp.params("grant_type",
                            "client_credentials", "audience", "https://reports.acme.test"), known.id(), known.secret());
                    assertThat(forNewApi.status()).as("an API registered a moment ago, without Kafka: " + forNewApi)
                            .isEqualTo(200);
                    assertThat(forNewApi.json().get("expires_in").asLong()).isEqualTo(300);
                    jtis.add(jti(forNewApi));
                    assertThat(catchUp.reads()).as("the API was read from the store").isGreaterThan(apiReads);

                    // a default_audience set a moment ago applies at once, without Kafka
                    Thread.sleep(1100);
                    assertThat(admin.admin("PATCH", "/admin/tenants/acme", Map.of("default_audience",
                            "https://reports.acme.test")).status()).isEqualTo(200);
                    Response byDefault = tokenHttp.form("/t/acme/oauth/token", TestHttp.params("grant_type",
                            "client_credentials"), known.id(), known.secret());
                    assertThat(byDefault.status()).as("the tenant's default audience, without Kafka: " + byDefault)
                            .isEqualTo(200);
                    assertThat(byDefault.json().get("expires_in").asLong()).as("the Reports API's lifetime").isEqualTo(300);
                    jtis.add(jti(byDefault));

                    Thread.sleep(1100);
                    long garbageReads = catchUp.reads();
                    long garbageStarted = System.nanoTime();
                    for (int i = 0; i < 20; i++) {
                        assertThat(tokenHttp.form("/t/acme/oauth/token", TestHttp.params("grant_type", "client_credentials",
                                "audience", "https://api.acme.test"), "garbage-client", "x").status()).isEqualTo(401);
                        assertThat(tokenHttp.form("/t/acme/oauth/token", TestHttp.params("grant_type", "client_credentials",
                                "audience", "https://garbage-" + i + ".test"), known.id(), known.secret()).status())
                                .isEqualTo(400);
                    }
                    // 40 requests: without the catch-up's limit, 40 reads. With it, one read of the garbage client
                    // id and one of an unknown audience per interval (1 s), however long the 40 requests took.
                    long intervals = 1 + (System.nanoTime() - garbageStarted) / TimeUnit.SECONDS.toNanos(1);
                    assertThat(catchUp.reads() - garbageReads)
                            .as("one read per client id and interval, one audience read per interval for all audiences "
                                    + "(%d intervals begun)", intervals)
                            .isLessThanOrEqualTo(2 * intervals);
                }
                Thread.sleep(50);
            }
            // the outage as the command service's /actuator/prometheus shows it: the relay's failed batch counted once
            // its delivery timeout has passed (the log says 30 s here), its lag at least the events appended since it
            // stopped (it publishes nothing while Kafka is down)
            await("a Kafka error in tally.relay.kafka.errors", Duration.ofSeconds(60),
                    () -> relayMetrics().value("tally_relay_kafka_errors_total") > kafkaErrorsBefore);
            PrometheusText outage = relayMetrics();
            long appendedDuringOutage = jdbc.queryForObject("SELECT MAX(global_index) FROM domain_event_entry",
                    Long.class) - headBeforeOutage;
            assertThat(outage.value("tally_relay_lag")).as("tally.relay.lag while Kafka is down")
                    .isGreaterThanOrEqualTo(appendedDuringOutage).isPositive();
        } finally {
            kafka.restart(); // also when the outage's checks fail: the next tests need the broker
        }
        assertThat(failures).as("issuance does not need Kafka").isZero();
        assertThat(late).isNotNull();
        LOG.info("{} tokens issued while Kafka was down", jtis.size());

        await("every event applied by the token service's consumer", Duration.ofSeconds(120),
                () -> eventIdsAfterReplay().size() == feed.applied());
        await("tally.relay.lag back to 0 once Kafka is back", Duration.ofSeconds(30),
                () -> relayMetrics().value("tally_relay_lag") == 0);
        List<String> ids = eventIdsAfterReplay();
        List<TrackedEventMessage<?>> ofOutage = storeAfter(headBeforeOutage).toList();
        long carriedOfOutage = ofOutage.stream().filter(InternalFeed::carries).count();
        long familyTokensOfOutage = ofOutage.stream().filter(e -> e.getPayload() instanceof AccessTokenIssued t
                && t.familyId() != null).count();
        LOG.info("{} events during and after the outage, {} of them for the token service ({} family tokens, {} logins)",
                ofOutage.size(), carriedOfOutage, familyTokensOfOutage, logins);
        assertThat(logins).as("logins with offline_access while Kafka was down").isGreaterThan(20);
        assertThat(familyTokensOfOutage).as("their issuance is in the store").isGreaterThanOrEqualTo(logins);
        assertThat(carriedOfOutage).as("events the token service had to get after the outage")
                .isGreaterThan(2L * logins);
        assertThat(ids).as("they are among the events it applied").containsAll(ofOutage.stream()
                .filter(InternalFeed::carries).map(EventMessage::getIdentifier).toList());
        long checksum = ids.stream().mapToLong(AppliedEventIds::hash).sum();
        assertThat(feed.applied()).as("count").isEqualTo(ids.size());
        assertThat(token.getBean(AppliedEventIds.class).checksum()).as("checksum of event ids").isEqualTo(checksum);
        Thread.sleep(2000);
        assertThat(feed.applied()).as("nothing applied twice, later copies are skipped").isEqualTo(ids.size());
        LOG.info("after the outage: {} events applied once each, {} copies skipped", feed.applied(), feed.skipped());

        String auditCount = "SELECT COUNT(*) FROM audit_event WHERE tenant_id = 'acme' AND type = 'AccessTokenIssued'";
        String storeCount = "SELECT COUNT(*) FROM domain_event_entry WHERE payload_type LIKE '%AccessTokenIssued'";
        try {
            await("the audit has every issuance", Duration.ofSeconds(60), () -> jdbc.queryForObject(auditCount, Long.class)
                    .equals(jdbc.queryForObject(storeCount, Long.class)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": audit " + jdbc.queryForObject(auditCount, Long.class) + ", store "
                    + jdbc.queryForObject(storeCount, Long.class) + ", audit types " + jdbc.queryForList(
                    "SELECT type || ' ' || tenant_id || ' ' || COUNT(*) FROM audit_event GROUP BY type, tenant_id", String.class)
                    + ", store types " + jdbc.queryForList("SELECT payload_type || ' ' || COUNT(*) FROM domain_event_entry"
                    + " GROUP BY payload_type", String.class), e);
        }
        assertThat(jdbc.queryForObject(storeCount, Long.class)).as("every token issued is in the store")
                .isGreaterThanOrEqualTo(jtis.size());
        List<String> audited = jdbc.queryForList("SELECT event_id FROM audit_event WHERE tenant_id = 'acme'"
                + " AND type = 'AccessTokenIssued'", String.class);
        assertThat(audited).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(jdbc.queryForList(
                "SELECT event_identifier FROM domain_event_entry WHERE payload_type LIKE '%AccessTokenIssued'", String.class));

        // the public topic still has every event of the store; the internal one exactly those the rule carries
        RelayPosition relay = command.getBean(RelayPosition.class);
        await("the relay at the store's head", Duration.ofSeconds(60), () -> relay.lag() == 0);
        List<TrackedEventMessage<?>> all = storeAfter(-1).toList();
        assertThat(idsOnTopic(PUBLIC_TOPIC)).as("the public topic has every event")
                .containsAll(all.stream().map(EventMessage::getIdentifier).toList());
        assertThat(idsOnTopic(INTERNAL_TOPIC)).as("the internal topic has the events the token service needs, only")
                .containsExactlyInAnyOrderElementsOf(all.stream().filter(InternalFeed::carries)
                        .map(EventMessage::getIdentifier).toList());
        Timer lag = token.getBean(MeterRegistry.class).get(StreamFeed.LAG_METRIC).timer();
        LOG.info("append-to-apply lag over Kafka, outage included: {} events, p50/p99 {}", lag.count(), percentiles(lag));
    }

    /**
     * A second token node started now replays the store and then reads Kafka from a minute before: the events of
     * that minute come twice (replay and stream) and are applied once; each node has a consumer group of its own, so
     * both get every new event.
     */
    @Test
    @Order(3)
    void aSecondTokenNodeSkipsTheOverlapWithItsReplayAndBothNodesGetEveryNewEvent() {
        Map<String, String> env = new LinkedHashMap<>(Services.environment(db));
        env.put("TALLY_STREAM_ENABLED", "true");
        env.put("TALLY_STREAM_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        try (ConfigurableApplicationContext second = Services.token(env, Services.url(command))) {
            StreamFeed feed = second.getBean(StreamFeed.class);
            StreamFeed firstFeed = token.getBean(StreamFeed.class);
            assertThat(feed.group()).isNotEqualTo(firstFeed.group());
            long replayed = second.getBean(StartupReplay.class).lastIndex();
            java.time.Instant recentFrom = second.getBean(StartupReplay.class).startedAt().minusSeconds(50);
            long recent = storeAfter(-1).filter(e -> e.trackingToken().position().orElseThrow() <= replayed
                    && !e.getTimestamp().isBefore(recentFrom) && InternalFeed.carries(e)).count();
            assertThat(recent).as("the test made events for the token service in the minute before the second node"
                    + " started").isPositive();
            await("the overlap with the replay delivered and skipped", Duration.ofSeconds(30),
                    () -> feed.skipped() >= recent);
            assertThat(feed.applied()).as("nothing replayed is applied again").isZero();

            long firstApplied = firstFeed.applied();
            Client client = newClient("after-the-second-node");
            await("both nodes apply the new client from Kafka", Duration.ofSeconds(30),
                    () -> feed.applied() >= 1 && firstFeed.applied() > firstApplied);
            Response issued = new TestHttp(Services.url(second), Services.ADMIN_TOKEN).form("/t/acme/oauth/token",
                    TestHttp.params("grant_type", "client_credentials", "audience", "https://api.acme.test"),
                    client.id(), client.secret());
            assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
            List<String> ids = carriedIdsAfter(replayed);
            await("the second node applied every event after its replay once", Duration.ofSeconds(30),
                    () -> feed.applied() == carriedIdsAfter(replayed).size());
            List<String> after = carriedIdsAfter(replayed);
            assertThat(second.getBean(AppliedEventIds.class).checksum())
                    .isEqualTo(after.stream().mapToLong(AppliedEventIds::hash).sum());
            assertThat(after).containsAll(ids);
            assertThat(after).as("the client's events are for the token service").isNotEmpty();
            LOG.info("second node: {} replayed events delivered again and skipped, {} applied from Kafka", feed.skipped(),
                    feed.applied());
        }
    }

    record Client(String id, String secret) {
    }

    static Client newClient(String name) {
        Response client = admin.admin("POST", "/admin/tenants/acme/clients", Map.of("name", name,
                "app_type", "non_interactive", "grant_types", List.of("client_credentials")));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        return new Client(client.text("client_id"), client.text("client_secret"));
    }

    static Response clientCredentials(Client client) {
        return tokenHttp.form("/t/acme/oauth/token", TestHttp.params("grant_type", "client_credentials",
                "audience", "https://api.acme.test"), client.id(), client.secret());
    }

    static String jti(Response issued) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(issued.text("access_token")).getJWTClaimsSet().getJWTID();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    static final String PUBLIC_TOPIC = "tally.events";
    static final String INTERNAL_TOPIC = "tally.events.internal";
    static final String SHOP = "https://shop.acme.test";

    /**
     * The store's events the token service did not replay at start-up and the internal topic carries: the ones it
     * must get from Kafka.
     */
    static List<String> eventIdsAfterReplay() {
        return carriedIdsAfter(token.getBean(StartupReplay.class).lastIndex());
    }

    static List<String> carriedIdsAfter(long globalIndex) {
        return storeAfter(globalIndex).filter(InternalFeed::carries).map(EventMessage::getIdentifier).toList();
    }

    /** The store's events after {@code globalIndex} (all for -1), payloads read as the token service reads them. */
    static Stream<TrackedEventMessage<?>> storeAfter(long globalIndex) {
        EventStorageEngine storage = command.getBean(EventStorageEngine.class);
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(
                globalIndex < 0 ? null : GapAwareTrackingToken.newInstance(globalIndex, Set.of()), false)) {
            return events.<TrackedEventMessage<?>>map(e -> e).toList().stream();
        }
    }

    /** The event ids of every record of {@code topic}, read from the beginning to the end offsets of now. */
    static Set<String> idsOnTopic(String topic) {
        return kafka.recordsToEnd(topic, Duration.ofSeconds(30)).stream()
                .map(r -> StreamRecords.header(r, StreamRecords.EVENT_ID)).collect(Collectors.toSet());
    }

    static Response offlineLogin(Client client) {
        return tokenHttp.form("/t/acme/oauth/token", TestHttp.params("grant_type", "password", "username", "alice",
                "password", "correct horse battery staple", "audience", SHOP, "scope", "read:orders offline_access"),
                client.id(), client.secret());
    }

    static String percentiles(Timer timer) {
        StringBuilder out = new StringBuilder();
        for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
            out.append(String.format("p%.0f=%.1f ms ", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
        }
        return out.toString().trim();
    }

}
