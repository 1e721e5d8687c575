package dev.tally.token.login;

import static dev.tally.token.fixture.TokenFixtures.CALLBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.kernel.client.GrantTypes;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.settings.SessionActivityProperties;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API an authorization request is for, which its code carries to the token request: named by {@code audience} or
 * {@code resource} (RFC 8707), else the tenant's {@code default_audience}. Refusals are {@code invalid_target}, sent
 * back to the client's redirect URI as the other authorize errors are.
 */
class AuthorizationTargetTest {
    static final String API = "https://api.acme.test";
    static final String BILLING = "https://billing.acme.test";

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private Authorizations authorizations;
    private ClientView web;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        fx.api("acme", API, 600, false, "read:orders");
        fx.api("acme", BILLING, 600, false);
        web = fx.confidentialClient("acme", "web", "web-secret", GrantTypes.AUTHORIZATION_CODE);
        authorizations = new Authorizations(fx.config, fx.commands.gateway(), fx.lifetimes(), fx.clock,
                new SessionActivityProperties(Duration.ofSeconds(60)), fx.sessions);
    }

    @Test
    void validateWhenTheResourceNamesAnApiThenTheRequestIsForIt() {
        AuthorizationRequest request = validate(Map.of("scope", "openid read:orders"), List.of(API));

        assertThat(request.audience()).isEqualTo(API);
        assertThat(request.scope()).isEqualTo("openid read:orders");
    }

    @Test
    void validateWhenAudienceAndResourceAreEqualThenTheRequestIsForTheApi() {
        assertThat(validate(Map.of("audience", API), List.of(API, API)).audience()).isEqualTo(API);
    }

    @Test
    void validateWhenAudienceAndResourceDifferOrResourcesDifferThenInvalidTarget() {
        assertThat(failure(Map.of("audience", API), List.of(BILLING)).error()).isEqualTo("invalid_target");
        assertThat(failure(Map.of(), List.of(API, BILLING)).error()).isEqualTo("invalid_target");
    }

    @Test
    void validateWhenTheResourceOrAudienceNamesNoApiOrIsMalformedThenInvalidTarget() {
        AuthorizationFailure unknown = failure(Map.of(), List.of("https://nope.test"));
        AuthorizationFailure unknownAudience = failure(Map.of("audience", "https://nope.test"), List.of());
        AuthorizationFailure malformed = failure(Map.of(), List.of("https://api.acme.test#x"));

        assertThat(unknown.error()).isEqualTo("invalid_target");
        assertThat(unknown.getMessage()).isEqualTo("no API with identifier 'https://nope.test'");
        assertThat(unknownAudience.error()).isEqualTo("invalid_target");
        assertThat(malformed.error()).isEqualTo("invalid_target");
        assertThat(malformed.getMessage()).isEqualTo("resource must not include a fragment (RFC 8707 §2)");
    }

    @Test
    void validateWhenNeitherIsNamedThenTheTenantsDefaultAudienceElseNoApi() {
        assertThat(validate(Map.of("scope", "openid"), List.of()).audience()).isNull();

        fx.defaultAudience("acme", API);

        AuthorizationRequest request = validate(Map.of("scope", "openid read:orders"), List.of());
        assertThat(request.audience()).isEqualTo(API);
        assertThat(validate(Map.of(), List.of(BILLING)).audience()).as("a named one wins").isEqualTo(BILLING);
    }

    private AuthorizationRequest validate(Map<String, String> parameters, List<String> resources) {
        Map<String, String> p = new java.util.HashMap<>(parameters);
        p.put("response_type", "code");
        return authorizations.validate("acme", web, CALLBACK, p, resources);
    }

    private AuthorizationFailure failure(Map<String, String> parameters, List<String> resources) {
        AuthorizationFailure failure = catchThrowableOfType(AuthorizationFailure.class, () -> validate(parameters, resources));
        assertThat(failure).as("an authorization failure").isNotNull();
        return failure;
    }
}
