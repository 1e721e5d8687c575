package dev.tally.query;

import static dev.tally.query.Fixtures.clientToken;
import static dev.tally.query.Fixtures.codeReused;
import static dev.tally.query.Fixtures.familyRevoked;
import static dev.tally.query.Fixtures.familyStarted;
import static dev.tally.query.Fixtures.rotated;
import static dev.tally.query.Fixtures.sessionExtended;
import static dev.tally.query.Fixtures.sessionRevoked;
import static dev.tally.query.Fixtures.sessionStarted;
import static dev.tally.query.Fixtures.tokenRevoked;
import static dev.tally.query.Fixtures.userDeleted;
import static dev.tally.query.Fixtures.userToken;
import static dev.tally.query.Fixtures.userTokensRevoked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.query.projection.QueryProcessing;
import dev.tally.testsupport.PostgresTestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A replay rebuilds the audit, session and revocation views identically, and says it is replaying while it runs.
 * A gate in each processor holds the replay at its first event until the test has looked, so "replaying" is
 * observed deterministically.
 */
@SpringBootTest(classes = QueryServiceTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ReplayOnPostgresTest.Gates.class)
class ReplayOnPostgresTest extends QueryTestSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayOnPostgresTest.class);
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_query_replay");
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final CountDownLatch OPEN = new CountDownLatch(1);
    /** Set once the views are built: from then on the only events delivered are the replay's. */
    static volatile boolean armed;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("tally.admin-token", () -> ADMIN);
        registry.add("tally.master-key", () -> MASTER_KEY);
    }

    /** Holds a replaying processor at its first replayed event until the latch opens. */
    abstract static class Gate {
        @EventHandler
        void on(Object payload, TrackingToken token) throws InterruptedException {
            if (armed && !OPEN.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        }
    }

    @ProcessingGroup(QueryProcessing.AUDIT)
    static class AuditGate extends Gate {
    }

    @ProcessingGroup(QueryProcessing.REVOCATIONS)
    static class RevocationGate extends Gate {
    }

    @TestConfiguration
    static class Gates {
        @Bean
        AuditGate auditGate() {
            return new AuditGate();
        }

        @Bean
        RevocationGate revocationGate() {
            return new RevocationGate();
        }
    }

    @Test
    void aReplayRebuildsIdenticalViewsAndSaysItIsReplayingMeanwhile() {
        seed();
        awaitCaughtUp();
        String audit = sha256(rows("audit_event", "tenant_id, position"));
        String revocations = revocationChecksum();
        String states = sha256(rows("session_view", "tenant_id, session_id"))
                + sha256(rows("refresh_family_view", "tenant_id, family_id"));
        int auditRows = jdbc.queryForObject("SELECT COUNT(*) FROM audit_event", Integer.class);
        assertThat(auditRows).isGreaterThan(300);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM revocation_log", Integer.class)).isGreaterThan(50);

        armed = true;
        Answer started = post("/admin/projections/audit/replay");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        assertThat(started.json().get("status").asString()).isEqualTo("replaying");
        assertThat(post("/admin/projections/revocations/replay").status()).isEqualTo(202);
        long replayStarted = System.nanoTime();

        // held at the gate, right after the reset cleared the tables (in the transaction that reset the tokens)
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM revocation_log", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM revoked_access_token", Integer.class)).isZero();
        // and every answer says so
        assertThat(get("/admin/projections/audit").json().get("status").asString()).isEqualTo("replaying");
        assertThat(get("/admin/projections/revocations").json().get("status").asString()).isEqualTo("replaying");
        assertThat(get("/admin/projections/sessions").json().get("status").asString()).isEqualTo("live");
        Answer auditDuring = get("/admin/tenants/r1/audit");
        assertThat(auditDuring.header("Tally-Projection-Status")).isEqualTo("replaying");
        assertThat(auditDuring.json().get("projection_status").asString()).isEqualTo("replaying");
        Answer revocationsDuring = get("/t/r1/revocations");
        assertThat(revocationsDuring.header("Tally-Projection-Status")).isEqualTo("replaying");
        assertThat(revocationsDuring.json().get("projection_status").asString()).isEqualTo("replaying");
        assertThat(get("/admin/tenants/r1/sessions").header("Tally-Projection-Status")).isEqualTo("live");
        assertProblem(post("/admin/projections/audit/replay"), 409, null);

        OPEN.countDown();
        awaitCaughtUp();
        LOG.info("replayed {} audit rows (and the revocations) in {} ms", auditRows,
                (System.nanoTime() - replayStarted) / 1_000_000);

        assertThat(sha256(rows("audit_event", "tenant_id, position"))).isEqualTo(audit);
        assertThat(revocationChecksum()).isEqualTo(revocations);
        assertThat(get("/admin/projections/audit").json().get("status").asString()).isEqualTo("live");

        // the session views replay too (ungated), to the same rows
        assertThat(post("/admin/projections/sessions/replay").status()).isEqualTo(202);
        awaitCaughtUp();
        assertThat(sha256(rows("session_view", "tenant_id, session_id"))
                + sha256(rows("refresh_family_view", "tenant_id, family_id"))).isEqualTo(states);
    }

    private String revocationChecksum() {
        return sha256(rows("revocation_log", "tenant_id, position, ordinal"))
                + sha256(rows("revoked_access_token", "tenant_id, jti"))
                + sha256(rows("revoked_refresh_family", "tenant_id, family_id"))
                + sha256(rows("revoked_session", "tenant_id, session_id"))
                + sha256(rows("subject_not_before", "tenant_id, subject"));
    }

    /** A few hundred events of several kinds over two tenants. */
    private void seed() {
        for (String t : List.of("r1", "r2")) {
            tenant(t);
            List<Object> tokens = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                tokens.add(clientToken(t, t + "-cc-" + i, "cli", T0.plusSeconds(i)));
            }
            publish(tokens.toArray());
            for (int s = 0; s < 12; s++) {
                String user = t + "-usr-" + (s % 4);
                String session = "ses_" + t + "_" + s;
                String family = "rtf_" + t + "_" + s;
                Instant at = T0.plusSeconds(60L * s);
                publishOf("Session", session, sessionStarted(t, session, user, "spa", at));
                publishOf("RefreshTokenFamily", family, familyStarted(t, family, user, "spa", session, at));
                publish(userToken(t, family + "-at-1", "spa", user, session, family, at));
                publishOf("RefreshTokenFamily", family, rotated(t, family, user, "spa", 2, at.plusSeconds(30)));
                publish(userToken(t, family + "-at-2", "spa", user, session, family, at.plusSeconds(30)));
                publishOf("Session", session, sessionExtended(t, session, user, "spa", at.plusSeconds(40)));
                publish(tokenRevoked(t, family + "-at-1", "spa", user, at.plusSeconds(600), at.plusSeconds(45)));
                if (s % 2 == 0) {
                    publishOf("RefreshTokenFamily", family, familyRevoked(t, family, user, session, at.plusSeconds(50),
                            RevocationCause.permissionChange("chg-" + s)));
                    publishOf("Session", session, sessionRevoked(t, session, user, at.plusSeconds(50), null));
                }
                publishOf("AuthorizationCode", "code:" + t + s,
                        codeReused(t, "spa", user, List.of(family + "-c1", family + "-c2"), at.plusSeconds(55)));
            }
            for (int u = 0; u < 4; u++) {
                publishOf("User", t + "-usr-" + u, userTokensRevoked(t, t + "-usr-" + u, T0.plusSeconds(900)));
            }
            publishOf("User", t + "-usr-0", userDeleted(t, t + "-usr-0"));
        }
    }
}
