package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import static dev.tally.kernel.lifetime.LifetimeFixtures.NOW_SECONDS;
import static dev.tally.kernel.lifetime.LifetimeFixtures.alice;
import static dev.tally.kernel.lifetime.LifetimeFixtures.authorizationCode;
import static dev.tally.kernel.lifetime.LifetimeFixtures.context;
import static dev.tally.kernel.lifetime.LifetimeFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.lifetime.trace.TraceStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionTimeoutTest {

    private static LifetimeDecisions decide(ClientProfile client) {
        return engine().decide(context(client, authorizationCode(true)).user(alice()).build());
    }

    @Test
    void sessionWhenClientHasNoOverrideThenTenantDefaults() {
        LifetimeDecisions decisions = decide(ClientProfile.builder("web", AppType.REGULAR_WEB).build());

        assertThat(decisions.sessionIdleTimeout().lifetimeSeconds()).isEqualTo(259_200);
        assertThat(decisions.sessionIdleTimeout().decidedBy()).isEqualTo("tenant.session_idle_timeout");
        assertThat(decisions.sessionIdleTimeout().trace()).containsExactly(
                TraceStep.set("tenant.session_idle_timeout", 259_200),
                TraceStep.clamp("tenant.session_absolute_timeout", 259_200, false));
        assertThat(decisions.sessionAbsoluteTimeout().lifetimeSeconds()).isEqualTo(2_592_000);
        assertThat(decisions.sessionAbsoluteTimeout().decidedBy()).isEqualTo("tenant.session_absolute_timeout");
        assertThat(decisions.sessionAbsoluteTimeout().expiresAt()).isEqualTo(NOW_SECONDS.plusSeconds(2_592_000));
    }

    @ParameterizedTest(name = "client idle {0}, absolute {1} -> idle {2} by {3}, absolute {4} by {5}")
    @CsvSource({
        // shorter idle only
        "3600,   0,      3600,   client.session_idle_timeout,     2592000, tenant.session_absolute_timeout",
        // a longer idle than the tenant's cannot lengthen it
        "500000, 0,      259200, tenant.session_idle_timeout,     2592000, tenant.session_absolute_timeout",
        // shorter absolute below the tenant idle also bounds the idle timeout
        "0,      7200,   7200,   client.session_absolute_timeout, 7200,    client.session_absolute_timeout",
        // a longer absolute than the tenant's cannot lengthen it
        "0,      9000000, 259200, tenant.session_idle_timeout,    2592000, tenant.session_absolute_timeout",
        // both shortened
        "600,    3600,   600,    client.session_idle_timeout,     3600,    client.session_absolute_timeout",
    })
    void sessionWhenClientOverridesThenOnlyShortens(long clientIdle, long clientAbsolute, long idle, String idleBy,
            long absolute, String absoluteBy) {
        ClientProfile.Builder client = ClientProfile.builder("web", AppType.REGULAR_WEB);
        if (clientIdle > 0) {
            client.sessionIdleTimeout(clientIdle);
        }
        if (clientAbsolute > 0) {
            client.sessionAbsoluteTimeout(clientAbsolute);
        }

        LifetimeDecisions decisions = decide(client.build());

        assertThat(decisions.sessionIdleTimeout().lifetimeSeconds()).isEqualTo(idle);
        assertThat(decisions.sessionIdleTimeout().decidedBy()).isEqualTo(idleBy);
        assertThat(decisions.sessionAbsoluteTimeout().lifetimeSeconds()).isEqualTo(absolute);
        assertThat(decisions.sessionAbsoluteTimeout().decidedBy()).isEqualTo(absoluteBy);
    }

    @Test
    void sessionWhenClientShortensIdleThenTraceShowsClampByClient() {
        LifetimeDecisions decisions = decide(ClientProfile.builder("web", AppType.REGULAR_WEB)
                .sessionIdleTimeout(3600).build());

        assertThat(decisions.sessionIdleTimeout().traceJson()).isEqualTo(
                "[{\"step\":\"tenant.session_idle_timeout\",\"value\":259200},"
                        + "{\"step\":\"client.session_idle_timeout\",\"value\":3600,\"clamped\":true},"
                        + "{\"step\":\"tenant.session_absolute_timeout\",\"value\":3600,\"clamped\":false}]");
    }
}
