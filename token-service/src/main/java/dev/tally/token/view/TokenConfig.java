package dev.tally.token.view;

import dev.tally.kernel.api.ApiEvents.ApiDeleted;
import dev.tally.kernel.api.ApiEvents.ApiEvent;
import dev.tally.kernel.api.ApiEvents.ApiRegistered;
import dev.tally.kernel.api.ApiEvents.ApiUpdated;
import dev.tally.kernel.client.ClientEvents.ClientAuthenticationChanged;
import dev.tally.kernel.client.ClientEvents.ClientDeleted;
import dev.tally.kernel.client.ClientEvents.ClientEvent;
import dev.tally.kernel.client.ClientEvents.ClientManagementScopesChanged;
import dev.tally.kernel.client.ClientEvents.ClientRefreshSettingsChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientEvents.ClientSecretRotated;
import dev.tally.kernel.client.ClientEvents.ClientUpdated;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.lifetime.CompiledLifetimeRule;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.kernel.lifetime.LifetimeRuleSet;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.rule.RuleEffects;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleCreated;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleDeleted;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleUpdated;
import dev.tally.kernel.rule.RuleEvents.RuleEvent;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyActivated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDefaultAudienceChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantEvents.TenantEvent;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRefreshSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRenamed;
import dev.tally.token.signing.TenantKeys;
import dev.tally.token.signing.TenantSigningKey;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token service's own, in-memory projection of tenants (with their signing keys, lifetime settings and compiled
 * rules), APIs and clients: the hot path reads only this, never the event store or another service. Every entry is
 * kept under its tenant ({@link TenantKeyed}): a lookup names the tenant first, and a deleted tenant's entries go
 * with it. Users and login sessions are read from the store on demand into bounded caches ({@link Users},
 * {@link LoginSessions}).
 */
public class TokenConfig extends SequencedView {
    private final LifetimeRuleCompiler ruleCompiler;
    private final Map<String, TenantView> tenants = new ConcurrentHashMap<>();
    private final TenantKeyed<ApiView> apisById = new TenantKeyed<>();
    private final TenantKeyed<String> apiIdByAudience = new TenantKeyed<>();
    private final TenantKeyed<ClientView> clients = new TenantKeyed<>();
    /** Each tenant's {@code default_audience}, kept beside the tenant's view: only the audience resolution reads it. */
    private final Map<String, String> defaultAudiences = new ConcurrentHashMap<>();
    /** Opens the signing keys with the master key ring; in the start-up replay, knows their latest sealed forms. */
    private final KeysAwaitingReseal keysInReplay;
    private volatile CatchUp catchUp = CatchUp.NONE;

    /**
     * Read your writes in distributed mode: asked when a lookup misses, it brings what the event store holds of that
     * key into this projection (through {@link #apply}) and answers whether it read anything; the lookup is then
     * tried once more. In-process delivery (standalone) needs none.
     */
    public interface CatchUp {
        CatchUp NONE = new CatchUp() {
        };

        default boolean tenant(String tenantId) {
            return false;
        }

        default boolean client(String tenantId, String clientId) {
            return false;
        }

        default boolean api(String tenantId, String audience) {
            return false;
        }
    }

    public void catchUp(CatchUp catchUp) {
        this.catchUp = catchUp == null ? CatchUp.NONE : catchUp;
    }

    public TokenConfig(MasterKey masterKey, LifetimeRuleCompiler ruleCompiler) {
        this.ruleCompiler = ruleCompiler;
        this.keysInReplay = new KeysAwaitingReseal(masterKey);
    }

    /** The start-up replay begins: a key sealed under a master key no longer in the ring may wait for its re-seal. */
    synchronized void replayStarted() {
        keysInReplay.replayStarted();
    }

    /**
     * The start-up replay is done: every key a live tenant still publishes must open now.
     *
     * @throws dev.tally.kernel.crypto.MissingMasterKey naming the tenant, key, missing master key and setting
     */
    synchronized void replayFinished() {
        keysInReplay.replayFinished((tenantId, kid) -> {
            TenantView t = tenants.get(tenantId);
            return t != null && t.keys().published(kid) != null;
        });
    }

    /** Whether this projection cares about an event of this payload type (checked before deserializing it). */
    public static boolean handles(Class<?> payloadType) {
        return TenantEvent.class.isAssignableFrom(payloadType) || ApiEvent.class.isAssignableFrom(payloadType)
                || ClientEvent.class.isAssignableFrom(payloadType) || RuleEvent.class.isAssignableFrom(payloadType);
    }

    @Override
    boolean handlesPayload(Class<?> payloadType) {
        return handles(payloadType);
    }

    public Optional<TenantView> tenant(String tenantId) {
        TenantView t = tenantId == null ? null : tenants.get(tenantId);
        if (t == null && tenantId != null && catchUp.tenant(tenantId)) {
            t = tenants.get(tenantId);
        }
        return Optional.ofNullable(t);
    }

    /** The tenant's API whose identifier is {@code audience}. */
    public Optional<ApiView> api(String tenantId, String audience) {
        Optional<ApiView> api = apiIdByAudience.get(tenantId, audience).flatMap(id -> apisById.get(tenantId, id));
        if (api.isEmpty() && audience != null && catchUp.api(tenantId, audience)) {
            api = apiIdByAudience.get(tenantId, audience).flatMap(id -> apisById.get(tenantId, id));
        }
        return api;
    }

    /**
     * The tenant's {@code default_audience} (an API identifier), if it has one. Read your writes in distributed mode:
     * when this projection knows none, the tenant's events are read once more (at most once per catch-up interval)
     * before a request without an audience is refused, so a default set a moment ago applies at once.
     */
    public Optional<String> defaultAudience(String tenantId) {
        if (tenantId == null) {
            return Optional.empty();
        }
        String audience = defaultAudiences.get(tenantId);
        if (audience == null && tenants.containsKey(tenantId) && catchUp.tenant(tenantId)) {
            audience = defaultAudiences.get(tenantId);
        }
        return Optional.ofNullable(audience);
    }

    /** The client, only if it belongs to this tenant and the tenant exists. */
    public Optional<ClientView> client(String tenantId, String clientId) {
        Optional<ClientView> c = clients.get(tenantId, clientId);
        if ((c.isEmpty() || !tenants.containsKey(tenantId)) && clientId != null && catchUp.client(tenantId, clientId)) {
            c = clients.get(tenantId, clientId);
        }
        return tenants.containsKey(tenantId) ? c : Optional.empty();
    }

    /**
     * Whether a callback of one of the tenant's clients has this web origin: the question a CORS preflight asks, which
     * names no client. Reads the clients this view holds, without catching up.
     */
    public boolean anyClientHasOrigin(String tenantId, String origin) {
        if (tenantId == null || origin == null || !tenants.containsKey(tenantId)) {
            return false;
        }
        for (ClientView client : clients.values(tenantId)) {
            if (client.origins().contains(origin)) {
                return true;
            }
        }
        return false;
    }

    @Override
    void applyPayload(Object event) {
        switch (event) {
            case TenantCreated e -> tenants.put(e.tenantId(), new TenantView(e.tenantId(), e.name(), e.signingAlg(), TenantKeys.NONE,
                    TenantLifetimeSettings.defaults(), LifetimeRuleSet.empty(), TenantRefreshSettings.DEFAULTS));
            case TenantRenamed e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withName(e.name()));
            case TenantLifetimeSettingsChanged e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withLifetimes(e.settings()));
            case TenantRefreshSettingsChanged e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withRefresh(e.settings()));
            case TenantDefaultAudienceChanged e -> {
                if (e.defaultAudience() == null) {
                    defaultAudiences.remove(e.tenantId());
                } else {
                    defaultAudiences.put(e.tenantId(), e.defaultAudience());
                }
            }
            case TenantDeleted e -> {
                tenants.remove(e.tenantId());
                defaultAudiences.remove(e.tenantId());
                apisById.dropTenant(e.tenantId());
                apiIdByAudience.dropTenant(e.tenantId());
                clients.dropTenant(e.tenantId());
            }
            // before rotation: a new key signed at once and the older ones stayed published
            case SigningKeyAdded e -> tenants.computeIfPresent(e.tenantId(), (id, t) ->
                    t.withKeys(t.keys().signingWith(keysInReplay.open(e.tenantId(), e.kid(), e.alg(), e.publicJwk(),
                            e.sealedPrivateJwk()), e.alg())));
            case SigningKeyCreated e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> {
                TenantSigningKey key = keysInReplay.open(e.tenantId(), e.kid(), e.alg(), e.publicJwk(), e.sealedPrivateJwk());
                return t.withKeys(e.activatesAt() == null ? t.keys().signingWith(key, e.alg()) : t.keys().prePublished(key));
            });
            case SigningKeyActivated e -> tenants.computeIfPresent(e.tenantId(), (id, t) ->
                    t.withKeys(t.keys().activated(e.kid(), e.alg())));
            case SigningKeyRetired e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withKeys(t.keys().without(e.kid())));
            case SigningKeyRevoked e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withKeys(t.keys().without(e.kid())));
            case SigningKeyResealed e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withKeys(keysInReplay.resealed(e, t.keys())));
            case LifetimeRuleCreated e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withRules(
                    t.rules().with(compile(e.ruleId(), e.name(), e.priority(), e.condition(), e.effects()))));
            case LifetimeRuleUpdated e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withRules(
                    t.rules().without(e.ruleId()).with(compile(e.ruleId(), e.name(), e.priority(), e.condition(), e.effects()))));
            case LifetimeRuleDeleted e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withRules(t.rules().without(e.ruleId())));
            case ApiRegistered e -> {
                apisById.put(e.tenantId(), e.apiId(), new ApiView(e.apiId(), e.tenantId(), e.identifier(), e.name(),
                        e.tokenLifetime(), e.tokenLifetimeForWeb(), e.scopes(), e.allowOfflineAccess(), e.tokenDialect(),
                        e.signingAlg()));
                apiIdByAudience.put(e.tenantId(), e.identifier(), e.apiId());
            }
            case ApiUpdated e -> apisById.update(e.tenantId(), e.apiId(), a -> new ApiView(a.apiId(), a.tenantId(),
                    a.identifier(), e.name(), e.tokenLifetime(), e.tokenLifetimeForWeb(), e.scopes(), e.allowOfflineAccess(),
                    e.tokenDialect(), e.signingAlg()));
            case ApiDeleted e -> {
                apisById.remove(e.tenantId(), e.apiId());
                apiIdByAudience.remove(e.tenantId(), e.identifier(), e.apiId());
            }
            case ClientRegistered e -> clients.put(e.tenantId(), e.clientId(), new ClientView(e.clientId(), e.tenantId(),
                    e.name(), e.appType(), e.grantTypes(), e.secretHash(), e.clientMetadata(), e.idTokenLifetime(),
                    e.urls(), e.sessionLimits(), RefreshTokenSettings.NONE, e.createdAt()));
            case ClientUpdated e -> clients.update(e.tenantId(), e.clientId(), c -> new ClientView(c.clientId(),
                    c.tenantId(), e.name(), c.appType(), e.grantTypes(), c.secretHash(), e.clientMetadata(),
                    e.idTokenLifetime(), e.urls(), e.sessionLimits(), c.refresh(), c.createdAt())
                    .withManagementScopes(c.managementScopes()).withAuthentication(c.authentication(), c.keys()));
            case ClientSecretRotated e -> clients.update(e.tenantId(), e.clientId(), c -> c.withSecretHash(e.secretHash()));
            case ClientRefreshSettingsChanged e -> clients.update(e.tenantId(), e.clientId(), c -> c.withRefresh(e.settings()));
            case ClientManagementScopesChanged e ->
                    clients.update(e.tenantId(), e.clientId(), c -> c.withManagementScopes(e.scopes()));
            case ClientAuthenticationChanged e ->
                    clients.update(e.tenantId(), e.clientId(), c -> c.withAuthentication(e.settings()));
            case ClientDeleted e -> clients.remove(e.tenantId(), e.clientId());
            default -> { }
        }
    }

    /** Rules were type-checked when saved; compiling here builds the program the token path evaluates. */
    private CompiledLifetimeRule compile(String id, String name, int priority, String condition, RuleEffects effects) {
        return ruleCompiler.compile(id, name, priority, condition, effects.toLifetimeEffects());
    }
}
