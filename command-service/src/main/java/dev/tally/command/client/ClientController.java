package dev.tally.command.client;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.catalog.CatalogRows.ClientRow;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientAuthSettings;
import dev.tally.kernel.client.ClientCommands.ChangeClientAuthentication;
import dev.tally.kernel.client.ClientCommands.ChangeClientManagementScopes;
import dev.tally.kernel.client.ClientCommands.ChangeClientRefreshSettings;
import dev.tally.kernel.client.ClientCommands.DeleteClient;
import dev.tally.kernel.client.ClientCommands.RegisterClient;
import dev.tally.kernel.client.ClientCommands.RotateClientSecret;
import dev.tally.kernel.client.ClientCommands.UpdateClient;
import dev.tally.kernel.client.ClientIds;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.client.TokenEndpointAuthMethod;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.lifetime.RepresentableLifetimes;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.platform.clientkeys.ClientJwksProperties;
import dev.tally.platform.clientkeys.ClientKeySets;
import dev.tally.platform.admin.ManagementPrincipal;
import dev.tally.platform.problem.ManagementApi;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/tenants/{tenant}/clients}: the tenant's applications. A confidential client's secret is generated
 * here, shown once in the response that creates (or rotates) it, and kept only as its hash.
 *
 * <p>{@code management_scopes} (see {@link dev.tally.kernel.management.ManagementScopes}) lets a client obtain
 * management tokens for its own tenant. Only the platform administrator may set it: a tenant's management token that
 * could, could widen its own power.
 *
 * <p>{@code token_endpoint_auth_method}, {@code jwks}, {@code jwks_uri} and {@code id_token_signed_response_alg}
 * (OpenID Connect Dynamic Client Registration §2): a confidential client authenticates with its secret (the default)
 * or with {@code private_key_jwt} and its public keys, and then has no secret; a public client with {@code none}.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}/clients")
public class ClientController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final CommandGateway commands;
    private final Catalog catalog;
    private final ClientJwksProperties jwksSettings;

    public ClientController(CommandGateway commands, Catalog catalog, ClientJwksProperties jwksSettings) {
        this.commands = commands;
        this.catalog = catalog;
        this.jwksSettings = jwksSettings;
    }

    public record CreateClientRequest(String name, String appType, List<String> grantTypes,
                                      Map<String, String> clientMetadata, Long idTokenLifetime, List<String> callbacks,
                                      List<String> allowedLogoutUrls, Long sessionIdleTimeout, Long sessionAbsoluteTimeout,
                                      RefreshTokenRequest refreshToken, List<String> managementScopes,
                                      String tokenEndpointAuthMethod, Map<String, Object> jwks, String jwksUri,
                                      String idTokenSignedResponseAlg) {
    }

    /**
     * Absent fields keep their value; {@code callbacks}, {@code allowed_logout_urls} and {@code refresh_token}
     * replace theirs whole. {@code jwks} and {@code jwks_uri} replace the client's keys whole, either one clearing
     * the other.
     */
    public record UpdateClientRequest(String name, List<String> grantTypes, Map<String, String> clientMetadata,
                                      Long idTokenLifetime, List<String> callbacks, List<String> allowedLogoutUrls,
                                      Long sessionIdleTimeout, Long sessionAbsoluteTimeout, RefreshTokenRequest refreshToken,
                                      List<String> managementScopes, String tokenEndpointAuthMethod,
                                      Map<String, Object> jwks, String jwksUri, String idTokenSignedResponseAlg) {
    }

    /** {@code refresh_token}: {@code rotation} none | rotate | rotate-sliding; lifetimes and leeway in seconds. */
    public record RefreshTokenRequest(String rotation, Long tokenLifetime, Long idleTokenLifetime, Long leeway) {
        RefreshTokenSettings settings() {
            // checked here too, before the client is registered, so a refused setting leaves no client behind
            return RepresentableLifetimes.require(new RefreshTokenSettings(rotation == null ? null
                    : RotationMode.parse(rotation), tokenLifetime, idleTokenLifetime, leeway));
        }
    }

    /**
     * {@code clientSecret} is present only in the answer that created or rotated it (or gave a secret to a client
     * turning from {@code private_key_jwt} to a secret method).
     */
    public record ClientResponse(String clientId, String clientSecret, String name, String appType,
                                 List<String> grantTypes, Map<String, String> clientMetadata,
                                 String tokenEndpointAuthMethod, Map<String, Object> jwks, String jwksUri,
                                 String idTokenSignedResponseAlg, long idTokenLifetime, List<String> callbacks,
                                 List<String> allowedLogoutUrls, Long sessionIdleTimeout, Long sessionAbsoluteTimeout,
                                 RefreshTokenRequest refreshToken, List<String> managementScopes, Instant createdAt) {
        static ClientResponse of(ClientRow row, String secret) {
            ClientAuthSettings auth = row.authentication();
            return new ClientResponse(row.clientId(), secret, row.name(), row.appType(), row.grantTypes(),
                    row.clientMetadata(), auth.tokenEndpointAuthMethod().wireName(),
                    auth.jwks() == null ? null : JSON.readValue(auth.jwks(), JWKS_TYPE), auth.jwksUri(),
                    auth.idTokenSignedResponseAlg(), row.idTokenLifetime(),
                    row.callbacks(), row.allowedLogoutUrls(), row.sessionIdleTimeout(), row.sessionAbsoluteTimeout(),
                    new RefreshTokenRequest(row.refreshToken().rotation() == null ? null : row.refreshToken().rotation().wireName(),
                            row.refreshToken().tokenLifetime(), row.refreshToken().idleTokenLifetime(), row.refreshToken().leeway()),
                    row.managementScopes(), row.createdAt());
        }
    }

    private static final TypeReference<Map<String, Object>> JWKS_TYPE = new TypeReference<>() { };

    /**
     * The authentication settings a request asks for, over {@code current} (absent fields keep their value), checked
     * here so that a refused value leaves no client behind.
     */
    private ClientAuthSettings authentication(AppType appType, ClientAuthSettings current, String method,
                                              Map<String, Object> jwks, String jwksUri, String idTokenAlg) {
        String newJwks = current.jwks();
        String newJwksUri = current.jwksUri();
        if (jwks != null && jwksUri != null) {
            throw new InvalidInput("jwks", "give jwks or jwks_uri, not both");
        }
        if (jwks != null) {
            newJwks = ClientKeySets.normalized(ClientKeySets.requireValid(jwks));
            newJwksUri = null;
        }
        if (jwksUri != null) {
            newJwksUri = ClientKeySets.requireJwksUri(jwksUri, jwksSettings.allowHttp());
            newJwks = null;
        }
        return new ClientAuthSettings(
                method == null ? current.tokenEndpointAuthMethod() : TokenEndpointAuthMethod.parse(method),
                newJwks, newJwksUri, idTokenAlg == null ? current.idTokenSignedResponseAlg() : idTokenAlg)
                .requireConsistent(appType);
    }


    @PostMapping
    public ResponseEntity<ClientResponse> create(@PathVariable String tenant, @RequestBody CreateClientRequest request,
                                                 HttpServletRequest http) {
        if (request.managementScopes() != null) {
            ManagementPrincipal.requirePlatformAdmin(http, "management_scopes");
        }
        if (request.appType() == null) {
            throw new InvalidInput("app_type", "is required: one of spa, regular_web, native, non_interactive");
        }
        AppType appType = AppType.parse(request.appType());
        ClientAuthSettings auth = authentication(appType, ClientAuthSettings.defaults(appType),
                request.tokenEndpointAuthMethod(), request.jwks(), request.jwksUri(), request.idTokenSignedResponseAlg());
        String clientId = ClientIds.newClientId();
        String secret = auth.tokenEndpointAuthMethod().usesSecret() ? ClientIds.newClientSecret() : null;
        List<String> grants = request.grantTypes() == null ? ClientIds.defaultGrantTypes(appType) : request.grantTypes();
        if (request.managementScopes() != null) {
            // Checked before the client exists, so a refused grant does not leave a client behind.
            Client.requireManagementScopes(request.managementScopes(), appType, grants);
        }
        RefreshTokenSettings refresh = request.refreshToken() == null ? RefreshTokenSettings.NONE : request.refreshToken().settings();
        commands.sendAndWait(new RegisterClient(clientId, tenant, request.name(), appType, grants,
                secret == null ? null : SecretHash.of(secret), request.clientMetadata(), request.idTokenLifetime(),
                new ClientUrls(request.callbacks(), request.allowedLogoutUrls()),
                new ClientSessionLimits(request.sessionIdleTimeout(), request.sessionAbsoluteTimeout()), auth));
        if (!refresh.equals(RefreshTokenSettings.NONE)) {
            commands.sendAndWait(new ChangeClientRefreshSettings(clientId, tenant, refresh));
        }
        if (request.managementScopes() != null && !request.managementScopes().isEmpty()) {
            commands.sendAndWait(new ChangeClientManagementScopes(clientId, tenant, request.managementScopes()));
        }
        return ResponseEntity.created(URI.create("/admin/tenants/" + tenant + "/clients/" + clientId))
                .body(ClientResponse.of(row(tenant, clientId), secret));
    }

    @GetMapping
    public List<ClientResponse> list(@PathVariable String tenant) {
        catalog.requireActiveTenant(tenant);
        return catalog.clients(tenant).stream().map(r -> ClientResponse.of(r, null)).toList();
    }

    @GetMapping("/{clientId}")
    public ClientResponse get(@PathVariable String tenant, @PathVariable String clientId) {
        return ClientResponse.of(row(tenant, clientId), null);
    }

    @PatchMapping("/{clientId}")
    public ClientResponse update(@PathVariable String tenant, @PathVariable String clientId,
                                 @RequestBody UpdateClientRequest request, HttpServletRequest http) {
        if (request.managementScopes() != null) {
            ManagementPrincipal.requirePlatformAdmin(http, "management_scopes");
        }
        ClientRow current = row(tenant, clientId);
        if (request.managementScopes() != null) {
            Client.requireManagementScopes(request.managementScopes(), AppType.parse(current.appType()),
                    request.grantTypes() == null ? current.grantTypes() : request.grantTypes());
        }
        ClientUrls urls = request.callbacks() == null && request.allowedLogoutUrls() == null ? null : new ClientUrls(
                request.callbacks() == null ? current.callbacks() : request.callbacks(),
                request.allowedLogoutUrls() == null ? current.allowedLogoutUrls() : request.allowedLogoutUrls());
        ClientSessionLimits limits = request.sessionIdleTimeout() == null && request.sessionAbsoluteTimeout() == null ? null
                : new ClientSessionLimits(
                        request.sessionIdleTimeout() == null ? current.sessionIdleTimeout() : request.sessionIdleTimeout(),
                        request.sessionAbsoluteTimeout() == null ? current.sessionAbsoluteTimeout() : request.sessionAbsoluteTimeout());
        RefreshTokenSettings refresh = request.refreshToken() == null ? null : request.refreshToken().settings();
        boolean authChange = request.tokenEndpointAuthMethod() != null || request.jwks() != null
                || request.jwksUri() != null || request.idTokenSignedResponseAlg() != null;
        ClientAuthSettings auth = !authChange ? null : authentication(AppType.parse(current.appType()),
                current.authentication(), request.tokenEndpointAuthMethod(), request.jwks(), request.jwksUri(),
                request.idTokenSignedResponseAlg());
        commands.sendAndWait(new UpdateClient(clientId, tenant, request.name(), request.grantTypes(), request.clientMetadata(),
                request.idTokenLifetime(), urls, limits));
        if (refresh != null) {
            commands.sendAndWait(new ChangeClientRefreshSettings(clientId, tenant, refresh));
        }
        if (request.managementScopes() != null) {
            commands.sendAndWait(new ChangeClientManagementScopes(clientId, tenant, request.managementScopes()));
        }
        String secret = null;
        if (auth != null) {
            secret = Client.needsNewSecret(current.authentication(), auth) ? ClientIds.newClientSecret() : null;
            commands.sendAndWait(new ChangeClientAuthentication(clientId, tenant, auth,
                    secret == null ? null : SecretHash.of(secret)));
        }
        return ClientResponse.of(row(tenant, clientId), secret);
    }

    @PostMapping("/{clientId}/rotate-secret")
    public ClientResponse rotateSecret(@PathVariable String tenant, @PathVariable String clientId) {
        row(tenant, clientId);
        String secret = ClientIds.newClientSecret();
        commands.sendAndWait(new RotateClientSecret(clientId, tenant, SecretHash.of(secret)));
        return ClientResponse.of(row(tenant, clientId), secret);
    }

    @DeleteMapping("/{clientId}")
    public ResponseEntity<Void> delete(@PathVariable String tenant, @PathVariable String clientId) {
        row(tenant, clientId);
        commands.sendAndWait(new DeleteClient(clientId, tenant));
        return ResponseEntity.noContent().build();
    }

    private ClientRow row(String tenant, String clientId) {
        catalog.requireActiveTenant(tenant);
        return catalog.client(tenant, clientId)
                .orElseThrow(() -> new NotFound("no client '" + clientId + "' in tenant '" + tenant + "'"));
    }

}
