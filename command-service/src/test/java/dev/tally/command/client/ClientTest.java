package dev.tally.command.client;

import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.client.ClientCommands.ChangeClientManagementScopes;
import dev.tally.kernel.client.ClientCommands.ChangeClientRefreshSettings;
import dev.tally.kernel.client.ClientCommands.DeleteClient;
import dev.tally.kernel.client.ClientCommands.RegisterClient;
import dev.tally.kernel.client.ClientCommands.RotateClientSecret;
import dev.tally.kernel.client.ClientCommands.UpdateClient;
import dev.tally.kernel.client.ClientEvents.ClientDeleted;
import dev.tally.kernel.client.ClientEvents.ClientManagementScopesChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientEvents.ClientSecretRotated;
import dev.tally.kernel.client.ClientEvents.ClientUpdated;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String HASH = "a".repeat(64);
    static final ClientRegistered BILLING = new ClientRegistered("c1", "acme", "billing", AppType.NON_INTERACTIVE,
            List.of("client_credentials"), HASH, Map.of("tier", "gold"), 36000L, ClientUrls.NONE, ClientSessionLimits.NONE, NOW);

    private AggregateTestFixture<Client> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Client.class);
        fixture.registerInjectableResource(new InMemoryTenantDirectory().withTenant("acme"));
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void registerMachineClientThenRegisteredWithSecretHashOnly() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "billing", AppType.NON_INTERACTIVE, List.of("client_credentials"),
                        HASH, Map.of("tier", "gold"), null, null, null))
                .expectEvents(BILLING);
    }

    // Found by the fuzz harness: lifetimes of 2^63-1 seconds were recorded, the token service's view refused the event,
    // the view failed, health went DOWN and the client could not authenticate; an idle lifetime overflowed (500).

    @Test
    void registerWhenIdTokenLifetimeIsBeyondARepresentableExpiryThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "billing", AppType.NON_INTERACTIVE, List.of("client_credentials"),
                        HASH, null, Long.MAX_VALUE, null, null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("id_token_lifetime must be at most"))
                .expectNoEvents();
    }

    @Test
    void registerWhenSessionTimeoutIsBeyondARepresentableExpiryThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "billing", AppType.NON_INTERACTIVE, List.of("client_credentials"),
                        HASH, null, null, null, new ClientSessionLimits(null, Long.MAX_VALUE)))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void updateWhenIdTokenLifetimeIsBeyondARepresentableExpiryThenInvalid() {
        fixture.given(BILLING)
                .when(new UpdateClient("c1", "acme", null, null, null, Long.MAX_VALUE, null, null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void changeRefreshSettingsWhenALifetimeIsBeyondARepresentableExpiryThenInvalid() {
        fixture.given(BILLING)
                .when(new ChangeClientRefreshSettings("c1", "acme", new RefreshTokenSettings(null, Long.MAX_VALUE, null, null)))
                .expectException(InvalidInput.class)
                .expectNoEvents();
        fixture.given(BILLING)
                .when(new ChangeClientRefreshSettings("c1", "acme", new RefreshTokenSettings(null, null, Long.MAX_VALUE, null)))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("refresh_token.idle_token_lifetime must be at most"))
                .expectNoEvents();
    }

    /** Found by the fuzz harness: 50 logout URLs of 190 characters overflowed the catalog's column (500). */
    @Test
    void registerOrUpdateWithAUrlOfMoreThan1000CharactersThenInvalid() {
        String longUrl = "https://app.test/" + "a".repeat(1000 - "https://app.test/".length() + 1);
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "web", AppType.REGULAR_WEB, List.of("authorization_code"), HASH,
                        null, null, new ClientUrls(List.of(longUrl), List.of()), null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("at most 1000 characters"))
                .expectNoEvents();
        fixture.given(BILLING)
                .when(new UpdateClient("c1", "acme", null, null, null, null,
                        new ClientUrls(List.of(), List.of(longUrl)), null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void registerSpaWithClientCredentialsThenInvalidGrantTypes() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c2", "acme", "web", AppType.SPA, List.of("client_credentials"), null, null, null, null, null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    /** A public client cannot authenticate: with the password grant, its client_id alone would let anyone try passwords. */
    @Test
    void registerSpaOrNativeWithPasswordThenInvalidGrantTypes() {
        for (AppType publicType : List.of(AppType.SPA, AppType.NATIVE)) {
            fixture.givenNoPriorActivity()
                    .when(new RegisterClient("c3", "acme", "app", publicType, List.of("password"), null, null, null, null, null))
                    .expectException(InvalidInput.class)
                    .expectExceptionMessage("password needs a confidential client (regular_web or non_interactive), not "
                            + publicType.wireName())
                    .expectNoEvents();
        }
    }

    @Test
    void registerWhenUnknownGrantTypeThenInvalidGrantTypes() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "billing", AppType.NON_INTERACTIVE, List.of("implicit"), HASH, null, null, null, null))
                .expectException(InvalidInput.class);
    }

    @Test
    void registerWhenNoGrantTypesThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "billing", AppType.NON_INTERACTIVE, List.of(), HASH, null, null, null, null))
                .expectException(InvalidInput.class);
    }

    @Test
    void registerWhenMetadataHasTooManyKeysThenInvalidClientMetadata() {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 21; i++) {
            metadata.put("k" + i, "v");
        }
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "billing", AppType.NON_INTERACTIVE, List.of("client_credentials"), HASH, metadata, null, null, null))
                .expectException(InvalidInput.class)
                .expectExceptionMessage("may hold at most 20 keys");
    }

    @Test
    void registerWhenTenantDeletedOrUnknownThenNotFound() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "initech", "billing", AppType.NON_INTERACTIVE, List.of("client_credentials"), HASH, null, null, null, null))
                .expectException(NotFound.class);
    }

    @Test
    void registerWhenAppTypeMissingThenInvalidAppType() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "billing", null, List.of("client_credentials"), HASH, null, null, null, null))
                .expectException(InvalidInput.class);
    }

    @Test
    void updateClientThenWholeNewStateRecorded() {
        fixture.given(BILLING)
                .when(new UpdateClient("c1", "acme", null, null, Map.of("tier", "onboarding"), null, null, null))
                .expectEvents(new ClientUpdated("c1", "acme", "billing", List.of("client_credentials"), Map.of("tier", "onboarding"), 36000L, ClientUrls.NONE, ClientSessionLimits.NONE));
    }

    @Test
    void registerWhenIdTokenLifetimeGivenThenRecordedElseDefault() {
        fixture.givenNoPriorActivity()
                .when(new RegisterClient("c1", "acme", "billing", AppType.NON_INTERACTIVE, List.of("client_credentials"),
                        HASH, Map.of("tier", "gold"), 600L, null, null))
                .expectEvents(new ClientRegistered("c1", "acme", "billing", AppType.NON_INTERACTIVE,
                        List.of("client_credentials"), HASH, Map.of("tier", "gold"), 600L, ClientUrls.NONE, ClientSessionLimits.NONE, NOW));
    }

    @Test
    void updateClientWhenIdTokenLifetimeNotPositiveThenInvalid() {
        fixture.given(BILLING)
                .when(new UpdateClient("c1", "acme", null, null, null, 0L, null, null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void updateClientFromAnotherTenantThenNotFound() {
        fixture.given(BILLING)
                .when(new UpdateClient("c1", "globex", "stolen", null, null, null, null, null))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void rotateSecretOfConfidentialClientThenRotated() {
        fixture.given(BILLING)
                .when(new RotateClientSecret("c1", "acme", "b".repeat(64)))
                .expectEvents(new ClientSecretRotated("c1", "acme", "b".repeat(64)));
    }

    @Test
    void rotateSecretOfPublicClientThenInvalid() {
        fixture.given(new ClientRegistered("c2", "acme", "web", AppType.SPA, List.of("authorization_code"), null, Map.of(), 36000L, ClientUrls.NONE, ClientSessionLimits.NONE, NOW))
                .when(new RotateClientSecret("c2", "acme", "b".repeat(64)))
                .expectException(InvalidInput.class);
    }

    @Test
    void deleteClientThenDeleted() {
        fixture.given(BILLING)
                .when(new DeleteClient("c1", "acme"))
                .expectEvents(new ClientDeleted("c1", "acme"))
                .expectMarkedDeleted();
    }

    // --- management scopes ---

    @Test
    void grantManagementScopesThenRecordedSortedWithoutRepeats() {
        fixture.given(BILLING)
                .when(new ChangeClientManagementScopes("c1", "acme", List.of("tenant:read", "revocations:read", "tenant:read")))
                .expectEvents(new ClientManagementScopesChanged("c1", "acme", List.of("revocations:read", "tenant:read")));
    }

    @Test
    void grantTheSameScopesAgainThenNothingRecorded() {
        fixture.given(BILLING, new ClientManagementScopesChanged("c1", "acme", List.of("tenant:admin")))
                .when(new ChangeClientManagementScopes("c1", "acme", List.of("tenant:admin", "tenant:admin")))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void revokeTheGrantWithAnEmptyListThenRecorded() {
        fixture.given(BILLING, new ClientManagementScopesChanged("c1", "acme", List.of("tenant:admin")))
                .when(new ChangeClientManagementScopes("c1", "acme", List.of()))
                .expectEvents(new ClientManagementScopesChanged("c1", "acme", List.of()));
    }

    @Test
    void revokeWhenNothingIsGrantedThenNothingRecorded() {
        fixture.given(BILLING)
                .when(new ChangeClientManagementScopes("c1", "acme", List.of()))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void grantAnUnknownScopeThenInvalidManagementScopes() {
        fixture.given(BILLING)
                .when(new ChangeClientManagementScopes("c1", "acme", List.of("tenant:admin", "platform:admin")))
                .expectException(InvalidInput.class)
                .expectException(new org.hamcrest.CustomTypeSafeMatcher<InvalidInput>("an InvalidInput of management_scopes") {
                    @Override
                    protected boolean matchesSafely(InvalidInput e) {
                        return e.field().equals("management_scopes");
                    }
                })
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("'platform:admin' is not a management scope"))
                .expectNoEvents();
    }

    @Test
    void grantWithoutAListThenInvalidManagementScopes() {
        fixture.given(BILLING)
                .when(new ChangeClientManagementScopes("c1", "acme", null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void grantToAPublicClientThenInvalidManagementScopes() {
        ClientRegistered spa = new ClientRegistered("c2", "acme", "web", AppType.SPA, List.of("authorization_code"), null,
                Map.of(), 36000L, ClientUrls.NONE, ClientSessionLimits.NONE, NOW);
        fixture.given(spa)
                .when(new ChangeClientManagementScopes("c2", "acme", List.of("tenant:read")))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("confidential client"))
                .expectNoEvents();
    }

    @Test
    void grantToAConfidentialClientWithoutClientCredentialsThenInvalidManagementScopes() {
        ClientRegistered web = new ClientRegistered("c3", "acme", "web", AppType.REGULAR_WEB, List.of("authorization_code"),
                HASH, Map.of(), 36000L, ClientUrls.NONE, ClientSessionLimits.NONE, NOW);
        fixture.given(web)
                .when(new ChangeClientManagementScopes("c3", "acme", List.of("tenant:read")))
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("client_credentials"))
                .expectNoEvents();
    }

    @Test
    void grantForAnotherTenantThenNotFound() {
        fixture.given(BILLING)
                .when(new ChangeClientManagementScopes("c1", "globex", List.of("tenant:admin")))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void removingClientCredentialsFromAGrantedClientEndsTheGrant() {
        fixture.given(BILLING, new ClientManagementScopesChanged("c1", "acme", List.of("tenant:admin")))
                .when(new UpdateClient("c1", "acme", null, List.of("password"), null, null, null, null))
                .expectEvents(new ClientUpdated("c1", "acme", "billing", List.of("password"), Map.of("tier", "gold"), 36000L,
                                ClientUrls.NONE, ClientSessionLimits.NONE),
                        new ClientManagementScopesChanged("c1", "acme", List.of()));
    }

    @Test
    void updatingAGrantedClientThatKeepsClientCredentialsKeepsTheGrant() {
        fixture.given(BILLING, new ClientManagementScopesChanged("c1", "acme", List.of("tenant:admin")))
                .when(new UpdateClient("c1", "acme", "renamed", null, null, null, null, null))
                .expectEvents(new ClientUpdated("c1", "acme", "renamed", List.of("client_credentials"), Map.of("tier", "gold"),
                        36000L, ClientUrls.NONE, ClientSessionLimits.NONE));
    }
}
