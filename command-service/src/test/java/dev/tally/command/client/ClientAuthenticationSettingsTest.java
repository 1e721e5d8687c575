package dev.tally.command.client;

import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientAuthSettings;
import dev.tally.kernel.client.ClientCommands.ChangeClientAuthentication;
import dev.tally.kernel.client.ClientCommands.RegisterClient;
import dev.tally.kernel.client.ClientCommands.RotateClientSecret;
import dev.tally.kernel.client.ClientEvents.ClientAuthenticationChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientEvents.ClientSecretRotated;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.client.TokenEndpointAuthMethod;
import dev.tally.kernel.problem.InvalidInput;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How a client authenticates, as the aggregate records it: defaults without an event, keys without a secret. */
class ClientAuthenticationSettingsTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String HASH = "a".repeat(64);
    static final String JWKS = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"x\",\"y\":\"y\"}]}";
    static final ClientAuthSettings KEYS = new ClientAuthSettings(TokenEndpointAuthMethod.PRIVATE_KEY_JWT, JWKS, null,
            "RS256");
    static final ClientRegistered KEY_CLIENT = new ClientRegistered("c1", "acme", "batch", AppType.NON_INTERACTIVE,
            List.of("client_credentials"), null, Map.of(), 36000L, ClientUrls.NONE, ClientSessionLimits.NONE, NOW);
    static final ClientRegistered SECRET_CLIENT = new ClientRegistered("c1", "acme", "batch", AppType.NON_INTERACTIVE,
            List.of("client_credentials"), HASH, Map.of(), 36000L, ClientUrls.NONE, ClientSessionLimits.NONE, NOW);

    private AggregateTestFixture<Client> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Client.class);
        fixture.registerInjectableResource(new InMemoryTenantDirectory().withTenant("acme"));
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static RegisterClient register(AppType type, String secretHash, ClientAuthSettings settings) {
        return new RegisterClient("c1", "acme", "batch", type, List.of("client_credentials"), secretHash, Map.of(),
                null, null, null, settings);
    }

    @Test
    void registerWithTheDefaultsThenNoAuthenticationEvent() {
        fixture.givenNoPriorActivity()
                .when(register(AppType.NON_INTERACTIVE, HASH, ClientAuthSettings.defaults(AppType.NON_INTERACTIVE)))
                .expectEvents(SECRET_CLIENT);
    }

    @Test
    void registerForPrivateKeyJwtThenRegisteredWithoutSecretAndItsKeys() {
        fixture.givenNoPriorActivity()
                .when(register(AppType.NON_INTERACTIVE, null, KEYS))
                .expectEvents(KEY_CLIENT, new ClientAuthenticationChanged("c1", "acme", KEYS));
    }

    @Test
    void registerForPrivateKeyJwtWithoutKeysThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(register(AppType.NON_INTERACTIVE, null, new ClientAuthSettings(TokenEndpointAuthMethod.PRIVATE_KEY_JWT,
                        null, null, "RS256")))
                .expectException(InvalidInput.class).expectNoEvents();
    }

    @Test
    void registerAPublicClientForPrivateKeyJwtOrAConfidentialOneForNoneThenInvalid() {
        fixture.givenNoPriorActivity().when(register(AppType.SPA, null, KEYS))
                .expectException(InvalidInput.class).expectNoEvents();
        fixture.givenNoPriorActivity().when(register(AppType.NON_INTERACTIVE, null, ClientAuthSettings.defaults(AppType.SPA)))
                .expectException(InvalidInput.class).expectNoEvents();
    }

    @Test
    void registerWithBothJwksAndJwksUriThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(register(AppType.NON_INTERACTIVE, null, new ClientAuthSettings(TokenEndpointAuthMethod.PRIVATE_KEY_JWT,
                        JWKS, "https://keys.test/jwks", "RS256")))
                .expectException(InvalidInput.class).expectNoEvents();
    }

    @Test
    void rotateTheSecretOfAPrivateKeyJwtClientThenInvalid() {
        fixture.given(KEY_CLIENT, new ClientAuthenticationChanged("c1", "acme", KEYS))
                .when(new RotateClientSecret("c1", "acme", HASH))
                .expectException(InvalidInput.class).expectNoEvents();
    }

    @Test
    void changeFromPrivateKeyJwtToASecretThenANewSecretFirst() {
        ClientAuthSettings post = new ClientAuthSettings(TokenEndpointAuthMethod.CLIENT_SECRET_POST, JWKS, null,
                "ES256");
        fixture.given(KEY_CLIENT, new ClientAuthenticationChanged("c1", "acme", KEYS))
                .when(new ChangeClientAuthentication("c1", "acme", post, HASH))
                .expectEvents(new ClientSecretRotated("c1", "acme", HASH), new ClientAuthenticationChanged("c1", "acme", post));
    }

    @Test
    void changeFromASecretToPrivateKeyJwtThenOnlyTheSettings() {
        fixture.given(SECRET_CLIENT)
                .when(new ChangeClientAuthentication("c1", "acme", KEYS, null))
                .expectEvents(new ClientAuthenticationChanged("c1", "acme", KEYS));
    }

    @Test
    void changeToTheSameSettingsThenNothing() {
        fixture.given(KEY_CLIENT, new ClientAuthenticationChanged("c1", "acme", KEYS))
                .when(new ChangeClientAuthentication("c1", "acme", KEYS, null))
                .expectNoEvents();
    }
}
