package dev.tally.token.view;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.lifetime.ApiLifetimeSettings;
import dev.tally.kernel.lifetime.ClientProfile;
import dev.tally.kernel.lifetime.LifetimeRuleSet;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.lifetime.UserProfile;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.token.signing.TenantKeys;
import dev.tally.token.signing.TenantSigningKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Immutable views the token service answers from; each is replaced whole when its events arrive. What the
 * lifetime engine needs (settings, compiled rules, client profiles) is built here, once per change, not per token.
 */
public final class TokenConfigState {
    private TokenConfigState() {
    }

    /**
     * @param accessTokenAlg the algorithm the tenant's access tokens are signed with, unless an API says otherwise
     * @param keys the tenant's published keys and the one signing per algorithm
     * @param rules the tenant's lifetime rules, compiled
     */
    public record TenantView(String tenantId, String name, SigningAlgorithm accessTokenAlg, TenantKeys keys,
                             TenantLifetimeSettings lifetimes, LifetimeRuleSet rules, TenantRefreshSettings refresh) {

        /** The key access tokens are signed with by default; null until the tenant's first key is known. */
        public TenantSigningKey signingKey() {
            return keys.signing(accessTokenAlg);
        }

        /**
         * The key signing {@code alg}'s tokens. A tenant made before it held a key per algorithm gets the missing one
         * at the command service's first key sweep; until then its default key signs rather than nothing.
         */
        public TenantSigningKey signingKey(SigningAlgorithm alg) {
            TenantSigningKey key = alg == null ? null : keys.signing(alg);
            return key != null ? key : signingKey();
        }

        /** Every public key the tenant publishes. */
        public JWKSet jwks() {
            return keys.jwks();
        }

        TenantView withKeys(TenantKeys newKeys) {
            return new TenantView(tenantId, name, accessTokenAlg, newKeys, lifetimes, rules, refresh);
        }

        TenantView withName(String newName) {
            return new TenantView(tenantId, newName, accessTokenAlg, keys, lifetimes, rules, refresh);
        }

        TenantView withLifetimes(TenantLifetimeSettings settings) {
            return new TenantView(tenantId, name, accessTokenAlg, keys, settings, rules, refresh);
        }

        TenantView withRules(LifetimeRuleSet newRules) {
            return new TenantView(tenantId, name, accessTokenAlg, keys, lifetimes, newRules, refresh);
        }

        TenantView withRefresh(TenantRefreshSettings settings) {
            return new TenantView(tenantId, name, accessTokenAlg, keys, lifetimes, rules, settings);
        }
    }

    public record ApiView(String apiId, String tenantId, String identifier, String name, long tokenLifetime,
                          Long tokenLifetimeForWeb, List<String> scopes, boolean allowOfflineAccess,
                          ApiLifetimeSettings lifetime) {
        ApiView(String apiId, String tenantId, String identifier, String name, long tokenLifetime, Long tokenLifetimeForWeb,
                List<String> scopes, boolean allowOfflineAccess) {
            this(apiId, tenantId, identifier, name, tokenLifetime, tokenLifetimeForWeb, scopes, allowOfflineAccess,
                    tokenLifetimeForWeb == null ? new ApiLifetimeSettings(identifier, tokenLifetime)
                            : new ApiLifetimeSettings(identifier, tokenLifetime, tokenLifetimeForWeb));
        }
    }

    /**
     * @param managementScopes the management scopes ({@link dev.tally.kernel.management.ManagementScopes}) the
     *                         platform administrator granted this client over its tenant; empty for most clients
     */
    public record ClientView(String clientId, String tenantId, String name, AppType appType, List<String> grantTypes,
                             String secretHash, Map<String, String> clientMetadata, long idTokenLifetime,
                             ClientUrls urls, ClientSessionLimits sessionLimits, RefreshTokenSettings refresh,
                             Instant createdAt, ClientProfile profile, List<String> managementScopes) {
        ClientView(String clientId, String tenantId, String name, AppType appType, List<String> grantTypes,
                   String secretHash, Map<String, String> clientMetadata, long idTokenLifetime, ClientUrls urls,
                   ClientSessionLimits sessionLimits, RefreshTokenSettings refresh, Instant createdAt) {
            this(clientId, tenantId, name, appType, grantTypes, secretHash, clientMetadata, idTokenLifetime, urls,
                    sessionLimits, refresh, createdAt,
                    profile(clientId, appType, clientMetadata, idTokenLifetime, sessionLimits, refresh, createdAt), List.of());
        }

        ClientView withRefresh(RefreshTokenSettings settings) {
            return new ClientView(clientId, tenantId, name, appType, grantTypes, secretHash, clientMetadata, idTokenLifetime,
                    urls, sessionLimits, settings, createdAt).withManagementScopes(managementScopes);
        }

        ClientView withSecretHash(String hash) {
            return new ClientView(clientId, tenantId, name, appType, grantTypes, hash, clientMetadata, idTokenLifetime,
                    urls, sessionLimits, refresh, createdAt, profile, managementScopes);
        }

        ClientView withManagementScopes(List<String> scopes) {
            return new ClientView(clientId, tenantId, name, appType, grantTypes, secretHash, clientMetadata, idTokenLifetime,
                    urls, sessionLimits, refresh, createdAt, profile, List.copyOf(scopes));
        }

        private static ClientProfile profile(String clientId, AppType appType, Map<String, String> metadata,
                                             long idTokenLifetime, ClientSessionLimits limits, RefreshTokenSettings refresh,
                                             Instant createdAt) {
            return ClientProfile.of(clientId, appType, metadata, createdAt, idTokenLifetime, limits, refresh.tokenLifetime());
        }

        public boolean confidential() {
            return secretHash != null;
        }
    }

    /** A user as login and token issuance need it; the password only as its Argon2id hash. */
    public record UserView(String userId, String tenantId, String username, String passwordHash,
                           Map<String, String> userMetadata, List<String> roles, List<String> permissions,
                           Instant createdAt) {
        public UserProfile profile() {
            return new UserProfile(userId, userMetadata, roles, createdAt);
        }
    }

    /**
     * A live login session, found by the hash of its cookie. Whether it is still alive is not decided here: the
     * session aggregate decides on every use.
     */
    public record SessionView(String sessionId, String tenantId, String userId, String cookieHash) {
    }
}
