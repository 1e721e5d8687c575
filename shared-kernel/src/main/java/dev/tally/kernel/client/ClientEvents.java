package dev.tally.kernel.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.serialization.Revision;

/** Events of the client aggregate. Secrets appear only as their hash. */
public final class ClientEvents {
    private ClientEvents() {
    }

    public sealed interface ClientEvent permits ClientRegistered, ClientUpdated, ClientSecretRotated, ClientRefreshSettingsChanged,
            ClientDeleted, ClientManagementScopesChanged, ClientAuthenticationChanged {
        String clientId();

        String tenantId();
    }

    @Revision("1")
    public record ClientRegistered(String clientId, String tenantId, String name, AppType appType,
                                   List<String> grantTypes, String secretHash, Map<String, String> clientMetadata,
                                   long idTokenLifetime, ClientUrls urls, ClientSessionLimits sessionLimits,
                                   Instant createdAt) implements ClientEvent {
    }

    /** The client's changeable state after the change, whole. */
    @Revision("1")
    public record ClientUpdated(String clientId, String tenantId, String name, List<String> grantTypes,
                                Map<String, String> clientMetadata, long idTokenLifetime, ClientUrls urls,
                                ClientSessionLimits sessionLimits) implements ClientEvent {
    }

    @Revision("1")
    public record ClientSecretRotated(String clientId, String tenantId, String secretHash) implements ClientEvent {
    }

    @Revision("1")
    public record ClientRefreshSettingsChanged(String clientId, String tenantId,
                                               dev.tally.kernel.refresh.RefreshTokenSettings settings) implements ClientEvent {
    }

    /**
     * The management scopes ({@link dev.tally.kernel.management.ManagementScopes}) the platform administrator granted
     * this client over its own tenant, whole; empty revokes the grant.
     */
    @Revision("1")
    public record ClientManagementScopesChanged(String clientId, String tenantId, List<String> scopes)
            implements ClientEvent {
    }

    /**
     * How the client authenticates and its ID-token algorithm, whole. A client without this event has
     * {@link ClientAuthSettings#defaults}. Keys are public keys only.
     */
    @Revision("1")
    public record ClientAuthenticationChanged(String clientId, String tenantId, ClientAuthSettings settings)
            implements ClientEvent {
    }

    @Revision("1")
    public record ClientDeleted(String clientId, String tenantId) implements ClientEvent {
    }
}
