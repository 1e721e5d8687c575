package dev.tally.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestLogFilterTest {

    @Test
    void tenantIsReadFromTheOAuthAndTheManagementPaths() {
        assertThat(RequestLogFilter.tenant("/t/acme/oauth/token")).isEqualTo("acme");
        assertThat(RequestLogFilter.tenant("/t/acme")).isEqualTo("acme");
        assertThat(RequestLogFilter.tenant("/admin/tenants/acme/clients")).isEqualTo("acme");
        assertThat(RequestLogFilter.tenant("/admin/tenants/acme")).isEqualTo("acme");
    }

    @Test
    void pathsThatNameNoTenantOrAnOddOneLeaveItOut() {
        assertThat(RequestLogFilter.tenant("/admin/tenants")).isNull();
        assertThat(RequestLogFilter.tenant("/actuator/health")).isNull();
        assertThat(RequestLogFilter.tenant("/t//oauth/token")).isNull();
        assertThat(RequestLogFilter.tenant("/t/%22%0A%7B/oauth/token")).isNull();
        assertThat(RequestLogFilter.tenant("/t/" + "a".repeat(129) + "/jwks")).isNull();
        assertThat(RequestLogFilter.tenant(null)).isNull();
    }

    @Test
    void onlyIdentifiersAreAdmitted() {
        assertThat(RequestLogContext.identifier("0f3c-9a1e.b:2_x")).isTrue();
        assertThat(RequestLogContext.identifier("has space")).isFalse();
        assertThat(RequestLogContext.identifier("line\nbreak")).isFalse();
        assertThat(RequestLogContext.identifier("-starts-with-dash")).isFalse();
        assertThat(RequestLogContext.identifier("")).isFalse();
        assertThat(RequestLogContext.identifier(null)).isFalse();
    }
}
