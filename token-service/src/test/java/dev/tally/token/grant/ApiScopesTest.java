package dev.tally.token.grant;

import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.view.TokenConfigState.ApiView;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiScopesTest {
    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private ApiView api;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        api = fx.api("acme", "https://api.acme.test", 600, true, "read", "write");
    }

    @Test
    void grantedWhenEveryScopeIsTheApisThenTheRequestedScopeAsIs() {
        Scope requested = Scope.parse("write read");

        assertThat(ApiScopes.granted(api, requested, Set.of())).isEqualTo(requested);
    }

    @Test
    void grantedWhenNothingRequestedThenNone() {
        assertThat(ApiScopes.granted(api, Scope.NONE, Set.of())).isEqualTo(Scope.NONE);
        assertThat(ApiScopes.granted(null, Scope.NONE, Set.of())).isEqualTo(Scope.NONE);
    }

    @Test
    void grantedWhenAScopeIsUndefinedThenInvalidScopeNamingTheFirst() {
        OAuthError error = refusal(() -> ApiScopes.granted(api, Scope.parse("read admin delete"), Set.of()));

        assertThat(error.error()).isEqualTo("invalid_scope");
        assertThat(error.getMessage()).isEqualTo("scope 'admin' is not defined by API https://api.acme.test");
    }

    @Test
    void grantedWhenTheGrantAlsoAllowsUserScopesThenTheyPassBesideTheApis() {
        Scope requested = Scope.parse("openid profile email offline_access read");

        assertThat(ApiScopes.granted(api, requested, ApiScopes.USER_SCOPES)).isEqualTo(requested);
    }

    @Test
    void grantedWhenNoApiThenOnlyWhatTheGrantAllowsAndTheRefusalNamesNoApi() {
        assertThat(ApiScopes.granted(null, Scope.parse("openid email"), ApiScopes.USER_SCOPES))
                .isEqualTo(Scope.parse("openid email"));

        OAuthError error = refusal(() -> ApiScopes.granted(null, Scope.parse("openid read"), ApiScopes.USER_SCOPES));
        assertThat(error.error()).isEqualTo("invalid_scope");
        assertThat(error.getMessage()).isEqualTo("scope 'read' is not defined");
    }

    @Test
    void userScopesAreTheOpenIdConnectOnes() {
        assertThat(ApiScopes.USER_SCOPES).containsExactlyInAnyOrder("openid", "profile", "email", "offline_access");
    }
}
