package dev.tally.query;

import static dev.tally.query.Fixtures.clientRegistered;
import static dev.tally.query.Fixtures.clientToken;
import static dev.tally.query.Fixtures.codeReused;
import static dev.tally.query.Fixtures.familyRevoked;
import static dev.tally.query.Fixtures.familyStarted;
import static dev.tally.query.Fixtures.rotated;
import static dev.tally.query.Fixtures.sessionExtended;
import static dev.tally.query.Fixtures.sessionRevoked;
import static dev.tally.query.Fixtures.sessionStarted;
import static dev.tally.query.Fixtures.tokenRevoked;
import static dev.tally.query.Fixtures.userToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.PostgresTestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The query side's HTTP API on PostgreSQL: audit, history, state, time travel, revocation list, projections. */
@SpringBootTest(classes = QueryServiceTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(QueryApiOnPostgresTest.Clocks.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiOnPostgresTest extends QueryTestSupport {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_query_api");
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final MutableClock CLOCK = new MutableClock(NOW);
    static final int CLIENT_TOKENS = 60;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> MASTER_KEY);
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        MutableClock clock() {
            return CLOCK;
        }
    }

    @Autowired
    MeterRegistry meters;

    @BeforeAll
    void seed() {
        tenant("acme");
        publishOf("Client", "cli-a", clientRegistered("acme", "cli-a", T0.minusSeconds(60)));
        for (int i = 0; i < CLIENT_TOKENS; i++) {
            publish(clientToken("acme", "jti-cc-" + i, "cli-a", T0.plusSeconds(10L * i)));
        }
        publishOf("Session", "ses_1", sessionStarted("acme", "ses_1", "usr_1", "spa-a", T0.plusSeconds(5)));
        publishOf("RefreshTokenFamily", "rtf_1", familyStarted("acme", "rtf_1", "usr_1", "spa-a", "ses_1", T0.plusSeconds(5)));
        publish(userToken("acme", "jti-u-0", "spa-a", "usr_1", "ses_1", "rtf_1", T0.plusSeconds(5)));
        publishOf("RefreshTokenFamily", "rtf_1", rotated("acme", "rtf_1", "usr_1", "spa-a", 2, T0.plusSeconds(65)));
        publish(userToken("acme", "jti-u-1", "spa-a", "usr_1", "ses_1", "rtf_1", T0.plusSeconds(65)));
        publishOf("RefreshTokenFamily", "rtf_1", rotated("acme", "rtf_1", "usr_1", "spa-a", 3, T0.plusSeconds(125)));
        publish(userToken("acme", "jti-u-2", "spa-a", "usr_1", "ses_1", "rtf_1", T0.plusSeconds(125)));
        publishOf("Session", "ses_1", sessionExtended("acme", "ses_1", "usr_1", "spa-a", T0.plusSeconds(605)));
        publishOf("Session", "ses_2", sessionStarted("acme", "ses_2", "usr_2", "spa-a", T0.plusSeconds(700)));
        publish(tokenRevoked("acme", "jti-u-2", "spa-a", "usr_1", NOW.plusSeconds(3600), T0.plusSeconds(750)),
                tokenRevoked("acme", "jti-old", "spa-a", "usr_2", NOW.minusSeconds(3600), T0.plusSeconds(760)));
        publishOf("AuthorizationCode", "code:acme-1",
                codeReused("acme", "spa-a", "usr_1", List.of("jti-c1", "jti-c2"), T0.plusSeconds(770)));
        publishOf("RefreshTokenFamily", "rtf_1", familyRevoked("acme", "rtf_1", "usr_1", "ses_1", T0.plusSeconds(800),
                RevocationCause.permissionChange("chg-1")));
        publishOf("Session", "ses_1", sessionRevoked("acme", "ses_1", "usr_1", T0.plusSeconds(800),
                RevocationCause.permissionChange("chg-1")));

        tenant("beta");
        publish(clientToken("beta", "jti-b", "cli-b", T0));
        publishOf("Session", "ses_b", sessionStarted("beta", "ses_b", "usr_1", "spa-b", T0));
        awaitCaughtUp();
    }

    @AfterEach
    void resetClock() {
        CLOCK.set(NOW);
    }

    @Test
    void filtersSelectExactlyTheMatchingEventsNewestFirst() {
        List<JsonNode> byUser = all("/admin/tenants/acme/audit?user_id=usr_1");
        // session 3, family 4, user tokens 3, the revocation of jti-u-2, the reused code
        assertThat(byUser).hasSize(12).allSatisfy(e -> assertThat(e.get("user_id").asString()).isEqualTo("usr_1"));
        assertDescending(byUser);

        List<JsonNode> machineTokens = all("/admin/tenants/acme/audit?client_id=cli-a&type=AccessTokenIssued");
        assertThat(machineTokens).hasSize(CLIENT_TOKENS);
        assertThat(machineTokens).allSatisfy(e -> assertThat(e.get("user_id").isNull()).isTrue());
        JsonNode newest = machineTokens.get(0);
        assertThat(newest.get("jti").asString()).isEqualTo("jti-cc-" + (CLIENT_TOKENS - 1));
        assertThat(newest.get("details").get("decided_by").asString()).isEqualTo("api.token_lifetime");
        assertThat(newest.get("occurred_at").asString()).isEqualTo(T0.plusSeconds(10L * (CLIENT_TOKENS - 1)).toString());

        assertThat(all("/admin/tenants/acme/audit?type=SessionStarted,SessionRevoked"))
                .extracting(e -> e.get("type").asString() + ":" + e.get("session_id").asString())
                .containsExactly("SessionRevoked:ses_1", "SessionStarted:ses_2", "SessionStarted:ses_1");
        assertThat(all("/admin/tenants/acme/audit?session_id=ses_1")).hasSize(8);
        assertThat(all("/admin/tenants/acme/audit?family_id=rtf_1")).hasSize(7)
                .allSatisfy(e -> assertThat(e.get("family_id").asString()).isEqualTo("rtf_1"));

        String from = T0.plusSeconds(100).toString();
        String to = T0.plusSeconds(200).toString();
        List<JsonNode> window = all("/admin/tenants/acme/audit?client_id=cli-a&from=" + from + "&to=" + to);
        assertThat(window).extracting(e -> e.get("jti").asString())
                .containsExactly("jti-cc-19", "jti-cc-18", "jti-cc-17", "jti-cc-16", "jti-cc-15", "jti-cc-14",
                        "jti-cc-13", "jti-cc-12", "jti-cc-11", "jti-cc-10");
    }

    @Test
    void pagesWalkTheSelectionOnceWithoutGapsOrDuplicates() {
        Answer whole = get("/admin/tenants/acme/audit?limit=1000");
        assertThat(whole.status()).as(whole.toString()).isEqualTo(200);
        List<Long> expected = new ArrayList<>();
        whole.json().get("events").forEach(e -> expected.add(e.get("position").asLong()));
        assertThat(whole.json().get("next_cursor").isNull()).isTrue();
        // the tenant, its client, the machine tokens, and 14 events of users, sessions, families and revocations
        assertThat(expected).hasSize(CLIENT_TOKENS + 16);
        assertThat(expected).as("every event of the tenant in the store, newest first").isEqualTo(jdbc.queryForList(
                "SELECT global_index FROM domain_event_entry WHERE convert_from(payload, 'UTF8') LIKE ? "
                        + "ORDER BY global_index DESC", Long.class, "%\"tenantId\":\"acme\"%"));

        List<Long> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Answer page = get("/admin/tenants/acme/audit?limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.json().get("events").forEach(e -> paged.add(e.get("position").asLong()));
            JsonNode next = page.json().get("next_cursor");
            cursor = next.isNull() ? null : next.asString();
            pages++;
        } while (cursor != null);
        assertThat(paged).isEqualTo(expected);
        assertThat(new HashSet<>(paged)).hasSize(paged.size());
        assertThat(pages).isEqualTo((expected.size() + 6) / 7);
    }

    @Test
    void theNdjsonStreamIsTheSameSelectionAsThePagedJson() {
        for (String query : List.of("", "?user_id=usr_1", "?type=AccessTokenIssued")) {
            Answer stream = get("/admin/tenants/acme/audit" + query, "application/x-ndjson");
            assertThat(stream.status()).as(stream.toString()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("application/x-ndjson");
            JsonMapper json = JsonMapper.builder().build();
            List<JsonNode> lines = stream.body().lines().map(json::readTree).toList();
            List<JsonNode> paged = all("/admin/tenants/acme/audit" + query);
            assertThat(lines).isNotEmpty().isEqualTo(paged);
        }
    }

    @Test
    void badParametersAre400ProblemsNamingTheParameter() {
        assertProblem(get("/admin/tenants/acme/audit?from=yesterday"), 400, "from");
        assertProblem(get("/admin/tenants/acme/audit?to=2026-13-01T00:00:00Z"), 400, "to");
        assertProblem(get("/admin/tenants/acme/audit?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z"), 400, "to");
        assertProblem(get("/admin/tenants/acme/audit?limit=0"), 400, "limit");
        assertProblem(get("/admin/tenants/acme/audit?limit=1001"), 400, "limit");
        assertProblem(get("/admin/tenants/acme/audit?limit=ten"), 400, "limit");
        assertProblem(get("/admin/tenants/acme/audit?cursor=%25%25%25"), 400, "cursor");
        assertProblem(get("/admin/tenants/acme/audit?cursor=bm90LWEtY3Vyc29y"), 400, "cursor");
        assertProblem(get("/admin/tenants/acme/audit?type=Access-Token"), 400, "type");
        assertProblem(get("/admin/tenants/acme/audit?usr_id=usr_1"), 400, "usr_id");
        assertProblem(get("/admin/tenants/acme/audit?limit=5", "application/x-ndjson"), 400, "limit");
        assertProblem(get("/admin/tenants/acme/sessions/ses_1?at=noon"), 400, "at");
        assertProblem(get("/t/acme/revocations?since=zzz"), 400, "since");
        assertProblem(get("/t/acme/revocations?limit=-1"), 400, "limit");
    }

    @Test
    void anUnknownTenantIs404Everywhere() {
        for (String path : List.of("/admin/tenants/nobody/audit", "/admin/tenants/nobody/sessions",
                "/admin/tenants/nobody/sessions/ses_1", "/admin/tenants/nobody/sessions/ses_1/history",
                "/admin/tenants/nobody/refresh-token-families/rtf_1", "/t/nobody/revocations",
                "/admin/tenants/Not_Valid/audit")) {
            assertProblem(get(path), 404, null);
        }
        assertProblem(get("/admin/tenants/nobody/audit", "application/x-ndjson"), 404, null);
    }

    @Test
    void tenantBNeverSeesTenantAsRowsEvenWithTheirIds() {
        List<JsonNode> betaUser = all("/admin/tenants/beta/audit?user_id=usr_1");
        assertThat(betaUser).extracting(e -> e.get("tenant_id").asString() + ":" + e.get("session_id").asString())
                .containsExactly("beta:ses_b");
        assertThat(all("/admin/tenants/beta/audit?session_id=ses_1")).isEmpty();
        assertThat(all("/admin/tenants/beta/audit?family_id=rtf_1")).isEmpty();
        assertThat(all("/admin/tenants/beta/audit?client_id=cli-a")).isEmpty();
        assertThat(all("/admin/tenants/beta/audit")).allSatisfy(e -> assertThat(e.get("tenant_id").asString()).isEqualTo("beta"));
        assertProblem(get("/admin/tenants/beta/sessions/ses_1"), 404, null);
        assertProblem(get("/admin/tenants/beta/sessions/ses_1/history"), 404, null);
        assertProblem(get("/admin/tenants/beta/sessions/ses_1?at=" + T0.plusSeconds(300)), 404, null);
        assertProblem(get("/admin/tenants/beta/refresh-token-families/rtf_1"), 404, null);
        assertProblem(get("/admin/tenants/beta/refresh-token-families/rtf_1?at=" + T0.plusSeconds(90)), 404, null);
        assertProblem(get("/admin/tenants/beta/refresh-token-families/rtf_1/history"), 404, null);
        assertThat(get("/admin/tenants/beta/sessions?user_id=usr_1").json().get("sessions"))
                .extracting(s -> s.get("session_id").asString()).containsExactly("ses_b");
        assertThat(get("/admin/tenants/beta/refresh-token-families?user_id=usr_1").json()
                .get("refresh_token_families")).isEmpty();
        assertThat(get("/t/beta/revocations").json().get("revocations")).isEmpty();
    }

    @Test
    void aHistoryIsEveryAuditedEventOfTheSessionOrFamilyOldestFirst() {
        Answer session = get("/admin/tenants/acme/sessions/ses_1/history");
        assertThat(session.status()).as(session.toString()).isEqualTo(200);
        assertThat(session.json().get("events")).extracting(e -> e.get("type").asString()).containsExactly(
                "SessionStarted", "RefreshTokenFamilyStarted", "AccessTokenIssued", "AccessTokenIssued",
                "AccessTokenIssued", "SessionExtended", "RefreshTokenFamilyRevoked", "SessionRevoked");
        assertThat(session.json().get("projection_status").asString()).isEqualTo("live");

        Answer family = get("/admin/tenants/acme/refresh-token-families/rtf_1/history");
        assertThat(family.json().get("events")).extracting(e -> e.get("type").asString()).containsExactly(
                "RefreshTokenFamilyStarted", "AccessTokenIssued", "TokenRotated", "AccessTokenIssued", "TokenRotated",
                "AccessTokenIssued", "RefreshTokenFamilyRevoked");
        assertThat(family.json().get("events").get(2).get("details").get("generation").asInt()).isEqualTo(2);
        assertProblem(get("/admin/tenants/acme/sessions/ses_none/history"), 404, null);
    }

    @Test
    void stateIsCurrentAndTimeTravelShowsItAsItWas() {
        Answer now = get("/admin/tenants/acme/sessions/ses_1");
        assertThat(now.status()).as(now.toString()).isEqualTo(200);
        assertThat(now.json().get("status").asString()).isEqualTo("revoked");
        assertThat(now.json().get("cause").get("kind").asString()).isEqualTo("user_permissions_changed");
        assertThat(now.header("Tally-Projection-Status")).isEqualTo("live");
        assertThat(now.json().get("projection_status").asString()).isEqualTo("live");

        JsonNode then = get("/admin/tenants/acme/sessions/ses_1?at=" + T0.plusSeconds(300)).json();
        assertThat(then.get("status").asString()).isEqualTo("active");
        assertThat(then.get("last_activity_at").asString()).isEqualTo(T0.plusSeconds(5).toString());
        assertThat(then.get("as_of").asString()).isEqualTo(T0.plusSeconds(300).toString());
        assertProblem(get("/admin/tenants/acme/sessions/ses_1?at=" + T0), 404, null);

        // nobody used ses_2 after it started: by the clock its idle deadline has passed, recorded or not
        JsonNode idle = get("/admin/tenants/acme/sessions/ses_2").json();
        assertThat(idle.get("status").asString()).isEqualTo("expired");
        assertThat(idle.get("end_reason").asString()).isEqualTo("idle");

        JsonNode between = get("/admin/tenants/acme/refresh-token-families/rtf_1?at=" + T0.plusSeconds(90)).json();
        assertThat(between.get("generation").asInt()).isEqualTo(2);
        assertThat(between.get("status").asString()).isEqualTo("active");
        assertThat(get("/admin/tenants/acme/refresh-token-families/rtf_1?at=" + T0.plusSeconds(130)).json()
                .get("generation").asInt()).isEqualTo(3);
        JsonNode family = get("/admin/tenants/acme/refresh-token-families/rtf_1").json();
        assertThat(family.get("status").asString()).isEqualTo("revoked");
        assertThat(family.get("generation").asInt()).isEqualTo(3);
        assertThat(family.get("end_reason").asString()).isEqualTo("permission_change");

        assertThat(get("/admin/tenants/acme/sessions?user_id=usr_1").json().get("sessions"))
                .extracting(s -> s.get("session_id").asString()).containsExactly("ses_1");
        JsonNode firstPage = get("/admin/tenants/acme/sessions?limit=1").json();
        assertThat(firstPage.get("sessions")).extracting(s -> s.get("session_id").asString()).containsExactly("ses_2");
        JsonNode secondPage = get("/admin/tenants/acme/sessions?limit=1&cursor="
                + firstPage.get("next_cursor").asString()).json();
        assertThat(secondPage.get("sessions")).extracting(s -> s.get("session_id").asString()).containsExactly("ses_1");
        assertThat(secondPage.get("next_cursor").isNull()).isTrue();
        assertThat(get("/admin/tenants/acme/refresh-token-families?user_id=usr_1").json().get("refresh_token_families"))
                .extracting(s -> s.get("family_id").asString()).containsExactly("rtf_1");
    }

    @Test
    void theRevocationListIsOldestFirstAndLeavesOutExpiredTokens() {
        Answer all = get("/t/acme/revocations");
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        JsonNode list = all.json().get("revocations");
        assertThat(list).extracting(e -> e.get("kind").asString() + ":" + id(e)).containsExactly(
                "jti:jti-u-2", "jti:jti-c1", "jti:jti-c2", "family:rtf_1", "session:ses_1");
        JsonNode first = list.get(0);
        assertThat(first.get("expires_at").asString()).isEqualTo(NOW.plusSeconds(3600).toString());
        assertThat(first.get("revoked_at").asString()).isEqualTo(T0.plusSeconds(750).toString());
        assertThat(first.get("cause").get("kind").asString()).isEqualTo("revocation_request");
        assertThat(first.get("cause").get("reference").asString()).isEqualTo("spa-a");
        assertThat(list.get(1).get("expires_at").isNull()).isTrue();
        assertThat(list.get(3).get("reason").asString()).isEqualTo("permission_change");
        assertThat(all.json().get("projection_status").asString()).isEqualTo("live");

        JsonNode page1 = get("/t/acme/revocations?limit=2").json();
        assertThat(page1.get("revocations")).hasSize(2);
        assertThat(page1.get("has_more").asBoolean()).isTrue();
        JsonNode page2 = get("/t/acme/revocations?limit=10&since=" + page1.get("next_cursor").asString()).json();
        assertThat(page2.get("revocations")).extracting(e -> id(e)).containsExactly("jti-c2", "rtf_1", "ses_1");
        JsonNode nothingNew = get("/t/acme/revocations?since=" + page2.get("next_cursor").asString()).json();
        assertThat(nothingNew.get("revocations")).isEmpty();
        assertThat(nothingNew.get("next_cursor").asString()).isEqualTo(page2.get("next_cursor").asString());

        CLOCK.advance(Duration.ofHours(2));
        assertThat(get("/t/acme/revocations").json().get("revocations")).extracting(e -> id(e))
                .containsExactly("jti-c1", "jti-c2", "rtf_1", "ses_1");
    }

    @Test
    void projectionsSayWhereTheyStandAndPublishTheirLag() {
        Answer list = get("/admin/projections");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().get("projections")).extracting(p -> p.get("name").asString())
                .containsExactly("audit", "sessions", "revocations");
        JsonNode audit = get("/admin/projections/audit").json();
        assertThat(audit.get("status").asString()).isEqualTo("live");
        assertThat(audit.get("position").asLong()).isEqualTo(audit.get("head").asLong()).isEqualTo(head());
        assertThat(audit.get("lag_events").asLong()).isZero();
        assertProblem(get("/admin/projections/nothing"), 404, null);
        assertProblem(post("/admin/projections/nothing/replay"), 404, null);
        assertThat(meters.get("tally.projection.lag").tag("name", "revocations").gauge().value()).isZero();
        assertThat(meters.get("tally.projection.lag").gauges()).hasSize(3);
    }

    private static String id(JsonNode e) {
        for (String field : List.of("jti", "family_id", "session_id")) {
            if (e.has(field)) {
                return e.get(field).asString();
            }
        }
        return e.get("subject").asString();
    }

    /** Every event of a selection, through the paged JSON API, newest first. */
    private List<JsonNode> all(String path) {
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        String sep = path.contains("?") ? "&" : "?";
        do {
            Answer page = get(path + sep + "limit=25" + (cursor == null ? ""
                    : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            assertThat(page.status()).as(path + " " + page).isEqualTo(200);
            page.json().get("events").forEach(events::add);
            JsonNode next = page.json().get("next_cursor");
            cursor = next.isNull() ? null : next.asString();
        } while (cursor != null);
        return events;
    }

    private static void assertDescending(List<JsonNode> events) {
        Set<Long> seen = new HashSet<>();
        long previous = Long.MAX_VALUE;
        for (JsonNode e : events) {
            long p = e.get("position").asLong();
            assertThat(p).isLessThan(previous);
            assertThat(seen.add(p)).isTrue();
            previous = p;
        }
    }
}
