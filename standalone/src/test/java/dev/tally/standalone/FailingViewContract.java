package dev.tally.standalone;

import static dev.tally.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.standalone.OfflineTenant.Login;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A view that cannot apply an event says so at once, everywhere an operator or an orchestrator looks, and recovers by
 * itself when the cause is gone. The cause here is a constraint the test adds to the revocation list's table that
 * refuses one family's entry: the revocations view keeps failing on that event (retrying with Axon's growing pause)
 * until the constraint is dropped.
 */
abstract class FailingViewContract {
    static final String ADMIN = "failing-view-admin-token";
    static final Duration WAIT = Duration.ofSeconds(45);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    TestHttp http() {
        return new TestHttp("http://localhost:" + port, ADMIN);
    }

    @Test
    void aViewThatCannotApplyAnEventIsFailingEverywhereUntilTheCauseIsGoneThenCatchesUpByItself() {
        OfflineTenant t = OfflineTenant.create(http(), "failing");
        Login refused = t.login();
        Login fine = t.login();
        await("live", WAIT, () -> projection("revocations").get("status").asString().equals("live"));
        assertThat(http().get("/actuator/health").status()).isEqualTo(200);
        assertThat(failingGauge("revocations")).isZero();

        jdbc.execute("ALTER TABLE revocation_log ADD CONSTRAINT test_refuses_one CHECK (ref_id <> '"
                + refused.familyId() + "')");
        try {
            assertThat(t.revoke(refused.refresh()).status()).isEqualTo(200);
            assertThat(t.revoke(fine.refresh()).status()).isEqualTo(200);
            long stuckAt = jdbc.queryForObject("SELECT global_index FROM domain_event_entry WHERE aggregate_identifier = ? "
                    + "AND payload_type LIKE '%RefreshTokenFamilyRevoked'", Long.class, refused.familyId());

            await("the revocations view reports failing", WAIT,
                    () -> projection("revocations").get("status").asString().equals("failing"));
            JsonNode status = projection("revocations");
            JsonNode failure = status.get("failure");
            assertThat(failure.get("error").asString()).as(status.toString()).isNotBlank();
            assertThat(failure.get("message").asString()).containsIgnoringCase("test_refuses_one");
            assertThat(failure.get("position").asLong()).as("the first event of the batch that failed").isEqualTo(stuckAt);
            assertThat(failure.get("attempts").asLong()).isPositive();
            assertThat(failure.get("since").asString()).isNotBlank();
            assertThat(status.get("position").asLong()).isLessThan(stuckAt);
            assertThat(status.get("lag_events").asLong()).isPositive();
            // the other views go on
            assertThat(projection("audit").get("status").asString()).isIn("live", "replaying");

            Response list = http().admin("GET", "/t/" + t.tenant() + "/revocations", null);
            assertThat(list.header("Tally-Projection-Status")).isEqualTo("failing");
            assertThat(list.json().get("projection_status").asString()).isEqualTo("failing");
            assertThat(LateCommitContract.families(list.json())).doesNotContain(refused.familyId(), fine.familyId());
            Response health = http().get("/actuator/health");
            assertThat(health.status()).as("an orchestrator sees it").isEqualTo(503);
            assertThat(health.json().get("status").asString()).isEqualTo("DOWN");
            assertThat(failingGauge("revocations")).isEqualTo(1.0);
            // the token service's own view is not affected
            assertThat(t.active(refused.access())).isFalse();
        } finally {
            jdbc.execute("ALTER TABLE revocation_log DROP CONSTRAINT test_refuses_one");
        }

        await("the view recovers by itself once the cause is gone", WAIT, () -> {
            JsonNode s = projection("revocations");
            return s.get("status").asString().equals("live") && s.get("lag_events").asLong() == 0;
        });
        assertThat(projection("revocations").has("failure")).isFalse();
        Response list = http().admin("GET", "/t/" + t.tenant() + "/revocations", null);
        assertThat(list.header("Tally-Projection-Status")).isEqualTo("live");
        assertThat(LateCommitContract.families(list.json())).containsExactly(refused.familyId(), fine.familyId());
        assertThat(http().get("/actuator/health").status()).isEqualTo(200);
        assertThat(failingGauge("revocations")).isZero();
    }

    JsonNode projection(String name) {
        Response r = http().admin("GET", "/admin/projections/" + name, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    double failingGauge(String name) {
        Response r = http().admin("GET", "/actuator/metrics/tally.projection.failing?tag=name:" + name, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("measurements").get(0).get("value").asDouble();
    }
}
