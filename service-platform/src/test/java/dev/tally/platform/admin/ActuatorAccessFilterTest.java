package dev.tally.platform.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Who reaches which actuator endpoint, path by path (the HTTP round trips are in the standalone MetricsEndToEndTest). */
class ActuatorAccessFilterTest {
    static final String TOKEN = "the-administrators-token";
    static final AdminToken ADMIN = AdminToken.of(TOKEN);

    /** The status the filter answers, or 0 when it let the request through. */
    static int call(ActuatorAccessFilter filter, String path, String authorization) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return chain.getRequest() != null ? 0 : response.getStatus();
    }

    @Test
    void healthAndItsProbesAreOpenEverythingElseWantsTheAdministratorsToken() throws Exception {
        ActuatorAccessFilter filter = new ActuatorAccessFilter(ADMIN, "/actuator", false);
        assertThat(call(filter, "/actuator/health", null)).isZero();
        assertThat(call(filter, "/actuator/health/liveness", null)).isZero();
        assertThat(call(filter, "/actuator/health/readiness", null)).isZero();
        assertThat(call(filter, "/actuator/prometheus", null)).isEqualTo(401);
        assertThat(call(filter, "/actuator/metrics", null)).isEqualTo(401);
        assertThat(call(filter, "/actuator", null)).isEqualTo(401);
        assertThat(call(filter, "/actuator/healthy", null)).as("a prefix is not health").isEqualTo(401);
        assertThat(call(filter, "/actuator/prometheus", "Bearer wrong-token-of-some-length")).isEqualTo(401);
        assertThat(call(filter, "/actuator/prometheus", "Basic " + TOKEN)).isEqualTo(401);
        assertThat(call(filter, "/actuator/prometheus", "Bearer " + TOKEN)).isZero();
        assertThat(call(filter, "/actuator/env", "bearer " + TOKEN)).isZero();
    }

    @Test
    void prometheusPublicOpensPrometheusOnlyUnderAnotherBasePathToo() throws Exception {
        ActuatorAccessFilter filter = new ActuatorAccessFilter(ADMIN, "/manage/", true);
        assertThat(call(filter, "/manage/prometheus", null)).isZero();
        assertThat(call(filter, "/manage/health", null)).isZero();
        assertThat(call(filter, "/manage/metrics", null)).isEqualTo(401);
        assertThat(call(filter, "/manage/prometheus/extra", null)).isEqualTo(401);
    }

    @Test
    void theRefusalIsAProblemWithABearerChallengeThatNamesNoSecret() throws Exception {
        ActuatorAccessFilter filter = new ActuatorAccessFilter(ADMIN, "/actuator", false);
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/prometheus");
        request.setServletPath("/actuator/prometheus");
        request.addHeader("Authorization", "Bearer nearly-" + TOKEN);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer").contains("invalid_token");
        assertThat(response.getContentAsString()).contains("\"status\":401").doesNotContain(TOKEN);
    }
}
