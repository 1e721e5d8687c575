package dev.tally.token.audience;

import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.protocol.OAuthError;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

/** Which audience a request names with audience and resource (RFC 8707), and the tenant's default_audience. */
class AudiencesTest {
    static final String API = "https://api.acme.test";
    static final String OTHER = "https://other.acme.test";

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private Audiences audiences;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        fx.api("acme", API, 600, false);
        fx.api("acme", OTHER, 600, false);
        audiences = new Audiences(fx.config);
    }

    @Test
    void namedWhenOnlyAudienceOrOnlyResourceThenIt() {
        assertThat(Audiences.named(API, List.of())).contains(API);
        assertThat(Audiences.named(null, List.of(API))).contains(API);
        assertThat(Audiences.named(null, List.of())).isEmpty();
    }

    @Test
    void namedWhenAudienceAndResourceAreEqualOrAResourceRepeatsThenIt() {
        assertThat(Audiences.named(API, List.of(API))).contains(API);
        assertThat(Audiences.named(API, List.of(API, API))).contains(API);
        assertThat(Audiences.named(null, List.of("urn:tally:management", "urn:tally:management")))
                .contains("urn:tally:management");
    }

    @Test
    void namedWhenAudienceAndResourceDifferThenInvalidTarget() {
        OAuthError error = refusal(() -> Audiences.named(API, List.of(OTHER)));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("audience and resource name different resources; a token is issued for one");
    }

    @Test
    void namedWhenSeveralDifferentResourcesThenInvalidTarget() {
        OAuthError error = refusal(() -> Audiences.named(null, List.of(API, OTHER, API)));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(error.getMessage()).isEqualTo("the resource parameters name 2 different resources; a token is issued for one");
        assertThat(refusal(() -> Audiences.named(API, List.of(API, OTHER))).error()).isEqualTo("invalid_target");
    }

    /** RFC 8707 §2: an absolute URI, without a fragment; anything else is malformed, and that is invalid_target too. */
    @ParameterizedTest
    @ValueSource(strings = {"", "api.acme.test", "/orders", "//api.acme.test/orders", "https://api.acme.test#frag",
            "https://api.acme.test/#", "https://api acme.test", "https://api.acme.test/%zz"})
    void namedWhenTheResourceIsMalformedThenInvalidTarget(String resource) {
        OAuthError error = refusal(() -> Audiences.named(null, List.of(resource)));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(error.getMessage()).startsWith("resource must");
        assertThat(refusal(() -> Audiences.named(resource, List.of(resource))).error())
                .as("also when audience names the same value").isEqualTo("invalid_target");
    }

    @Test
    void requestedWhenNeitherIsNamedThenTheTenantsDefaultAudienceElseNone() {
        assertThat(audiences.requested("acme", null, List.of())).isEmpty();

        fx.defaultAudience("acme", API);

        assertThat(audiences.requested("acme", null, List.of())).contains(API);
        assertThat(audiences.requested("globex", null, List.of())).as("another tenant's default").isEmpty();
    }

    @Test
    void requestedWhenOneIsNamedThenItAndNotTheDefault() {
        fx.defaultAudience("acme", API);

        assertThat(audiences.requested("acme", OTHER, List.of())).contains(OTHER);
        assertThat(audiences.requested("acme", null, List.of(OTHER))).contains(OTHER);
    }

    @Test
    void requestedWhenTheDefaultIsClearedOrTheTenantDeletedThenNone() {
        fx.defaultAudience("acme", API);
        fx.defaultAudience("acme", null);

        assertThat(audiences.requested("acme", null, List.of())).isEmpty();

        fx.defaultAudience("acme", API);
        fx.apply("Tenant", TenantIds.aggregateId("acme"), new TenantDeleted("acme"));

        assertThat(fx.config.defaultAudience("acme")).isEqualTo(Optional.empty());
    }
}
