package dev.tally.query;

import static dev.tally.query.Fixtures.clientRegistered;
import static dev.tally.query.Fixtures.clientToken;
import static dev.tally.query.Fixtures.codeReused;
import static dev.tally.query.Fixtures.familyRevoked;
import static dev.tally.query.Fixtures.familyStarted;
import static dev.tally.query.Fixtures.keyAdded;
import static dev.tally.query.Fixtures.rotated;
import static dev.tally.query.Fixtures.sessionExtended;
import static dev.tally.query.Fixtures.sessionRevoked;
import static dev.tally.query.Fixtures.sessionStarted;
import static dev.tally.query.Fixtures.tokenRevoked;
import static dev.tally.query.Fixtures.userDeleted;
import static dev.tally.query.Fixtures.userRegistered;
import static dev.tally.query.Fixtures.userToken;
import static dev.tally.query.Fixtures.userTokensRevoked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.query.projection.QueryProcessing;
import dev.tally.testsupport.PostgresTestDatabase;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The three projections on PostgreSQL, fed through Axon's event store: the rows they write, and that an event
 * delivered a second time changes none of them.
 */
@SpringBootTest(classes = QueryServiceTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@org.springframework.context.annotation.Import(ProjectionsOnPostgresTest.Counters.class)
class ProjectionsOnPostgresTest extends QueryTestSupport {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_query_proj");
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> MASTER_KEY);
        registry.add("tally.projection.catching-up-lag", () -> "5");
    }

    /** Counts deliveries per event in each processor, to prove a repeated delivery really happened. */
    abstract static class DeliveryCounter {
        final Map<String, Integer> deliveries = new java.util.concurrent.ConcurrentHashMap<>();

        @org.axonframework.eventhandling.EventHandler
        void on(Object payload, org.axonframework.eventhandling.EventMessage<?> message) {
            deliveries.merge(message.getIdentifier(), 1, Integer::sum);
        }
    }

    @org.axonframework.config.ProcessingGroup(dev.tally.query.projection.QueryProcessing.AUDIT)
    static class AuditDeliveries extends DeliveryCounter {
    }

    @org.axonframework.config.ProcessingGroup(dev.tally.query.projection.QueryProcessing.SESSIONS)
    static class SessionDeliveries extends DeliveryCounter {
    }

    @org.axonframework.config.ProcessingGroup(dev.tally.query.projection.QueryProcessing.REVOCATIONS)
    static class RevocationDeliveries extends DeliveryCounter {
    }

    @org.springframework.boot.test.context.TestConfiguration
    static class Counters {
        @org.springframework.context.annotation.Bean
        AuditDeliveries auditDeliveries() {
            return new AuditDeliveries();
        }

        @org.springframework.context.annotation.Bean
        SessionDeliveries sessionDeliveries() {
            return new SessionDeliveries();
        }

        @org.springframework.context.annotation.Bean
        RevocationDeliveries revocationDeliveries() {
            return new RevocationDeliveries();
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    List<DeliveryCounter> counters;

    @BeforeAll
    static void databaseIsPostgres() {
        assertThat(DB.jdbcUrl()).startsWith("jdbc:postgresql:");
    }

    @Test
    void everyEventOfATenantIsOneAuditRowAtItsGlobalIndexWithoutSecrets() {
        tenant("p1");
        publishOf("Tenant", "tenant:p1", keyAdded("p1", T0));
        publishOf("Client", "cli-p1", clientRegistered("p1", "cli-p1", T0.plusSeconds(1)));
        publishOf("User", "usr_p1", userRegistered("p1", "usr_p1", T0.plusSeconds(2)));
        publish(clientToken("p1", "jti-p1-cc", "cli-p1", T0.plusSeconds(3)),
                userToken("p1", "jti-p1-u", "cli-p1", "usr_p1", "ses_p1", "rtf_p1", T0.plusSeconds(4)));
        awaitCaughtUp();

        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT a.*, e.global_index FROM audit_event a JOIN domain_event_entry e ON e.event_identifier = a.event_id "
                        + "WHERE a.tenant_id = 'p1' ORDER BY a.position");
        assertThat(rows).extracting(r -> r.get("type")).containsExactly("TenantCreated", "SigningKeyAdded",
                "ClientRegistered", "UserRegistered", "AccessTokenIssued", "AccessTokenIssued");
        rows.forEach(r -> assertThat(r.get("position")).isEqualTo(r.get("global_index")));

        Map<String, Object> cc = rows.get(4);
        assertThat(cc.get("jti")).isEqualTo("jti-p1-cc");
        assertThat(cc.get("client_id")).isEqualTo("cli-p1");
        assertThat(cc.get("user_id")).as("a client-credentials token has no user").isNull();
        assertThat(instant(cc.get("occurred_at"))).isEqualTo(T0.plusSeconds(3));
        JsonNode details = JsonMapper.builder().build().readTree((String) cc.get("details"));
        assertThat(details.get("decided_by").asString()).isEqualTo("api.token_lifetime");
        assertThat(details.get("lifetime_trace").size()).isEqualTo(2);

        Map<String, Object> user = rows.get(5);
        assertThat(user.get("user_id")).isEqualTo("usr_p1");
        assertThat(user.get("session_id")).isEqualTo("ses_p1");
        assertThat(user.get("family_id")).isEqualTo("rtf_p1");

        String allDetails = String.join("\n", rows.stream().map(r -> (String) r.get("details")).toList());
        assertThat(allDetails).doesNotContain(Fixtures.HASH).doesNotContain("argon2").doesNotContain("SEALED-PRIVATE-KEY");
    }

    @Test
    void sessionsAndFamiliesAreFoldedIntoTheirCurrentState() {
        tenant("p2");
        publishOf("Session", "ses_p2", sessionStarted("p2", "ses_p2", "usr_p2", "cli", T0));
        publishOf("Session", "ses_p2", sessionExtended("p2", "ses_p2", "usr_p2", "cli", T0.plusSeconds(600)));
        publishOf("RefreshTokenFamily", "rtf_p2", familyStarted("p2", "rtf_p2", "usr_p2", "cli", "ses_p2", T0));
        publishOf("RefreshTokenFamily", "rtf_p2", rotated("p2", "rtf_p2", "usr_p2", "cli", 2, T0.plusSeconds(60)));
        publishOf("RefreshTokenFamily", "rtf_p2", familyRevoked("p2", "rtf_p2", "usr_p2", "ses_p2", T0.plusSeconds(700),
                RevocationCause.permissionChange("chg-9")));
        publishOf("Session", "ses_p2", sessionRevoked("p2", "ses_p2", "usr_p2", T0.plusSeconds(700),
                new RevocationCause(RevocationCause.LOGOUT, "ses_p2")));
        awaitCaughtUp();

        Map<String, Object> session = jdbc.queryForMap("SELECT * FROM session_view WHERE tenant_id = 'p2' AND session_id = 'ses_p2'");
        assertThat(session.get("status")).isEqualTo("revoked");
        assertThat(session.get("end_reason")).isEqualTo("logout");
        assertThat(session.get("cause_kind")).isEqualTo("logout");
        assertThat(instant(session.get("last_activity_at"))).isEqualTo(T0.plusSeconds(600));
        assertThat(instant(session.get("idle_deadline"))).isEqualTo(T0.plusSeconds(4200));

        Map<String, Object> family = jdbc.queryForMap("SELECT * FROM refresh_family_view WHERE tenant_id = 'p2' AND family_id = 'rtf_p2'");
        assertThat(family.get("status")).isEqualTo("revoked");
        assertThat(family.get("generation")).isEqualTo(2);
        assertThat(family.get("rotation")).isEqualTo("rotate-sliding");
        assertThat(family.get("session_id")).isEqualTo("ses_p2");
        assertThat(family.get("end_reason")).isEqualTo("permission_change");
        assertThat(family.get("cause_kind")).isEqualTo("user_permissions_changed");
        assertThat(family.get("cause_reference")).isEqualTo("chg-9");
    }

    @Test
    void revocationsAreRecordedPerKindAndInOneOrderedLog() {
        tenant("p3");
        publish(tokenRevoked("p3", "jti-p3", "cli", "usr_p3", T0.plusSeconds(3600), T0.plusSeconds(10)));
        publishOf("AuthorizationCode", "code:" + Fixtures.HASH + "p3",
                codeReused("p3", "cli", "usr_p3", List.of("jti-c1", "jti-c2"), T0.plusSeconds(20)));
        publishOf("RefreshTokenFamily", "rtf_p3", familyStarted("p3", "rtf_p3", "usr_p3", "cli", "ses_p3", T0));
        publishOf("RefreshTokenFamily", "rtf_p3", familyRevoked("p3", "rtf_p3", "usr_p3", "ses_p3", T0.plusSeconds(30), null));
        publishOf("Session", "ses_p3", sessionStarted("p3", "ses_p3", "usr_p3", "cli", T0));
        publishOf("Session", "ses_p3", sessionRevoked("p3", "ses_p3", "usr_p3", T0.plusSeconds(40), null));
        publishOf("User", "usr_p3", userTokensRevoked("p3", "usr_p3", T0.plusSeconds(50)));
        publishOf("User", "usr_p3", userDeleted("p3", "usr_p3"));
        awaitCaughtUp();

        List<Map<String, Object>> log = jdbc.queryForList(
                "SELECT * FROM revocation_log WHERE tenant_id = 'p3' ORDER BY position, ordinal");
        assertThat(log).extracting(r -> r.get("kind") + ":" + r.get("ref_id")).containsExactly("jti:jti-p3",
                "jti:jti-c1", "jti:jti-c2", "family:rtf_p3", "session:ses_p3", "subject:usr_p3", "subject:usr_p3");
        assertThat(log.get(1).get("ordinal")).isEqualTo(0);
        assertThat(log.get(2).get("ordinal")).isEqualTo(1);
        assertThat(log.get(1).get("expires_at")).as("a reused code's tokens have no known expiry").isNull();
        assertThat(log.get(1).get("cause_kind")).isEqualTo("authorization_code_reuse");
        assertThat(log.get(0).get("cause_kind")).isEqualTo("revocation_request");
        assertThat(log.get(0).get("cause_reference")).isEqualTo("cli");
        assertThat(instant(log.get(0).get("expires_at"))).isEqualTo(T0.plusSeconds(3600));
        assertThat(instant(log.get(5).get("not_before"))).isEqualTo(T0.plusSeconds(50));
        assertThat(log.get(6).get("reason")).isEqualTo("user_deleted");

        assertThat(jdbc.queryForList("SELECT jti FROM revoked_access_token WHERE tenant_id = 'p3' ORDER BY jti", String.class))
                .containsExactly("jti-c1", "jti-c2", "jti-p3");
        assertThat(jdbc.queryForObject("SELECT session_id FROM revoked_refresh_family WHERE tenant_id = 'p3'", String.class))
                .isEqualTo("ses_p3");
        assertThat(jdbc.queryForObject("SELECT reason FROM revoked_session WHERE tenant_id = 'p3'", String.class))
                .isEqualTo("logout");
        // the deletion came after the revocation, so its instant (the event's timestamp) is the later "not before"
        Map<String, Object> notBefore = jdbc.queryForMap("SELECT * FROM subject_not_before WHERE tenant_id = 'p3'");
        assertThat(notBefore.get("reason")).isEqualTo("user_deleted");
        assertThat(instant(notBefore.get("not_before"))).isAfter(T0.plusSeconds(50));
    }

    @Test
    void aViewFurtherBehindThanTheLagALiveOneMayHaveSaysCatchingUpNotLive() {
        tenant("cu");
        awaitCaughtUp();
        TrackingEventProcessor audit = processing.eventProcessor(QueryProcessing.BY_NAME.get("audit"),
                TrackingEventProcessor.class).orElseThrow();
        audit.shutDown();
        try {
            for (int i = 0; i < 5; i++) {
                tenant("cu" + i);
            }
            ProjectionStatus fiveBehind = projections.status("audit");
            assertThat(fiveBehind.lagEvents()).isEqualTo(5);
            assertThat(fiveBehind.status()).as("within tally.projection.catching-up-lag").isEqualTo(ProjectionStatus.LIVE);

            tenant("cu5");
            ProjectionStatus sixBehind = projections.status("audit");
            assertThat(sixBehind.lagEvents()).isEqualTo(6);
            assertThat(sixBehind.status()).isEqualTo(ProjectionStatus.CATCHING_UP);
            assertThat(sixBehind.unhealthy()).as("it is not failing or stalled").isFalse();
            // the others are not held back: they reach the head while the audit stays stopped (they start a batch
            // at most once per tally.query.batch-interval, so right after six appends they may still be behind)
            awaitCaughtUp(List.of("sessions", "revocations"));
            for (String other : List.of("sessions", "revocations")) {
                assertThat(projections.status(other).status()).as(other).isEqualTo(ProjectionStatus.LIVE);
            }
            assertThat(projections.status("audit").lagEvents()).as("the audit is still stopped").isEqualTo(6);
        } finally {
            audit.start();
        }
        awaitCaughtUp();
        assertThat(projections.status("audit").status()).isEqualTo(ProjectionStatus.LIVE);
    }

    @Test
    void anEventDeliveredTwiceChangesNoRowOfAnyView() {
        tenant("p4");
        long first = head();
        publishOf("Session", "ses_p4", sessionStarted("p4", "ses_p4", "usr_p4", "cli", T0));
        publishOf("Session", "ses_p4", sessionExtended("p4", "ses_p4", "usr_p4", "cli", T0.plusSeconds(60)));
        publishOf("RefreshTokenFamily", "rtf_p4", familyStarted("p4", "rtf_p4", "usr_p4", "cli", "ses_p4", T0));
        publishOf("RefreshTokenFamily", "rtf_p4", rotated("p4", "rtf_p4", "usr_p4", "cli", 2, T0.plusSeconds(60)));
        publish(userToken("p4", "jti-p4", "cli", "usr_p4", "ses_p4", "rtf_p4", T0.plusSeconds(60)),
                tokenRevoked("p4", "jti-p4", "cli", "usr_p4", T0.plusSeconds(660), T0.plusSeconds(70)));
        publishOf("RefreshTokenFamily", "rtf_p4", familyRevoked("p4", "rtf_p4", "usr_p4", "ses_p4", T0.plusSeconds(80), null));
        publishOf("User", "usr_p4", userTokensRevoked("p4", "usr_p4", T0.plusSeconds(90)));
        awaitCaughtUp();
        Map<String, List<String>> before = snapshot();
        assertThat(before.get("audit_event")).hasSizeGreaterThanOrEqualTo(9);
        assertThat(before.get("revocation_log")).isNotEmpty();

        List<String> ids = jdbc.queryForList("SELECT event_identifier FROM domain_event_entry WHERE global_index >= ?",
                String.class, first + 1);
        assertThat(counters).hasSize(3);
        for (DeliveryCounter c : counters) {
            ids.forEach(id -> assertThat(c.deliveries.get(id)).as("delivered once so far").isEqualTo(1));
        }

        redeliverFrom(first);
        awaitCaughtUp();

        for (DeliveryCounter c : counters) {
            ids.forEach(id -> assertThat(c.deliveries.get(id)).as("delivered a second time").isEqualTo(2));
        }

        assertThat(snapshot()).isEqualTo(before);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE tenant_id = 'p4'", Integer.class))
                .isEqualTo(9);
        assertThat(jdbc.queryForObject("SELECT generation FROM refresh_family_view WHERE tenant_id = 'p4'", Integer.class))
                .isEqualTo(2);
    }

    static Instant instant(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }

    private Map<String, List<String>> snapshot() {
        return Map.of("audit_event", rows("audit_event", "tenant_id, position"),
                "session_view", rows("session_view", "tenant_id, session_id"),
                "refresh_family_view", rows("refresh_family_view", "tenant_id, family_id"),
                "revocation_log", rows("revocation_log", "tenant_id, position, ordinal"),
                "revoked_access_token", rows("revoked_access_token", "tenant_id, jti"),
                "revoked_refresh_family", rows("revoked_refresh_family", "tenant_id, family_id"),
                "revoked_session", rows("revoked_session", "tenant_id, session_id"),
                "subject_not_before", rows("subject_not_before", "tenant_id, subject"));
    }
}
