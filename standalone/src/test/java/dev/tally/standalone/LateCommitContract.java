package dev.tally.standalone;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.standalone.OfflineTenant.Login;
import dev.tally.testsupport.CommitGate;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * An event that commits after events with higher global indexes, made deterministic: a revocation's transaction is
 * held open ({@link CommitGate}) after its events took their indexes, while later events commit and are processed,
 * then it commits. Every view must hold the late event exactly once, no cursor taken before, during or after may
 * step over it, and the status must stay true throughout. Run on H2 and on PostgreSQL.
 */
abstract class LateCommitContract {
    static final String ADMIN = "late-commit-admin-token";
    static final List<String> QUERY_VIEWS = List.of("audit", "sessions", "revocations");
    static final Duration WAIT = Duration.ofSeconds(30);

    @TestConfiguration
    static class Gate {
        @Bean
        CommitGate commitGate(CommandBus commandBus) {
            CommitGate gate = new CommitGate();
            commandBus.registerHandlerInterceptor(gate);
            return gate;
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    CommitGate gate;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStorageEngine storage;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    @Test
    void aRevocationThatCommitsAfterLaterEventsIsInEveryViewOnceAndNoCursorStepsOverIt() throws Exception {
        OfflineTenant t = OfflineTenant.create(http(), "late");
        Login late = t.login();
        Login early = t.login();
        Login other = t.login();
        awaitViewsAtHead();
        String cursorBefore = revocations(t, null).get("next_cursor").asString(null);

        CommitGate.Held held = gate.hold(p -> p instanceof RevokeRefreshTokenFamily r
                && r.familyId().equals(late.familyId()));
        CompletableFuture<Response> lateRevocation = CompletableFuture.supplyAsync(() -> t.revoke(late.refresh()));
        assertThat(held.awaitAppended(WAIT)).as("the late revocation took its index and waits to commit").isTrue();
        String cursorDuring;
        try {
            // later events commit and are processed while the earlier index is still open
            assertThat(t.revoke(early.refresh()).status()).isEqualTo(200);
            Login afterwards = t.login();
            assertThat(afterwards.refresh()).isNotNull();
            await("the revocations view applied the later revocation", WAIT, () -> logRows(early.familyId()) == 1);
            await("the audit applied the later login", WAIT, () -> auditRows("AccessTokenIssued") >= 4);

            long early_ = revocationPosition(early.familyId());
            for (String view : QUERY_VIEWS) {
                JsonNode status = projection(view);
                assertThat(status.get("status").asString()).as(view + " while an earlier index is open: " + status)
                        .isEqualTo("live");
            }
            JsonNode revocationsStatus = projection("revocations");
            assertThat(revocationsStatus.get("position").asLong())
                    .as("complete only below the open index, so not up to the later revocation")
                    .isLessThan(early_);
            // the later revocation is applied but not listed: nothing may be listed past an index that is still open
            JsonNode during = revocations(t, cursorBefore);
            assertThat(families(during)).doesNotContain(early.familyId(), late.familyId());
            cursorDuring = during.get("next_cursor").asString(null);
            assertThat(auditIds(t)).as("the audit lists nothing above the open index")
                    .doesNotContainAnyElementsOf(eventIds("RefreshTokenFamilyRevoked", early.familyId()));
            // the token service applies each event as its transaction commits: the later one counts, the held one not yet
            assertThat(t.active(early.refresh())).isFalse();
            // (its access token: the refresh token's family is locked by the held command until it commits)
            assertThat(t.active(late.access())).as("not revoked before its transaction commits").isTrue();
        } finally {
            held.release();
        }
        assertThat(lateRevocation.get().status()).isEqualTo(200);

        long lateIndex = single(eventIndexes("RefreshTokenFamilyRevoked", late.familyId()));
        long earlyIndex = single(eventIndexes("RefreshTokenFamilyRevoked", early.familyId()));
        assertThat(lateIndex).as("the late revocation's index is below the one that committed first")
                .isLessThan(earlyIndex);

        awaitViewsAtHead();
        for (String view : QUERY_VIEWS) {
            assertThat(projection(view).get("status").asString()).isEqualTo("live");
        }
        // each cursor, taken before, during and after, reads the late revocation (once) or has it behind it
        List<String> fromBefore = allFamilies(t, cursorBefore);
        assertThat(fromBefore).containsExactly(late.familyId(), early.familyId());
        assertThat(allFamilies(t, cursorDuring)).containsExactly(late.familyId(), early.familyId());
        String cursorAfter = revocations(t, cursorBefore).get("next_cursor").asString();
        assertThat(allFamilies(t, cursorAfter)).isEmpty();
        assertThat(logRows(late.familyId())).isEqualTo(1);
        assertThat(logRows(early.familyId())).isEqualTo(1);
        assertThat(logRows(other.familyId())).isZero();

        // the audit: exactly one row per stored event of the tenant, the late one included once
        List<String> audit = auditIds(t);
        assertThat(audit).doesNotHaveDuplicates();
        assertThat(new HashSet<>(audit)).isEqualTo(storedEventIds(t.tenant()));
        assertThat(audit).containsAll(eventIds("RefreshTokenFamilyRevoked", late.familyId()));
        // the sessions view, and the token service's views
        Response family = http().admin("GET", "/admin/tenants/" + t.tenant() + "/refresh-token-families/"
                + late.familyId(), null);
        assertThat(family.status()).isEqualTo(200);
        assertThat(family.json().get("status").asString()).isEqualTo("revoked");
        assertThat(t.active(late.refresh())).isFalse();
        assertThat(t.active(late.access())).isFalse();
        assertThat(t.active(other.refresh())).isTrue();
        assertThat(projection("token-config").get("status").asString()).isEqualTo("live");
        assertThat(projection("token-revocations").get("status").asString()).isEqualTo("live");

        // a replay of each view from empty yields the same rows as the view built live
        Map<String, List<String>> live = viewRows();
        for (String view : QUERY_VIEWS) {
            Response replay = http().admin("POST", "/admin/projections/" + view + "/replay", null);
            assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
        }
        awaitViewsAtHead();
        assertThat(viewRows()).isEqualTo(live);
    }

    /**
     * A transaction that took an index and rolled back leaves a gap that is never filled: it must hold nothing back
     * once nothing that was open when it was first seen is open any more (not after a timeout).
     */
    @Test
    void aGapLeftByARolledBackTransactionHoldsNoViewBack() throws Exception {
        OfflineTenant t = OfflineTenant.create(http(), "rolled");
        Login lost = t.login();
        Login early = t.login();
        awaitViewsAtHead();
        CommitGate.Held held = gate.hold(p -> p instanceof RevokeRefreshTokenFamily r
                && r.familyId().equals(lost.familyId()));
        CompletableFuture<Response> rolledBack = CompletableFuture.supplyAsync(() -> t.revoke(lost.refresh()));
        assertThat(held.awaitAppended(WAIT)).isTrue();
        try {
            assertThat(t.revoke(early.refresh()).status()).isEqualTo(200);
            await("the revocations view applied the later revocation", WAIT, () -> logRows(early.familyId()) == 1);
            assertThat(families(revocations(t, null))).as("held back by the open index").doesNotContain(early.familyId());
        } finally {
            held.abort();
        }
        assertThat(rolledBack.get().status()).as("the revocation whose transaction rolled back").isEqualTo(503);
        assertThat(eventIds("RefreshTokenFamilyRevoked", lost.familyId())).isEmpty();

        await("the dead gap holds nothing back", Duration.ofSeconds(5),
                () -> families(revocations(t, null)).contains(early.familyId()));
        awaitViewsAtHead();
        assertThat(families(revocations(t, null))).containsExactly(early.familyId());
        assertThat(new HashSet<>(auditIds(t))).isEqualTo(storedEventIds(t.tenant()));
        assertThat(t.active(lost.refresh())).isTrue();
    }

    // --- the views over HTTP

    JsonNode projection(String name) {
        Response r = http().admin("GET", "/admin/projections/" + name, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    void awaitViewsAtHead() {
        await("the query views are live and complete up to the store's head", WAIT, () -> QUERY_VIEWS.stream()
                .map(this::projection)
                .allMatch(s -> s.get("status").asString().equals("live") && s.get("lag_events").asLong() == 0));
    }

    JsonNode revocations(OfflineTenant t, String since) {
        Response r = http().admin("GET", "/t/" + t.tenant() + "/revocations" + (since == null ? "" : "?since=" + since), null);
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

    /** Every family revoked after the cursor, paging with limit 1 so each step moves the cursor. */
    List<String> allFamilies(OfflineTenant t, String since) {
        List<String> ids = new ArrayList<>();
        String cursor = since;
        for (int page = 0; page < 100; page++) {
            Response r = http().admin("GET", "/t/" + t.tenant() + "/revocations?limit=1"
                    + (cursor == null ? "" : "&since=" + cursor), null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            ids.addAll(families(r.json()));
            if (!r.json().get("has_more").asBoolean()) {
                return ids;
            }
            cursor = r.json().get("next_cursor").asString();
        }
        throw new AssertionError("the revocation list did not end");
    }

    List<String> auditIds(OfflineTenant t) {
        Response r = http().admin("GET", "/admin/tenants/" + t.tenant() + "/audit?limit=1000", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("events").forEach(e -> ids.add(e.get("event_id").asString()));
        return ids;
    }

    // --- the store and the views' tables

    int logRows(String familyId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM revocation_log WHERE kind = 'family' AND ref_id = ?",
                Integer.class, familyId);
    }

    long revocationPosition(String familyId) {
        return jdbc.queryForObject("SELECT position FROM revocation_log WHERE kind = 'family' AND ref_id = ?",
                Long.class, familyId);
    }

    int auditRows(String type) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE type = ?", Integer.class, type);
    }

    List<Long> eventIndexes(String type, String aggregateId) {
        return jdbc.queryForList("SELECT global_index FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE ?", Long.class, aggregateId, "%$" + type);
    }

    List<String> eventIds(String type, String aggregateId) {
        return jdbc.queryForList("SELECT event_identifier FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE ?", String.class, aggregateId, "%$" + type);
    }

    static long single(List<Long> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    Set<String> storedEventIds(String tenant) {
        return StoredEvents.idsOfTenant(storage, tenant);
    }

    Map<String, List<String>> viewRows() {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        rows.put("audit_event", rows("audit_event", "tenant_id, position"));
        rows.put("session_view", rows("session_view", "tenant_id, session_id"));
        rows.put("refresh_family_view", rows("refresh_family_view", "tenant_id, family_id"));
        rows.put("revocation_log", rows("revocation_log", "tenant_id, position, ordinal"));
        rows.put("revoked_refresh_family", rows("revoked_refresh_family", "tenant_id, family_id"));
        rows.put("revoked_session", rows("revoked_session", "tenant_id, session_id"));
        rows.put("revoked_access_token", rows("revoked_access_token", "tenant_id, jti"));
        rows.put("subject_not_before", rows("subject_not_before", "tenant_id, subject"));
        return rows;
    }

    List<String> rows(String table, String orderBy) {
        return jdbc.query("SELECT * FROM " + table + " ORDER BY " + orderBy, (rs, i) -> {
            StringBuilder row = new StringBuilder();
            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                Object v = rs.getObject(c);
                row.append(rs.getMetaData().getColumnName(c).toLowerCase()).append('=')
                        .append(v instanceof java.time.OffsetDateTime time ? time.toInstant() : v).append('|');
            }
            return row.toString();
        });
    }
}
