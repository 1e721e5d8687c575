package dev.tally.token.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.token.endpoint.CrossOriginFilter.Kind;
import dev.tally.token.endpoint.CrossOriginFilter.Target;
import org.junit.jupiter.api.Test;

class CrossOriginFilterTest {
    @Test
    void theEndpointsABrowserApplicationCallsAndNothingElse() {
        assertThat(CrossOriginFilter.target("/t/acme/oauth/token")).isEqualTo(new Target(Kind.CLIENT, "acme"));
        assertThat(CrossOriginFilter.target("/t/acme/oauth/revoke")).isEqualTo(new Target(Kind.CLIENT, "acme"));
        assertThat(CrossOriginFilter.target("/t/acme/userinfo")).isEqualTo(new Target(Kind.TENANT, "acme"));
        assertThat(CrossOriginFilter.target("/t/acme/.well-known/jwks.json")).isEqualTo(new Target(Kind.PUBLIC, "acme"));
        assertThat(CrossOriginFilter.target("/t/acme/.well-known/openid-configuration"))
                .isEqualTo(new Target(Kind.PUBLIC, "acme"));
        assertThat(CrossOriginFilter.target("/.well-known/oauth-authorization-server/t/acme"))
                .isEqualTo(new Target(Kind.PUBLIC, "acme"));
        for (String other : new String[] {"/t/acme/oauth/introspect", "/t/acme/authorize", "/t/acme/login",
                "/t/acme/logout", "/t/acme/oauth/token/", "/t//oauth/token", "/t/%61cme/oauth/token",
                "/t/acme;v=1/oauth/token", "/t/acme/x/oauth/token", "/admin/tenants", "/t/acme/revocations",
                "/.well-known/openid-configuration/t/acme/x", "/.well-known/other/t/acme", "/", "",
                "/t/" + "a".repeat(200) + "/oauth/token"}) {
            assertThat(CrossOriginFilter.target(other)).as(other).isNull();
        }
    }

    @Test
    void anOriginIsComparedInLowerCaseAndTheOpaqueOrOddOnesAreNobodys() {
        assertThat(CrossOriginFilter.normalized("HTTPS://App.Test")).isEqualTo("https://app.test");
        assertThat(CrossOriginFilter.normalized("null")).isNull();
        assertThat(CrossOriginFilter.normalized("https://app.test\u0000")).isNull();
        assertThat(CrossOriginFilter.normalized("https://app.t\u00e9st")).isNull();
        assertThat(CrossOriginFilter.normalized("https://" + "a".repeat(3000))).isNull();
    }
}
