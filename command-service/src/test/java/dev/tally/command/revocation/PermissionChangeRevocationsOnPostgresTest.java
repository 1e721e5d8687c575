package dev.tally.command.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.command.CommandServiceTestApplication;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionCommands;
import dev.tally.kernel.session.SessionCommands.StartSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.kernel.tenant.TenantEvents.TenantPermissionChangePolicyChanged;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.AccessTokenRevoked;
import dev.tally.kernel.user.PermissionChangePolicy;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import dev.tally.testsupport.MutableClock;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.beans.factory.annotation.Qualifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a change of a user's roles or permissions revokes, through the management API on real PostgreSQL: the
 * tenant's {@code on_permission_change} decides, the revocations are committed in the very transaction of the change
 * (their rows carry the same PostgreSQL transaction id), name the change's id as their cause, and if one of them fails
 * nothing of the change is recorded. Deleting a user revokes their sessions and families the same way.
 */
@SpringBootTest(classes = CommandServiceTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(PermissionChangeRevocationsOnPostgresTest.Time.class)
class PermissionChangeRevocationsOnPostgresTest {
    static final String ADMIN = "revocations-admin-token";
    static final String MASTER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_revocations");
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> MASTER_KEY);
        registry.add("tally.refresh.sweep-interval", () -> "PT1H");
        registry.add("tally.session.sweep-interval", () -> "PT1H");
    }

    @TestConfiguration
    static class Time {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;

    @BeforeAll
    static void databaseIsPostgres() {
        assertThat(DB.jdbcUrl()).startsWith("jdbc:postgresql:");
    }

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    @Test
    void underTheDefaultPolicyAPermissionChangeRevokesTheUsersFamiliesInItsOwnTransactionNamingTheChange() {
        String tenant = tenant("pc-default", null);
        assertThat(http().admin("GET", "/admin/tenants/" + tenant, null).text("on_permission_change"))
                .isEqualTo("revoke_refresh_tokens");
        String alice = user(tenant, "alice");
        String bob = user(tenant, "bob");
        String session = startSession(tenant, alice);
        String family1 = startFamily(tenant, alice, session);
        String family2 = startFamily(tenant, alice, null);
        String ended = startFamily(tenant, alice, session);
        commands.sendAndWait(new RevokeRefreshTokenFamily(ended, tenant, FamilyEndReason.LOGOUT));
        String bobsFamily = startFamily(tenant, bob, null);
        CLOCK.advance(Duration.ofMinutes(5));

        Response changed = http().admin("PATCH", "/admin/tenants/" + tenant + "/users/" + alice,
                Map.of("roles", List.of("viewer")));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

        UserPermissionsChanged change = last(alice, UserPermissionsChanged.class);
        assertThat(change.onPermissionChange()).isEqualTo(PermissionChangePolicy.REVOKE_REFRESH_TOKENS);
        assertThat(change.changeId()).startsWith("pc_");
        RevocationCause cause = RevocationCause.permissionChange(change.changeId());
        for (String family : List.of(family1, family2)) {
            assertThat(last(family)).isEqualTo(new RefreshTokenFamilyRevoked(family, tenant, alice,
                    family.equals(family1) ? session : null, FamilyEndReason.PERMISSION_CHANGE, CLOCK.instant(), cause));
            assertThat(catalogEndReason("refresh_family_catalog", "family_id", tenant, family)).isEqualTo("permission_change");
        }
        assertThat(last(ended)).isInstanceOf(RefreshTokenFamilyRevoked.class)
                .extracting(e -> ((RefreshTokenFamilyRevoked) e).reason()).isEqualTo(FamilyEndReason.LOGOUT);
        assertThat(last(bobsFamily)).as("another user's family").isInstanceOf(RefreshTokenFamilyStarted.class);
        assertThat(last(session)).as("the session lives on under this policy").isInstanceOf(SessionStarted.class);
        assertThat(eventsOf(alice)).noneMatch(UserTokensRevoked.class::isInstance);

        // One transaction: the change, both revocations and their catalog rows were written by the same PostgreSQL
        // transaction (same xmin).
        Set<String> transactions = new HashSet<>();
        transactions.add(lastEventTransaction(alice));
        transactions.add(lastEventTransaction(family1));
        transactions.add(lastEventTransaction(family2));
        transactions.add(jdbc.queryForObject("SELECT xmin::text FROM refresh_family_catalog WHERE tenant_id = ? AND family_id = ?",
                String.class, tenant, family1));
        assertThat(transactions).hasSize(1);
    }

    @Test
    void underRevokeAllAPermissionChangeAlsoRevokesTheSessionsAndRecordsTheUsersNotBefore() {
        String tenant = tenant("pc-all", "revoke_all");
        assertThat(http().admin("GET", "/admin/tenants/" + tenant, null).text("on_permission_change")).isEqualTo("revoke_all");
        String alice = user(tenant, "alice");
        String session1 = startSession(tenant, alice);
        String session2 = startSession(tenant, alice);
        String family = startFamily(tenant, alice, session1);
        CLOCK.advance(Duration.ofMinutes(5));
        Instant changedAt = CLOCK.instant();

        Response changed = http().admin("PATCH", "/admin/tenants/" + tenant + "/users/" + alice,
                Map.of("permissions", List.of("read:orders")));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

        UserPermissionsChanged change = last(alice, UserPermissionsChanged.class);
        assertThat(change.onPermissionChange()).isEqualTo(PermissionChangePolicy.REVOKE_ALL);
        RevocationCause cause = RevocationCause.permissionChange(change.changeId());
        assertThat(last(alice)).isEqualTo(new UserTokensRevoked(alice, tenant, changedAt, cause));
        assertThat(last(family)).isEqualTo(new RefreshTokenFamilyRevoked(family, tenant, alice, session1,
                FamilyEndReason.PERMISSION_CHANGE, changedAt, cause));
        for (String session : List.of(session1, session2)) {
            assertThat(last(session)).isEqualTo(new SessionRevoked(session, tenant, alice, SessionEndReason.PERMISSION_CHANGE,
                    changedAt, cause));
            assertThat(catalogEndReason("session_catalog", "session_id", tenant, session)).isEqualTo("permission_change");
        }
        assertThat(sameSet(lastEventTransaction(alice), lastEventTransaction(family), lastEventTransaction(session1),
                lastEventTransaction(session2))).hasSize(1);
        assertThat(http().admin("GET", "/admin/tenants/" + tenant + "/users/" + alice + "/sessions", null).json().size())
                .isZero();
    }

    @Test
    void underNoneAPermissionChangeRevokesNothing() {
        String tenant = tenant("pc-none", null);
        Response patched = http().admin("PATCH", "/admin/tenants/" + tenant, Map.of("on_permission_change", "none"));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.text("on_permission_change")).isEqualTo("none");
        String alice = user(tenant, "alice");
        String session = startSession(tenant, alice);
        String family = startFamily(tenant, alice, session);

        Response changed = http().admin("PATCH", "/admin/tenants/" + tenant + "/users/" + alice,
                Map.of("roles", List.of("viewer")));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

        assertThat(last(alice, UserPermissionsChanged.class).onPermissionChange()).isEqualTo(PermissionChangePolicy.NONE);
        assertThat(last(alice)).isInstanceOf(UserPermissionsChanged.class);
        assertThat(last(family)).isInstanceOf(RefreshTokenFamilyStarted.class);
        assertThat(last(session)).isInstanceOf(SessionStarted.class);
    }

    @Test
    void aChangeThatChangesNothingRevokesNothing() {
        String tenant = tenant("pc-same", "revoke_all");
        String alice = user(tenant, "alice");
        String family = startFamily(tenant, alice, null);
        int before = eventsOf(alice).size();

        Response same = http().admin("PATCH", "/admin/tenants/" + tenant + "/users/" + alice,
                Map.of("roles", List.of("reader")));
        assertThat(same.status()).isEqualTo(200);
        assertThat(eventsOf(alice)).hasSize(before);
        assertThat(last(family)).isInstanceOf(RefreshTokenFamilyStarted.class);
    }

    /**
     * A revocation that fails (here: the catalog lists a family the store has never heard of) fails the change: the
     * user keeps their roles, and the families that could be revoked are not.
     */
    @Test
    void whenOneRevocationFailsNothingOfTheChangeIsRecorded() {
        String tenant = tenant("pc-atomic", null);
        String alice = user(tenant, "alice");
        String family = startFamily(tenant, alice, null);
        jdbc.update("INSERT INTO refresh_family_catalog (tenant_id, family_id, client_id, user_id, rotation, generation, "
                        + "started_at, expires_at, next_deadline) VALUES (?, ?, 'app', ?, 'rotate', 1, ?, ?, ?)",
                tenant, "rtf_neverstarted", alice, CLOCK.instant().atOffset(ZoneOffset.UTC),
                CLOCK.instant().plusSeconds(3600).atOffset(ZoneOffset.UTC), CLOCK.instant().plusSeconds(3600).atOffset(ZoneOffset.UTC));
        int before = eventsOf(alice).size();

        Response changed = http().admin("PATCH", "/admin/tenants/" + tenant + "/users/" + alice,
                Map.of("roles", List.of("viewer")));
        assertThat(changed.status()).as(changed.toString()).isGreaterThanOrEqualTo(400);
        assertThat(changed.header("Content-Type")).contains("application/problem+json");

        assertThat(eventsOf(alice)).hasSize(before);
        assertThat(last(family)).isInstanceOf(RefreshTokenFamilyStarted.class);
        assertThat(catalogEndReason("refresh_family_catalog", "family_id", tenant, family)).isNull();
        assertThat(http().admin("GET", "/admin/tenants/" + tenant + "/users/" + alice, null).json().get("roles").get(0)
                .asString()).isEqualTo("reader");
    }

    @Test
    void deletingAUserRevokesTheirSessionsAndFamiliesNamingTheUser() {
        String tenant = tenant("pc-delete", "none");
        String alice = user(tenant, "alice");
        String session = startSession(tenant, alice);
        String family = startFamily(tenant, alice, session);
        CLOCK.advance(Duration.ofMinutes(1));

        Response deleted = http().admin("DELETE", "/admin/tenants/" + tenant + "/users/" + alice, null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);

        RevocationCause cause = new RevocationCause(RevocationCause.USER_DELETED, alice);
        assertThat(last(alice)).isInstanceOf(UserDeleted.class);
        assertThat(last(family)).isEqualTo(new RefreshTokenFamilyRevoked(family, tenant, alice, session,
                FamilyEndReason.ADMINISTRATOR, CLOCK.instant(), cause));
        assertThat(last(session)).isEqualTo(new SessionRevoked(session, tenant, alice, SessionEndReason.ADMINISTRATOR,
                CLOCK.instant(), cause));
        assertThat(sameSet(lastEventTransaction(alice), lastEventTransaction(family), lastEventTransaction(session))).hasSize(1);
    }

    /**
     * Ending a session revokes the families started in it, with the session's reason and cause, in the session's own
     * transaction; families of another session or of none live on.
     */
    @Test
    void endingASessionRevokesTheFamiliesStartedInItInItsTransactionAndNoOthers() {
        String tenant = tenant("session-end", null);
        String alice = user(tenant, "alice");
        String session = startSession(tenant, alice);
        String otherSession = startSession(tenant, alice);
        String first = startFamily(tenant, alice, session);
        String second = startFamily(tenant, alice, session);
        String ofOtherSession = startFamily(tenant, alice, otherSession);
        String ofNoSession = startFamily(tenant, alice, null);
        CLOCK.advance(Duration.ofMinutes(1));
        RevocationCause cause = new RevocationCause(RevocationCause.LOGOUT, session);

        commands.sendAndWait(new SessionCommands.RevokeSession(session, tenant, SessionEndReason.LOGOUT, cause));

        for (String family : List.of(first, second)) {
            assertThat(last(family)).isEqualTo(new RefreshTokenFamilyRevoked(family, tenant, alice, session,
                    FamilyEndReason.LOGOUT, CLOCK.instant(), cause));
            assertThat(catalogEndReason("refresh_family_catalog", "family_id", tenant, family)).isEqualTo("logout");
        }
        assertThat(last(ofOtherSession)).as("another session's family").isInstanceOf(RefreshTokenFamilyStarted.class);
        assertThat(last(ofNoSession)).as("a family of no session").isInstanceOf(RefreshTokenFamilyStarted.class);
        assertThat(sameSet(lastEventTransaction(session), lastEventTransaction(first), lastEventTransaction(second)))
                .as("one transaction").hasSize(1);

        // Ended again: the families are already ended and nothing more is recorded.
        int before = eventsOf(first).size();
        commands.sendAndWait(new SessionCommands.RevokeSession(session, tenant, SessionEndReason.ADMINISTRATOR));
        assertThat(eventsOf(first)).hasSize(before);
    }

    @Test
    void theAdministratorRevokesOneFamilyOfTheTenantAndNoOtherTenantsFamily() {
        String tenant = tenant("fam-admin", null);
        String other = tenant("fam-other", null);
        String alice = user(tenant, "alice");
        String family = startFamily(tenant, alice, null);
        String untouched = startFamily(tenant, alice, null);

        assertThat(http().admin("DELETE", "/admin/tenants/" + other + "/refresh-token-families/" + family, null).status())
                .isEqualTo(404);
        assertThat(http().admin("DELETE", "/admin/tenants/" + tenant + "/refresh-token-families/rtf_nosuchfamily", null)
                .status()).isEqualTo(404);
        assertThat(http().admin("DELETE", "/admin/tenants/nope/refresh-token-families/" + family, null).status())
                .isEqualTo(404);
        assertThat(http().adminWithoutToken("DELETE", "/admin/tenants/" + tenant + "/refresh-token-families/" + family, null)
                .status()).isEqualTo(401);
        assertThat(last(family)).isInstanceOf(RefreshTokenFamilyStarted.class);

        Response revoked = http().admin("DELETE", "/admin/tenants/" + tenant + "/refresh-token-families/" + family, null);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);
        assertThat(last(family)).isEqualTo(new RefreshTokenFamilyRevoked(family, tenant, alice, null,
                FamilyEndReason.ADMINISTRATOR, CLOCK.instant(), new RevocationCause(RevocationCause.ADMINISTRATOR, null)));
        assertThat(last(untouched)).isInstanceOf(RefreshTokenFamilyStarted.class);
        int events = eventsOf(family).size();
        assertThat(http().admin("DELETE", "/admin/tenants/" + tenant + "/refresh-token-families/" + family, null).status())
                .as("again: nothing more is recorded").isEqualTo(204);
        assertThat(eventsOf(family)).hasSize(events);
    }

    @Test
    void onPermissionChangeMustBeOneOfTheThreeValues() {
        Response badCreate = http().admin("POST", "/admin/tenants", Map.of("id", "pc-bad", "name", "pc-bad",
                "on_permission_change", "revoke_everything"));
        assertThat(badCreate.status()).isEqualTo(400);
        assertThat(badCreate.text("field")).isEqualTo("on_permission_change");
        assertThat(http().admin("GET", "/admin/tenants/pc-bad", null).status()).as("nothing was created").isEqualTo(404);

        String tenant = tenant("pc-patch", null);
        Response badPatch = http().admin("PATCH", "/admin/tenants/" + tenant, Map.of("name", "Renamed",
                "on_permission_change", "REVOKE_ALL"));
        assertThat(badPatch.status()).isEqualTo(400);
        assertThat(badPatch.text("field")).isEqualTo("on_permission_change");
        Response unchanged = http().admin("GET", "/admin/tenants/" + tenant, null);
        assertThat(unchanged.text("name")).as("nothing was changed").isEqualTo(tenant);
        assertThat(unchanged.text("on_permission_change")).isEqualTo("revoke_refresh_tokens");

        Response same = http().admin("PATCH", "/admin/tenants/" + tenant, Map.of("on_permission_change", "revoke_refresh_tokens"));
        assertThat(same.status()).isEqualTo(200);
        assertThat(eventsOf("tenant:" + tenant)).noneMatch(e -> e.getClass().getSimpleName()
                .equals("TenantPermissionChangePolicyChanged"));
    }

    @Test
    void theRevocationEventsRoundTripThroughTheConfiguredSerializerAndRevisionOneEventsStillRead() {
        Instant t = Instant.parse("2026-11-22T10:15:30.123456Z");
        RevocationCause cause = RevocationCause.permissionChange("pc_1");
        List<Object> samples = List.of(
                new UserPermissionsChanged("usr_1", "acme", List.of("a"), List.of(), List.of(), List.of("p"), t, "pc_1",
                        PermissionChangePolicy.REVOKE_ALL),
                new UserTokensRevoked("usr_1", "acme", t, cause),
                new TenantPermissionChangePolicyChanged("acme", PermissionChangePolicy.NONE),
                new RefreshTokenFamilyRevoked("rtf_1", "acme", "usr_1", null, FamilyEndReason.PERMISSION_CHANGE, t, cause),
                new SessionRevoked("ses_1", "acme", "usr_1", SessionEndReason.ADMINISTRATOR, t,
                        new RevocationCause(RevocationCause.ADMINISTRATOR, null)),
                new AccessTokenRevoked("acme", "jti", "app", "usr_1", t.plusSeconds(60), t, RevocationCause.clientRequest("app")),
                new AccessTokenIssued("acme", "jti", "app", "usr_1", "https://api", "openid", "refresh_token", t,
                        t.plusSeconds(60), 60, "api", List.of(), null, "rtf_1"));
        for (Object event : samples) {
            SerializedObject<byte[]> serialized = eventSerializer.serialize(event, byte[].class);
            assertThat((Object) eventSerializer.deserialize(serialized)).as(event.getClass().getSimpleName()).isEqualTo(event);
        }
        // Stored before causes existed: revision 1, no cause field. It reads as a revocation without a cause.
        String revisionOne = "{\"familyId\":\"rtf_1\",\"tenantId\":\"acme\",\"userId\":\"usr_1\",\"sessionId\":null,"
                + "\"reason\":\"REUSE\",\"at\":\"2026-11-22T10:15:30.123456Z\"}";
        Object old = eventSerializer.deserialize(new SimpleSerializedObject<>(revisionOne.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                byte[].class, RefreshTokenFamilyRevoked.class.getName(), "1"));
        assertThat(old).isEqualTo(new RefreshTokenFamilyRevoked("rtf_1", "acme", "usr_1", null, FamilyEndReason.REUSE, t));
    }

    // --- helpers

    private String tenant(String id, String onPermissionChange) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("id", id, "name", id));
        if (onPermissionChange != null) {
            body.put("on_permission_change", onPermissionChange);
        }
        Response created = http().admin("POST", "/admin/tenants", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.text("on_permission_change"))
                .isEqualTo(onPermissionChange == null ? "revoke_refresh_tokens" : onPermissionChange);
        return id;
    }

    private String user(String tenant, String username) {
        Response created = http().admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", username,
                "password", "correct horse battery staple", "roles", List.of("reader")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.text("user_id");
    }

    private String startSession(String tenant, String userId) {
        String sessionId = SessionCommands.newSessionId();
        commands.sendAndWait(new StartSession(sessionId, tenant, userId, "app", SecretHash.of(sessionId + "-cookie"),
                3600, 86400));
        return sessionId;
    }

    private String startFamily(String tenant, String userId, String sessionId) {
        String familyId = RefreshTokens.newFamilyId();
        commands.sendAndWait(new StartRefreshTokenFamily(familyId, tenant, "app", userId, sessionId,
                SecretHash.of(RefreshTokens.newToken(familyId)), "offline_access", "https://api.test", RotationMode.ROTATE,
                86400, 3600, 0));
        return familyId;
    }

    private List<Object> eventsOf(String aggregateId) {
        List<Object> payloads = new ArrayList<>();
        eventStore.readEvents(aggregateId).asStream().map(DomainEventMessage::getPayload).forEach(payloads::add);
        return payloads;
    }

    private Object last(String aggregateId) {
        List<Object> events = eventsOf(aggregateId);
        return events.get(events.size() - 1);
    }

    private <T> T last(String aggregateId, Class<T> type) {
        List<Object> events = eventsOf(aggregateId);
        for (int i = events.size() - 1; i >= 0; i--) {
            if (type.isInstance(events.get(i))) {
                return type.cast(events.get(i));
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the history of " + aggregateId);
    }

    private static Set<String> sameSet(String... values) {
        return new HashSet<>(List.of(values));
    }

    /** The PostgreSQL transaction that appended the aggregate's last event. */
    private String lastEventTransaction(String aggregateId) {
        return jdbc.queryForObject("SELECT xmin::text FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "ORDER BY sequence_number DESC LIMIT 1", String.class, aggregateId);
    }

    private String catalogEndReason(String table, String idColumn, String tenant, String id) {
        return jdbc.queryForObject("SELECT end_reason FROM " + table + " WHERE tenant_id = ? AND " + idColumn + " = ?",
                String.class, tenant, id);
    }
}
