package dev.tally.command.client;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.tally.command.catalog.TenantDirectory;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientAuthSettings;
import dev.tally.kernel.client.ClientCommands.ChangeClientAuthentication;
import dev.tally.kernel.client.ClientCommands.ChangeClientManagementScopes;
import dev.tally.kernel.client.ClientCommands.ChangeClientRefreshSettings;
import dev.tally.kernel.client.ClientCommands.DeleteClient;
import dev.tally.kernel.client.ClientCommands.RegisterClient;
import dev.tally.kernel.client.ClientCommands.RotateClientSecret;
import dev.tally.kernel.client.ClientCommands.UpdateClient;
import dev.tally.kernel.client.ClientEvents.ClientAuthenticationChanged;
import dev.tally.kernel.client.ClientEvents.ClientDeleted;
import dev.tally.kernel.client.ClientEvents.ClientManagementScopesChanged;
import dev.tally.kernel.client.ClientEvents.ClientRefreshSettingsChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientEvents.ClientSecretRotated;
import dev.tally.kernel.client.ClientEvents.ClientUpdated;
import dev.tally.kernel.client.ClientMetadata;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.client.TokenEndpointAuthMethod;
import dev.tally.kernel.lifetime.ClientProfile;
import dev.tally.kernel.lifetime.RepresentableLifetimes;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.problem.DisplayNames;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * An application of a tenant. Confidential clients hold a secret, kept only as its hash, or authenticate with their
 * own keys ({@code private_key_jwt}, then without a secret).
 */
@Aggregate
public class Client {
    static final int MAX_URL = 1000;
    @AggregateIdentifier
    private String clientId;
    private String tenantId;
    private AppType appType;
    private String name;
    private List<String> grantTypes;
    private Map<String, String> clientMetadata;
    private long idTokenLifetime;
    private ClientUrls urls;
    private ClientSessionLimits sessionLimits;
    private RefreshTokenSettings refreshSettings = RefreshTokenSettings.NONE;
    private List<String> managementScopes = List.of();
    private ClientAuthSettings authentication;
    private Instant createdAt;

    protected Client() {
    }

    @CommandHandler
    public Client(RegisterClient command, TenantDirectory directory, Clock clock) {
        if (!directory.tenantActive(command.tenantId())) {
            throw new NotFound("tenant '" + command.tenantId() + "' does not exist");
        }
        String name = DisplayNames.require(command.name());
        if (command.appType() == null) {
            throw new InvalidInput("app_type", "is required: one of spa, regular_web, native, non_interactive");
        }
        List<String> grants = GrantTypes.requireValid(command.appType(), command.grantTypes());
        Map<String, String> metadata = ClientMetadata.requireValid(command.clientMetadata());
        ClientAuthSettings auth = command.authentication() == null ? ClientAuthSettings.defaults(command.appType())
                : command.authentication().requireConsistent(command.appType());
        if (auth.tokenEndpointAuthMethod().usesSecret() != (command.secretHash() != null)) {
            throw new IllegalArgumentException("a client authenticating with a secret needs a secret hash, any other must have none");
        }
        long idToken = command.idTokenLifetime() == null ? ClientProfile.DEFAULT_ID_TOKEN_LIFETIME
                : requireIdTokenLifetime(command.idTokenLifetime());
        ClientSessionLimits limits = command.sessionLimits() == null ? ClientSessionLimits.NONE : command.sessionLimits();
        Instant now = clock.instant();
        ClientProfile.of(command.clientId(), command.appType(), metadata, now, idToken, limits, null);
        apply(new ClientRegistered(command.clientId(), command.tenantId(), name, command.appType(), grants,
                command.secretHash(), metadata, idToken, command.urls() == null ? ClientUrls.NONE : requireUrls(command.urls()),
                limits, now));
        if (!auth.equals(ClientAuthSettings.defaults(command.appType()))) {
            apply(new ClientAuthenticationChanged(command.clientId(), command.tenantId(), auth));
        }
    }

    @CommandHandler
    void handle(UpdateClient command) {
        requireSameTenant(command.tenantId());
        String newName = command.name() == null ? name : DisplayNames.require(command.name());
        List<String> newGrants = command.grantTypes() == null ? grantTypes : GrantTypes.requireValid(appType, command.grantTypes());
        Map<String, String> newMetadata = command.clientMetadata() == null ? clientMetadata
                : ClientMetadata.requireValid(command.clientMetadata());
        long newIdToken = command.idTokenLifetime() == null ? idTokenLifetime : requireIdTokenLifetime(command.idTokenLifetime());
        ClientUrls newUrls = command.urls() == null ? urls : requireUrls(command.urls());
        ClientSessionLimits newLimits = command.sessionLimits() == null ? sessionLimits : command.sessionLimits();
        requireProfile(newMetadata, newIdToken, newLimits, refreshSettings);
        if (!newName.equals(name) || !newGrants.equals(grantTypes) || !newMetadata.equals(clientMetadata)
                || newIdToken != idTokenLifetime || !newUrls.equals(urls) || !newLimits.equals(sessionLimits)) {
            apply(new ClientUpdated(clientId, tenantId, newName, newGrants, newMetadata, newIdToken, newUrls, newLimits));
        }
        if (!managementScopes.isEmpty() && !newGrants.contains(GrantTypes.CLIENT_CREDENTIALS)) {
            // A management grant exists only for a client that can use it; the history says when it ended.
            apply(new ClientManagementScopesChanged(clientId, tenantId, List.of()));
        }
    }

    /** The grant is replaced whole; an empty list revokes it. Only the platform administrator sends this. */
    @CommandHandler
    void handle(ChangeClientManagementScopes command) {
        requireSameTenant(command.tenantId());
        List<String> scopes = requireManagementScopes(command.scopes(), appType, grantTypes);
        if (!scopes.equals(managementScopes)) {
            apply(new ClientManagementScopesChanged(clientId, tenantId, scopes));
        }
    }

    @CommandHandler
    void handle(ChangeClientRefreshSettings command) {
        requireSameTenant(command.tenantId());
        requireProfile(clientMetadata, idTokenLifetime, sessionLimits, RepresentableLifetimes.require(command.settings()));
        if (!command.settings().equals(refreshSettings)) {
            apply(new ClientRefreshSettingsChanged(clientId, tenantId, command.settings()));
        }
    }

    @CommandHandler
    void handle(RotateClientSecret command) {
        requireSameTenant(command.tenantId());
        if (!appType.confidential()) {
            throw new InvalidInput("app_type", "a " + appType.wireName() + " client is public and has no secret");
        }
        if (authentication.tokenEndpointAuthMethod() == TokenEndpointAuthMethod.PRIVATE_KEY_JWT) {
            throw new InvalidInput("token_endpoint_auth_method",
                    "the client authenticates with private_key_jwt, not a secret; change token_endpoint_auth_method first");
        }
        apply(new ClientSecretRotated(clientId, tenantId, command.secretHash()));
    }

    /**
     * The settings are replaced whole. A client turning from {@code private_key_jwt} to a secret method gets a new
     * secret (the command brings its hash, {@link #needsNewSecret}): it may never have had one, and an old one kept
     * unused meanwhile should not come back to life.
     */
    @CommandHandler
    void handle(ChangeClientAuthentication command) {
        requireSameTenant(command.tenantId());
        ClientAuthSettings settings = command.settings().requireConsistent(appType);
        if (needsNewSecret(authentication, settings)) {
            if (command.newSecretHash() == null) {
                throw new IllegalArgumentException("a client turning from private_key_jwt to a secret needs a new secret hash");
            }
            apply(new ClientSecretRotated(clientId, tenantId, command.newSecretHash()));
        }
        if (!settings.equals(authentication)) {
            apply(new ClientAuthenticationChanged(clientId, tenantId, settings));
        }
    }

    static boolean needsNewSecret(ClientAuthSettings current, ClientAuthSettings next) {
        return next.tokenEndpointAuthMethod().usesSecret() && !current.tokenEndpointAuthMethod().usesSecret();
    }

    @CommandHandler
    void handle(DeleteClient command) {
        requireSameTenant(command.tenantId());
        apply(new ClientDeleted(clientId, tenantId));
    }

    @EventSourcingHandler
    void on(ClientRegistered event) {
        this.clientId = event.clientId();
        this.tenantId = event.tenantId();
        this.appType = event.appType();
        this.name = event.name();
        this.grantTypes = event.grantTypes();
        this.clientMetadata = event.clientMetadata();
        this.idTokenLifetime = event.idTokenLifetime();
        this.urls = event.urls();
        this.sessionLimits = event.sessionLimits();
        this.createdAt = event.createdAt();
        this.authentication = ClientAuthSettings.defaults(event.appType());
    }

    @EventSourcingHandler
    void on(ClientAuthenticationChanged event) {
        this.authentication = event.settings();
    }

    @EventSourcingHandler
    void on(ClientUpdated event) {
        this.name = event.name();
        this.grantTypes = event.grantTypes();
        this.clientMetadata = event.clientMetadata();
        this.idTokenLifetime = event.idTokenLifetime();
        this.urls = event.urls();
        this.sessionLimits = event.sessionLimits();
    }

    @EventSourcingHandler
    void on(ClientRefreshSettingsChanged event) {
        this.refreshSettings = event.settings();
    }

    @EventSourcingHandler
    void on(ClientManagementScopesChanged event) {
        this.managementScopes = event.scopes();
    }

    @EventSourcingHandler
    void on(ClientDeleted event) {
        markDeleted();
    }

    private void requireSameTenant(String commandTenant) {
        if (!tenantId.equals(commandTenant)) {
            throw new NotFound("no such client in tenant '" + commandTenant + "'");
        }
    }

    /**
     * Known management scopes only, sorted and without repeats. A non-empty grant needs a confidential client that
     * may use client credentials: management tokens are obtained with that grant and nothing else.
     */
    static List<String> requireManagementScopes(List<String> scopes, AppType appType, List<String> grantTypes) {
        if (scopes == null) {
            throw new InvalidInput("management_scopes", "is required: a list of " + ManagementScopes.ALL + " (empty revokes the grant)");
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (String scope : scopes) {
            if (scope == null || !ManagementScopes.known(scope)) {
                throw new InvalidInput("management_scopes", "'" + scope + "' is not a management scope; known: " + ManagementScopes.ALL);
            }
            sorted.add(scope);
        }
        if (!sorted.isEmpty() && (!appType.confidential() || !grantTypes.contains(GrantTypes.CLIENT_CREDENTIALS))) {
            throw new InvalidInput("management_scopes",
                    "only a confidential client whose grant_types include client_credentials can be granted management scopes");
        }
        return List.copyOf(sorted);
    }

    /**
     * The client's settings must make the profile the token service builds from its events: a lifetime this aggregate
     * recorded and the token service's view refused (one beyond a representable expiry, such as 2^63-1 seconds) left
     * that view failing, health DOWN and the client unable to authenticate.
     */
    private void requireProfile(Map<String, String> metadata, long idToken, ClientSessionLimits limits,
                                RefreshTokenSettings refresh) {
        ClientProfile.of(clientId, appType, metadata, createdAt, idToken, limits, refresh.tokenLifetime());
    }

    /**
     * Each URL at most {@link #MAX_URL} characters (here, not in {@code ClientUrls}, so that events recorded before the
     * bound still load): without a bound, 50 logout URLs of 190 characters overflowed the catalog's column (500, found by
     * the fuzz harness), and a long callback can make the authorize endpoint's redirect too long to write.
     */
    private static ClientUrls requireUrls(ClientUrls urls) {
        for (String field : List.of("callbacks", "allowed_logout_urls")) {
            List<String> list = field.equals("callbacks") ? urls.callbacks() : urls.allowedLogoutUrls();
            for (String url : list) {
                if (url.length() > MAX_URL) {
                    throw new InvalidInput(field, "URLs may be at most " + MAX_URL + " characters long");
                }
            }
        }
        return urls;
    }

    private static long requireIdTokenLifetime(long seconds) {
        if (seconds <= 0) {
            throw new InvalidInput("id_token_lifetime", "must be a positive number of seconds");
        }
        return seconds;
    }

}
