package dev.tally.token.config;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tally.kernel.client.AppType;
import dev.tally.token.signing.TenantSigningKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Immutable views the token service answers from; each is replaced whole when its events arrive. */
public final class TokenConfigState {
    private TokenConfigState() {
    }

    /**
     * @param signingKey the key new tokens are signed with
     * @param jwks every public key of the tenant, as published
     */
    public record TenantView(String tenantId, String name, TenantSigningKey signingKey, JWKSet jwks) {
    }

    public record ApiView(String apiId, String tenantId, String identifier, String name, long tokenLifetime,
                          Long tokenLifetimeForWeb, List<String> scopes) {
    }

    public record ClientView(String clientId, String tenantId, String name, AppType appType, List<String> grantTypes,
                             String secretHash, Map<String, String> clientMetadata, Instant createdAt) {
    }
}
