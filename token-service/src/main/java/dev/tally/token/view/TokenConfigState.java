package dev.tally.token.view;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientAuthSettings;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.client.TokenEndpointAuthMethod;
import dev.tally.kernel.lifetime.ApiLifetimeSettings;
import dev.tally.kernel.lifetime.ClientProfile;
import dev.tally.kernel.lifetime.LifetimeRuleSet;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.lifetime.UserProfile;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.platform.clientkeys.ClientKeySets;
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
         * The key signing {@code alg}'s tokens ({@code null}: the tenant's access-token algorithm). A tenant made before it held a key per algorithm gets the missing one
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

    /**
     * @param tokenDialect the form of the API's access tokens ({@code token_dialect})
     * @param signingAlg   the algorithm of the API's access tokens ({@code signing_alg}), or {@code null} for the tenant's
     */
    public record ApiView(String apiId, String tenantId, String identifier, String name, long tokenLifetime,
                          Long tokenLifetimeForWeb, List<String> scopes, boolean allowOfflineAccess,
                          ApiLifetimeSettings lifetime, TokenDialect tokenDialect, SigningAlgorithm signingAlg) {
        ApiView(String apiId, String tenantId, String identifier, String name, long tokenLifetime, Long tokenLifetimeForWeb,
                List<String> scopes, boolean allowOfflineAccess, TokenDialect tokenDialect, SigningAlgorithm signingAlg) {
            this(apiId, tenantId, identifier, name, tokenLifetime, tokenLifetimeForWeb, scopes, allowOfflineAccess,
                    tokenLifetimeForWeb == null ? new ApiLifetimeSettings(identifier, tokenLifetime)
                            : new ApiLifetimeSettings(identifier, tokenLifetime, tokenLifetimeForWeb), tokenDialect, signingAlg);
        }
    }

    /**
     * @param managementScopes the management scopes ({@link dev.tally.kernel.management.ManagementScopes}) the
     *                         platform administrator granted this client over its tenant; empty for most clients
     * @param authentication   how the client authenticates and its ID-token algorithm
     * @param keys             the client's registered {@code jwks}, parsed once; null when it has none (a
     *                         {@code jwks_uri} is fetched when needed, not held here)
     * @param origins          the web origins of its callbacks ({@link ClientUrls#origins()}), computed once: the
     *                         pages that may read the token endpoint's answers to this client (CORS)
     */
    public record ClientView(String clientId, String tenantId, String name, AppType appType, List<String> grantTypes,
                             String secretHash, Map<String, String> clientMetadata, long idTokenLifetime,
                             ClientUrls urls, ClientSessionLimits sessionLimits, RefreshTokenSettings refresh,
                             Instant createdAt, ClientProfile profile, List<String> managementScopes,
                             ClientAuthSettings authentication, JWKSet keys, List<String> origins) {
        ClientView(String clientId, String tenantId, String name, AppType appType, List<String> grantTypes,
                   String secretHash, Map<String, String> clientMetadata, long idTokenLifetime, ClientUrls urls,
                   ClientSessionLimits sessionLimits, RefreshTokenSettings refresh, Instant createdAt) {
            this(clientId, tenantId, name, appType, grantTypes, secretHash, clientMetadata, idTokenLifetime, urls,
                    sessionLimits, refresh, createdAt,
                    profile(clientId, appType, clientMetadata, idTokenLifetime, sessionLimits, refresh, createdAt), List.of(),
                    ClientAuthSettings.defaults(appType), null, urls == null ? List.of() : urls.origins());
        }

        ClientView withRefresh(RefreshTokenSettings settings) {
            return new ClientView(clientId, tenantId, name, appType, grantTypes, secretHash, clientMetadata, idTokenLifetime,
                    urls, sessionLimits, settings, createdAt).withManagementScopes(managementScopes)
                    .withAuthentication(authentication, keys);
        }

        ClientView withSecretHash(String hash) {
            return new ClientView(clientId, tenantId, name, appType, grantTypes, hash, clientMetadata, idTokenLifetime,
                    urls, sessionLimits, refresh, createdAt, profile, managementScopes, authentication, keys, origins);
        }

        ClientView withManagementScopes(List<String> scopes) {
            return new ClientView(clientId, tenantId, name, appType, grantTypes, secretHash, clientMetadata, idTokenLifetime,
                    urls, sessionLimits, refresh, createdAt, profile, List.copyOf(scopes), authentication, keys, origins);
        }

        ClientView withAuthentication(ClientAuthSettings settings) {
            JWKSet parsed = null;
            if (settings.jwks() != null) {
                try {
                    parsed = ClientKeySets.parse(settings.jwks());
                } catch (ClientKeySets.Refused e) {
                    // The management API stored only key sets that pass these rules; one that no longer does is a bug.
                    throw new IllegalStateException("client " + clientId + " has a registered jwks that " + e.getMessage(), e);
                }
            }
            return withAuthentication(settings, parsed);
        }

        ClientView withAuthentication(ClientAuthSettings settings, JWKSet parsedKeys) {
            return new ClientView(clientId, tenantId, name, appType, grantTypes, secretHash, clientMetadata, idTokenLifetime,
                    urls, sessionLimits, refresh, createdAt, profile, managementScopes, settings, parsedKeys, origins);
        }

        public TokenEndpointAuthMethod tokenEndpointAuthMethod() {
            return authentication.tokenEndpointAuthMethod();
        }

        /** The algorithm this client's ID tokens are to be signed with (RS256 unless it registered ES256). */
        public SigningAlgorithm idTokenSignedResponseAlg() {
            return SigningAlgorithm.valueOf(authentication.idTokenSignedResponseAlg());
        }

        private static ClientProfile profile(String clientId, AppType appType, Map<String, String> metadata,
                                             long idTokenLifetime, ClientSessionLimits limits, RefreshTokenSettings refresh,
                                             Instant createdAt) {
            return ClientProfile.of(clientId, appType, metadata, createdAt, idTokenLifetime, limits, refresh.tokenLifetime());
        }

        /** A confidential client: one that authenticates with a secret or with its keys (its app type says which kind). */
        public boolean confidential() {
            return appType.confidential();
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
