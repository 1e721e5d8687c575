package dev.tally.kernel.client;

import java.util.List;
import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Commands of the client (application) aggregate. */
public final class ClientCommands {
    private ClientCommands() {
    }

    /**
     * @param secretHash the hash of the generated secret for a confidential client, else {@code null}
     * @param idTokenLifetime seconds; {@code null} for the default
     * @param authentication how the client authenticates; {@code null} for {@link ClientAuthSettings#defaults}. A
     *                       {@code private_key_jwt} client has no secret.
     */
    public record RegisterClient(String clientId, String tenantId, String name, AppType appType,
                                 List<String> grantTypes, String secretHash, Map<String, String> clientMetadata,
                                 Long idTokenLifetime, ClientUrls urls, ClientSessionLimits sessionLimits,
                                 ClientAuthSettings authentication) {
        public RegisterClient(String clientId, String tenantId, String name, AppType appType, List<String> grantTypes,
                              String secretHash, Map<String, String> clientMetadata, Long idTokenLifetime,
                              ClientUrls urls, ClientSessionLimits sessionLimits) {
            this(clientId, tenantId, name, appType, grantTypes, secretHash, clientMetadata, idTokenLifetime, urls,
                    sessionLimits, null);
        }
    }

    /**
     * The client's authentication settings, whole. {@code newSecretHash}: the hash of a secret generated for a client
     * that turns to a secret method without having one; else {@code null}.
     */
    public record ChangeClientAuthentication(@TargetAggregateIdentifier String clientId, String tenantId,
                                             ClientAuthSettings settings, String newSecretHash) {
    }

    /** The new values of the changeable fields; {@code null} keeps a field as it is. */
    public record UpdateClient(@TargetAggregateIdentifier String clientId, String tenantId, String name,
                               List<String> grantTypes, Map<String, String> clientMetadata, Long idTokenLifetime,
                               ClientUrls urls, ClientSessionLimits sessionLimits) {
    }

    /** The client's {@code refresh_token} settings, whole. */
    public record ChangeClientRefreshSettings(@TargetAggregateIdentifier String clientId, String tenantId,
                                              dev.tally.kernel.refresh.RefreshTokenSettings settings) {
    }

    public record RotateClientSecret(@TargetAggregateIdentifier String clientId, String tenantId, String secretHash) {
    }

    /** Only the platform administrator may send this (a tenant's management token may not widen its own grant). */
    public record ChangeClientManagementScopes(@TargetAggregateIdentifier String clientId, String tenantId,
                                               List<String> scopes) {
    }

    public record DeleteClient(@TargetAggregateIdentifier String clientId, String tenantId) {
    }
}
