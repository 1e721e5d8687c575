package dev.tally.command.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.api.ApiCommands.DeleteApi;
import dev.tally.kernel.api.ApiCommands.RegisterApi;
import dev.tally.kernel.api.ApiCommands.UpdateApi;
import dev.tally.kernel.api.ApiEvents.ApiDeleted;
import dev.tally.kernel.api.ApiEvents.ApiRegistered;
import dev.tally.kernel.api.ApiEvents.ApiUpdated;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String AUDIENCE = "https://api.acme.test";
    static final ApiRegistered ORDERS = new ApiRegistered("api_1", "acme", AUDIENCE, "Orders", 3600L, 900L,
            List.of("read:orders"), false, NOW);

    private AggregateTestFixture<Api> fixture;
    private InMemoryTenantDirectory directory;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Api.class);
        directory = new InMemoryTenantDirectory().withTenant("acme");
        fixture.registerInjectableResource(directory);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void registerApiThenRegistered() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 3600L, 900L, List.of("read:orders", "read:orders"), null))
                .expectEvents(ORDERS);
    }

    @Test
    void registerApiWhenIdentifierIsTheManagementAudienceThenInvalidIdentifier() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", "urn:tally:management", "Mine", 3600L, null, null, null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("reserved for Tally's management tokens"))
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_2", "acme", "URN:Tally:Management", "Mine", 3600L, null, null, null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void registerApiWhenWebLifetimeExceedsLifetimeThenInvalidTokenLifetimeForWeb() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 60L, 900L, null, null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage("must not exceed token_lifetime (60 s), got 900 s")
                .expectNoEvents();
    }

    @Test
    void registerApiWhenWebLifetimeEqualsLifetimeThenRegistered() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 60L, 60L, null, null))
                .expectEvents(new ApiRegistered("api_1", "acme", AUDIENCE, "Orders", 60L, 60L, List.of(), false, NOW));
    }

    @Test
    void registerApiWhenLifetimeNotPositiveThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 0L, null, null, null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    /** Found by the fuzz harness: the token service's view refused the recorded event, and health went DOWN. */
    @Test
    void registerApiWhenLifetimeIsBeyondARepresentableExpiryThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", Long.MAX_VALUE, null, null, null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("must be at most 3155760000 seconds"))
                .expectNoEvents();
    }

    @Test
    void registerApiWhenLifetimeMissingThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", null, null, null, null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage("is required (seconds)");
    }

    @Test
    void registerApiWhenIdentifierTakenInTenantThenConflict() {
        directory.withApiIdentifier("acme", AUDIENCE);

        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_2", "acme", AUDIENCE, "Orders again", 3600L, null, null, null))
                .expectException(Conflict.class)
                .expectNoEvents();
    }

    @Test
    void registerApiWhenIdentifierTakenInAnotherTenantThenRegistered() {
        directory.withTenant("globex").withApiIdentifier("globex", AUDIENCE);

        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 3600L, 900L, List.of("read:orders"), null))
                .expectEvents(ORDERS);
    }

    @Test
    void registerApiWhenTenantUnknownThenNotFound() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "initech", AUDIENCE, "Orders", 3600L, null, null, null))
                .expectException(NotFound.class);
    }

    @Test
    void registerApiWhenScopeHasSpaceThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 3600L, null, List.of("read orders"), null))
                .expectException(InvalidInput.class);
    }

    /** Found by the fuzz harness: 200,000 scopes overflowed the catalog's column, a 500. */
    @Test
    void registerApiWithMoreThan100ScopesThenInvalidAndUpdateToMoreThenInvalid() {
        List<String> scopes = java.util.stream.IntStream.rangeClosed(1, 101).mapToObj(i -> "s" + i).toList();
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 3600L, null, scopes, null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("at most 100 scopes"))
                .expectNoEvents();
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", null, null, null, scopes, null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 3600L, null, scopes.subList(0, 100), null))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void updateApiWhenLifetimeDropsBelowWebLifetimeThenInvalid() {
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", null, 600L, null, null, null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void updateApiWhenLifetimeIsBeyondARepresentableExpiryThenInvalid() {
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", null, Long.MAX_VALUE, null, null, null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void updateApiThenWholeNewStateRecorded() {
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", null, 7200L, 1800L, null, null))
                .expectEvents(new ApiUpdated("api_1", "acme", "Orders", 7200L, 1800L, List.of("read:orders"), false));
    }

    @Test
    void updateApiWhenNothingChangesThenNothingRecorded() {
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", "Orders", 3600L, 900L, null, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void updateApiFromAnotherTenantThenNotFound() {
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "globex", "Stolen", null, null, null, null))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void deleteApiThenDeleted() {
        fixture.given(ORDERS)
                .when(new DeleteApi("api_1", "acme"))
                .expectEvents(new ApiDeleted("api_1", "acme", AUDIENCE))
                .expectMarkedDeleted();
    }

    // --- token_dialect

    @Test
    void registerApiWithoutDialectThenTheRfc9068Profile() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 3600L, null, null, null))
                .expectEvents(new ApiRegistered("api_1", "acme", AUDIENCE, "Orders", 3600L, null, List.of(), false, NOW,
                        TokenDialect.RFC9068_PROFILE, null));
    }

    @Test
    void registerApiWithTheAccessTokenDialectThenRecordedWithIt() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 3600L, null, null, null, TokenDialect.ACCESS_TOKEN, null))
                .expectEvents(new ApiRegistered("api_1", "acme", AUDIENCE, "Orders", 3600L, null, List.of(), false, NOW,
                        TokenDialect.ACCESS_TOKEN, null));
    }

    @Test
    void updateApiWhenTheDialectChangesThenUpdatedWithItAndTheRestKept() {
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", null, null, null, null, null, TokenDialect.ACCESS_TOKEN, null))
                .expectEvents(new ApiUpdated("api_1", "acme", "Orders", 3600L, 900L, List.of("read:orders"), false,
                        TokenDialect.ACCESS_TOKEN, null));
    }

    @Test
    void updateApiWhenTheDialectIsAbsentOrTheSameThenNothingRecorded() {
        fixture.given(ORDERS, new ApiUpdated("api_1", "acme", "Orders", 3600L, 900L, List.of("read:orders"), false,
                        TokenDialect.ACCESS_TOKEN, null))
                .when(new UpdateApi("api_1", "acme", "Orders", null, null, null, null, null, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", null, null, null, null, null, TokenDialect.RFC9068_PROFILE, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void tokenDialectWhenUnknownThenInvalidTokenDialect() {
        assertThatThrownBy(() -> TokenDialect.fromWire("jwt"))
                .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo("token_dialect"))
                .hasMessageContaining("rfc9068_profile or access_token");
        assertThat(TokenDialect.fromWire("access_token")).isEqualTo(TokenDialect.ACCESS_TOKEN);
        assertThat(TokenDialect.fromWire("rfc9068_profile")).isEqualTo(TokenDialect.RFC9068_PROFILE);
    }

    /** Revision 1 events were recorded before the dialect existed: they read as the one form there was. */
    @Test
    void revisionOneApiEventsReadAsTheRfc9068ProfileAndRevisionTwoRoundTrips() {
        Serializer serializer = Jackson3Serializer.builder().build();
        String registered = "{\"apiId\":\"api_1\",\"tenantId\":\"acme\",\"identifier\":\"https://api.acme.test\","
                + "\"name\":\"Orders\",\"tokenLifetime\":3600,\"tokenLifetimeForWeb\":900,\"scopes\":[\"read:orders\"],"
                + "\"allowOfflineAccess\":false,\"createdAt\":\"2026-11-22T10:00:00Z\"}";
        String updated = "{\"apiId\":\"api_1\",\"tenantId\":\"acme\",\"name\":\"Orders\",\"tokenLifetime\":60,"
                + "\"tokenLifetimeForWeb\":null,\"scopes\":[],\"allowOfflineAccess\":true}";

        Object oldRegistered = serializer.deserialize(new SimpleSerializedObject<>(registered.getBytes(StandardCharsets.UTF_8),
                byte[].class, ApiRegistered.class.getName(), "1"));
        Object oldUpdated = serializer.deserialize(new SimpleSerializedObject<>(updated.getBytes(StandardCharsets.UTF_8),
                byte[].class, ApiUpdated.class.getName(), "1"));

        assertThat(oldRegistered).isEqualTo(ORDERS);
        assertThat(((ApiRegistered) oldRegistered).tokenDialect()).isEqualTo(TokenDialect.RFC9068_PROFILE);
        assertThat(oldUpdated).isEqualTo(new ApiUpdated("api_1", "acme", "Orders", 60L, null, List.of(), true,
                TokenDialect.RFC9068_PROFILE, null));
        ApiRegistered current = new ApiRegistered("api_1", "acme", AUDIENCE, "Orders", 3600L, null, List.of(), false, NOW,
                TokenDialect.ACCESS_TOKEN, null);
        SerializedObject<byte[]> stored = serializer.serialize(current, byte[].class);
        assertThat(stored.getType().getRevision()).isEqualTo("2");
        assertThat((Object) serializer.deserialize(stored)).isEqualTo(current);
    }

    // --- signing_alg

    @Test
    void apiSigningAlgIsRecordedChangedAndFollowsTheTenantAgainWhenCleared() {
        fixture.givenNoPriorActivity()
                .when(new RegisterApi("api_1", "acme", AUDIENCE, "Orders", 3600L, null, null, null, null, SigningAlgorithm.RS256))
                .expectEvents(new ApiRegistered("api_1", "acme", AUDIENCE, "Orders", 3600L, null, List.of(), false, NOW,
                        TokenDialect.RFC9068_PROFILE, SigningAlgorithm.RS256));
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", null, null, null, null, null, null, "RS256"))
                .expectEvents(new ApiUpdated("api_1", "acme", "Orders", 3600L, 900L, List.of("read:orders"), false,
                        TokenDialect.RFC9068_PROFILE, SigningAlgorithm.RS256));
        ApiUpdated rs = new ApiUpdated("api_1", "acme", "Orders", 3600L, 900L, List.of("read:orders"), false,
                TokenDialect.RFC9068_PROFILE, SigningAlgorithm.RS256);
        fixture.given(ORDERS, rs)
                .when(new UpdateApi("api_1", "acme", null, null, null, null, null, null, ""))
                .expectEvents(new ApiUpdated("api_1", "acme", "Orders", 3600L, 900L, List.of("read:orders"), false,
                        TokenDialect.RFC9068_PROFILE, null));
        fixture.given(ORDERS, rs)
                .when(new UpdateApi("api_1", "acme", null, null, null, null, null, null, "RS256"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(ORDERS)
                .when(new UpdateApi("api_1", "acme", null, null, null, null, null, null, "HS256"))
                .expectException(InvalidInput.class).expectNoEvents();
    }

    // --- default_audience

    @Test
    void deleteApiWhenItIsTheTenantsDefaultAudienceThenConflictAndNothingRecorded() {
        directory.withDefaultAudience("acme", AUDIENCE);

        fixture.given(ORDERS)
                .when(new DeleteApi("api_1", "acme"))
                .expectException(Conflict.class)
                .expectExceptionMessage("API 'https://api.acme.test' is the tenant's default_audience; "
                        + "change or clear default_audience before deleting it")
                .expectNoEvents();
    }

    @Test
    void deleteApiWhenAnotherApiIsTheDefaultAudienceThenDeleted() {
        directory.withDefaultAudience("acme", "https://other.acme.test");

        fixture.given(ORDERS)
                .when(new DeleteApi("api_1", "acme"))
                .expectEvents(new ApiDeleted("api_1", "acme", AUDIENCE));
    }
}
