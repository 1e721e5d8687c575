package dev.tally.platform.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** What a tenant's management token may reach, path by path (the HTTP round trips are in the standalone tests). */
class ManagementAuthenticationFilterTest {
    static final ManagementPrincipal ADMIN = ManagementPrincipal.tenantClient("acme", "c1", List.of("tenant:admin"));
    static final ManagementPrincipal READER = ManagementPrincipal.tenantClient("acme", "c1", List.of("tenant:read"));
    static final ManagementPrincipal REVOCATIONS = ManagementPrincipal.tenantClient("acme", "c1", List.of("revocations:read"));

    static List<String> path(String p) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", p);
        request.setServletPath(p);
        return ManagementAuthenticationFilter.segments(request);
    }

    static String refusal(ManagementPrincipal caller, String method, String p) {
        return ManagementAuthenticationFilter.refusal(caller, method, path(p));
    }

    @Test
    void tenantAdminMayDoEverythingInItsTenantButDeleteIt() {
        assertThat(refusal(ADMIN, "GET", "/admin/tenants/acme/users")).isNull();
        assertThat(refusal(ADMIN, "POST", "/admin/tenants/acme/users")).isNull();
        assertThat(refusal(ADMIN, "PATCH", "/admin/tenants/acme")).isNull();
        assertThat(refusal(ADMIN, "DELETE", "/admin/tenants/acme/users/usr_1")).isNull();
        assertThat(refusal(ADMIN, "DELETE", "/admin/tenants/acme")).contains("platform administrator");
        assertThat(refusal(ADMIN, "DELETE", "/admin/tenants/acme/")).as("a trailing slash is the same resource")
                .contains("platform administrator");
    }

    @Test
    void onlyThePlatformAdministratorPlacesOrLiftsALegalHold() {
        assertThat(refusal(ADMIN, "POST", "/admin/tenants/acme/legal-hold")).contains("legal hold");
        assertThat(refusal(ADMIN, "DELETE", "/admin/tenants/acme/legal-hold")).contains("legal hold");
        assertThat(refusal(ADMIN, "DELETE", "/admin/tenants/acme/legal-hold/")).as("a trailing slash is the same resource")
                .contains("legal hold");
    }

    @Test
    void noTenantTokenReachesAnotherTenantOrThePlatformsEndpoints() {
        assertThat(refusal(ADMIN, "GET", "/admin/tenants/globex/users")).contains("manages tenant 'acme' only");
        assertThat(refusal(ADMIN, "GET", "/admin/tenants/globex")).contains("manages tenant 'acme' only");
        assertThat(refusal(ADMIN, "GET", "/t/globex/revocations")).contains("manages tenant 'acme' only");
        assertThat(refusal(ADMIN, "GET", "/admin/tenants")).contains("only the platform administrator");
        assertThat(refusal(ADMIN, "POST", "/admin/tenants")).contains("only the platform administrator");
        assertThat(refusal(ADMIN, "GET", "/admin/projections")).contains("only the platform administrator");
        assertThat(refusal(ADMIN, "POST", "/admin/projections/audit/replay")).contains("only the platform administrator");
        assertThat(refusal(ADMIN, "GET", "/admin")).contains("only the platform administrator");
    }

    @Test
    void readersMayOnlyReadAndRevocationReadersOnlyReadRevocations() {
        assertThat(refusal(READER, "GET", "/admin/tenants/acme/users")).isNull();
        assertThat(refusal(READER, "HEAD", "/admin/tenants/acme")).isNull();
        assertThat(refusal(READER, "POST", "/admin/tenants/acme/users")).contains("do not allow POST");
        assertThat(refusal(READER, "GET", "/t/acme/revocations")).isNull();
        assertThat(refusal(REVOCATIONS, "GET", "/t/acme/revocations")).isNull();
        assertThat(refusal(REVOCATIONS, "GET", "/admin/tenants/acme/users")).contains("do not allow GET");
    }

    @Test
    void onlyTheRevocationListIsGuardedUnderT() {
        ManagementAuthenticationFilter filter = new ManagementAuthenticationFilter(AdminToken.of("0123456789abcdef"), null);
        assertThat(filter.shouldNotFilter(request("/t/acme/oauth/token"))).isTrue();
        assertThat(filter.shouldNotFilter(request("/t/acme/.well-known/openid-configuration"))).isTrue();
        assertThat(filter.shouldNotFilter(request("/t/acme/revocations"))).isFalse();
        assertThat(filter.shouldNotFilter(request("/t/acme/revocations/"))).isFalse();
        assertThat(filter.shouldNotFilter(request("/admin/tenants"))).isFalse();
    }

    /** The console (its own module) signs its users in itself and reads /admin/** over HTTP like any client. */
    @Test
    void theConsoleIsNotGuardedEvenWhenItsPathNamesAdmin() {
        ManagementAuthenticationFilter filter = new ManagementAuthenticationFilter(AdminToken.of("0123456789abcdef"), null);
        assertThat(filter.shouldNotFilter(request("/console"))).isTrue();
        assertThat(filter.shouldNotFilter(request("/console/sign-in"))).isTrue();
        assertThat(filter.shouldNotFilter(request("/console/tenants/admin/families/revocations"))).isTrue();
    }

    @Test
    void onlyTheOpenApiDescriptionIsPublicUnderAdminAndOnlyAsSentPlainly() {
        ManagementAuthenticationFilter filter = new ManagementAuthenticationFilter(AdminToken.of("0123456789abcdef"), null);
        assertThat(filter.shouldNotFilter(request("/admin/openapi.json"))).isTrue();
        MockHttpServletRequest head = request("/admin/openapi.json");
        head.setMethod("HEAD");
        assertThat(filter.shouldNotFilter(head)).isTrue();
        MockHttpServletRequest post = request("/admin/openapi.json");
        post.setMethod("POST");
        assertThat(filter.shouldNotFilter(post)).as("only reading it is public").isFalse();
        assertThat(filter.shouldNotFilter(request("/admin/openapi.json/"))).isFalse();
        assertThat(filter.shouldNotFilter(request("/admin/openapi.jsonx"))).isFalse();
        assertThat(filter.shouldNotFilter(request("/admin/tenants/openapi.json"))).isFalse();
        assertThat(filter.shouldNotFilter(request("/admin/openapi.json;x=1", "/admin/openapi.json"))).isFalse();
        assertThat(filter.shouldNotFilter(request("/admin/tenants/../openapi.json", "/admin/openapi.json"))).isFalse();
        assertThat(filter.shouldNotFilter(request("/admin/%6fpenapi.json", "/admin/openapi.json")))
                .as("an encoded form is not the plain path").isFalse();
        assertThat(filter.shouldNotFilter(request("/admin"))).isFalse();
        assertThat(filter.shouldNotFilter(request("/admin/projections"))).isFalse();
    }

    @Test
    void aPathThatDoesNotDecodeToItsNormalFormIsNotCanonical() {
        assertThat(ManagementAuthenticationFilter.canonical(request("/admin/tenants/acme/users", "/admin/tenants/acme/users"))).isTrue();
        assertThat(ManagementAuthenticationFilter.canonical(request("/t/acme/%72evocations", "/t/acme/revocations"))).isTrue();
        assertThat(ManagementAuthenticationFilter.canonical(request("/admin/tenants/globex/../acme/users", "/admin/tenants/acme/users")))
                .isFalse();
        assertThat(ManagementAuthenticationFilter.canonical(request("/admin/tenants/acme;x=1/users", "/admin/tenants/acme/users")))
                .isFalse();
        assertThat(ManagementAuthenticationFilter.canonical(request("/admin/tenants/acme%2Fusers", "/admin/tenants/acme/users")))
                .isFalse();
        assertThat(ManagementAuthenticationFilter.canonical(request("/admin//tenants/acme", "/admin/tenants/acme"))).isFalse();
    }

    static MockHttpServletRequest request(String path) {
        return request(path, path);
    }

    static MockHttpServletRequest request(String raw, String normalized) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", raw);
        request.setServletPath(normalized);
        return request;
    }
}
