package dev.tally.token.view;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tally.kernel.api.ApiEvents.ApiDeleted;
import dev.tally.kernel.api.ApiEvents.ApiEvent;
import dev.tally.kernel.api.ApiEvents.ApiRegistered;
import dev.tally.kernel.api.ApiEvents.ApiUpdated;
import dev.tally.kernel.client.ClientEvents.ClientDeleted;
import dev.tally.kernel.client.ClientEvents.ClientEvent;
import dev.tally.kernel.client.ClientEvents.ClientManagementScopesChanged;
import dev.tally.kernel.client.ClientEvents.ClientRefreshSettingsChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientEvents.ClientSecretRotated;
import dev.tally.kernel.client.ClientEvents.ClientUpdated;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.crypto.SecretHash;
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
import dev.tally.kernel.session.SessionEvents.SessionEvent;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantEvents.TenantEvent;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRefreshSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRenamed;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserEvent;
import dev.tally.kernel.user.UserEvents.UserPasswordChanged;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.kernel.user.UserEvents.UserUpdated;
import dev.tally.kernel.user.UserIds;
import dev.tally.token.signing.TenantSigningKey;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.SessionView;
import dev.tally.token.view.TokenConfigState.TenantView;
import dev.tally.token.view.TokenConfigState.UserView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventhandling.DomainEventMessage;

/**
 * The token service's own, in-memory projection of tenants (with their lifetime settings and compiled rules),
 * APIs, clients and signing keys: the hot path reads
 * only this, never the event store or another service. Reads are lock-free; the rare writes are serialized and
 * skip an event whose aggregate sequence was already applied, so the start-up replay and live delivery may
 * overlap safely.
 */
public class TokenConfig {
    private final MasterKey masterKey;
    private final Map<String, TenantView> tenants = new ConcurrentHashMap<>();
    private final Map<String, ApiView> apisById = new ConcurrentHashMap<>();
    private final Map<String, String> apiIdByAudience = new ConcurrentHashMap<>();
    private final Map<String, ClientView> clients = new ConcurrentHashMap<>();
    private final Map<String, UserView> users = new ConcurrentHashMap<>();
    private final Map<String, String> userIdByName = new ConcurrentHashMap<>();
    private final Map<String, SessionView> sessionsByCookie = new ConcurrentHashMap<>();
    private final Map<String, String> cookieBySession = new ConcurrentHashMap<>();
    private final Map<String, Long> appliedSequence = new HashMap<>();

    private final LifetimeRuleCompiler ruleCompiler;
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
        this.masterKey = masterKey;
        this.ruleCompiler = ruleCompiler;
    }

    /** Whether this projection cares about an event of this payload type (checked before deserializing it). */
    public static boolean handles(Class<?> payloadType) {
        return TenantEvent.class.isAssignableFrom(payloadType) || ApiEvent.class.isAssignableFrom(payloadType)
                || ClientEvent.class.isAssignableFrom(payloadType) || RuleEvent.class.isAssignableFrom(payloadType)
                || UserEvent.class.isAssignableFrom(payloadType) || SessionEvent.class.isAssignableFrom(payloadType);
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
        String apiId = apiIdByAudience.get(audienceKey(tenantId, audience));
        if ((apiId == null || !apisById.containsKey(apiId)) && catchUp.api(tenantId, audience)) {
            apiId = apiIdByAudience.get(audienceKey(tenantId, audience));
        }
        return apiId == null ? Optional.empty() : Optional.ofNullable(apisById.get(apiId));
    }

    /** The client, only if it belongs to this tenant and the tenant exists. */
    public Optional<ClientView> client(String tenantId, String clientId) {
        ClientView c = clients.get(clientId);
        if ((c == null || !tenants.containsKey(tenantId)) && catchUp.client(tenantId, clientId)) {
            c = clients.get(clientId);
        }
        return c != null && c.tenantId().equals(tenantId) && tenants.containsKey(tenantId) ? Optional.of(c) : Optional.empty();
    }

    public Optional<UserView> user(String tenantId, String userId) {
        UserView u = users.get(userId);
        return u != null && u.tenantId().equals(tenantId) ? Optional.of(u) : Optional.empty();
    }

    /** Usernames are unique in a tenant without regard to case. */
    public Optional<UserView> userByUsername(String tenantId, String username) {
        String id = userIdByName.get(tenantId + '\n' + UserIds.canonical(username));
        return id == null ? Optional.empty() : user(tenantId, id);
    }

    /** The session whose cookie this is, if it was started and has not been seen to end. */
    public Optional<SessionView> sessionByCookie(String tenantId, String cookieValue) {
        SessionView s = sessionsByCookie.get(SecretHash.of(cookieValue));
        return s != null && s.tenantId().equals(tenantId) ? Optional.of(s) : Optional.empty();
    }

    /** Applies one event if it is newer than what this projection has of its aggregate. */
    public synchronized void apply(DomainEventMessage<?> message) {
        if (!handles(message.getPayloadType())) {
            return;
        }
        Long last = appliedSequence.get(message.getAggregateIdentifier());
        if (last != null && message.getSequenceNumber() <= last) {
            return;
        }
        applyPayload(message.getPayload());
        appliedSequence.put(message.getAggregateIdentifier(), message.getSequenceNumber());
    }

    private void applyPayload(Object event) {
        switch (event) {
            case TenantCreated e -> tenants.put(e.tenantId(), new TenantView(e.tenantId(), e.name(), null, new JWKSet(),
                    TenantLifetimeSettings.defaults(), LifetimeRuleSet.empty(), TenantRefreshSettings.DEFAULTS));
            case TenantRenamed e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withName(e.name()));
            case TenantLifetimeSettingsChanged e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withLifetimes(e.settings()));
            case TenantRefreshSettingsChanged e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withRefresh(e.settings()));
            case TenantDeleted e -> tenants.remove(e.tenantId());
            case SigningKeyAdded e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> {
                TenantSigningKey key = TenantSigningKey.unseal(e, masterKey);
                List<JWK> keys = new ArrayList<>(t.jwks().getKeys());
                keys.add(key.publicJwk());
                return t.withKey(key, new JWKSet(keys));
            });
            case LifetimeRuleCreated e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withRules(
                    t.rules().with(compile(e.ruleId(), e.name(), e.priority(), e.condition(), e.effects()))));
            case LifetimeRuleUpdated e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withRules(
                    t.rules().without(e.ruleId()).with(compile(e.ruleId(), e.name(), e.priority(), e.condition(), e.effects()))));
            case LifetimeRuleDeleted e -> tenants.computeIfPresent(e.tenantId(), (id, t) -> t.withRules(t.rules().without(e.ruleId())));
            case ApiRegistered e -> {
                apisById.put(e.apiId(), new ApiView(e.apiId(), e.tenantId(), e.identifier(), e.name(), e.tokenLifetime(),
                        e.tokenLifetimeForWeb(), e.scopes(), e.allowOfflineAccess()));
                apiIdByAudience.put(audienceKey(e.tenantId(), e.identifier()), e.apiId());
            }
            case ApiUpdated e -> apisById.computeIfPresent(e.apiId(), (id, a) -> new ApiView(id, a.tenantId(), a.identifier(),
                    e.name(), e.tokenLifetime(), e.tokenLifetimeForWeb(), e.scopes(), e.allowOfflineAccess()));
            case ApiDeleted e -> {
                apisById.remove(e.apiId());
                apiIdByAudience.remove(audienceKey(e.tenantId(), e.identifier()), e.apiId());
            }
            case ClientRegistered e -> clients.put(e.clientId(), new ClientView(e.clientId(), e.tenantId(), e.name(),
                    e.appType(), e.grantTypes(), e.secretHash(), e.clientMetadata(), e.idTokenLifetime(), e.urls(),
                    e.sessionLimits(), RefreshTokenSettings.NONE, e.createdAt()));
            case ClientUpdated e -> clients.computeIfPresent(e.clientId(), (id, c) -> new ClientView(id, c.tenantId(),
                    e.name(), c.appType(), e.grantTypes(), c.secretHash(), e.clientMetadata(), e.idTokenLifetime(), e.urls(),
                    e.sessionLimits(), c.refresh(), c.createdAt()).withManagementScopes(c.managementScopes()));
            case ClientSecretRotated e -> clients.computeIfPresent(e.clientId(), (id, c) -> c.withSecretHash(e.secretHash()));
            case ClientRefreshSettingsChanged e -> clients.computeIfPresent(e.clientId(), (id, c) -> c.withRefresh(e.settings()));
            case ClientManagementScopesChanged e ->
                    clients.computeIfPresent(e.clientId(), (id, c) -> c.withManagementScopes(e.scopes()));
            case ClientDeleted e -> clients.remove(e.clientId());
            case UserRegistered e -> {
                users.put(e.userId(), new UserView(e.userId(), e.tenantId(), e.username(), e.passwordHash(), e.userMetadata(),
                        e.roles(), e.permissions(), e.createdAt()));
                userIdByName.put(e.tenantId() + '\n' + UserIds.canonical(e.username()), e.userId());
            }
            case UserUpdated e -> users.computeIfPresent(e.userId(), (id, u) -> {
                userIdByName.remove(u.tenantId() + '\n' + UserIds.canonical(u.username()), id);
                userIdByName.put(u.tenantId() + '\n' + UserIds.canonical(e.username()), id);
                return new UserView(id, u.tenantId(), e.username(), u.passwordHash(), e.userMetadata(), u.roles(),
                        u.permissions(), u.createdAt());
            });
            case UserPermissionsChanged e -> users.computeIfPresent(e.userId(), (id, u) -> new UserView(id, u.tenantId(),
                    u.username(), u.passwordHash(), u.userMetadata(), e.roles(), e.permissions(), u.createdAt()));
            case UserPasswordChanged e -> users.computeIfPresent(e.userId(), (id, u) -> new UserView(id, u.tenantId(),
                    u.username(), e.passwordHash(), u.userMetadata(), u.roles(), u.permissions(), u.createdAt()));
            case UserDeleted e -> {
                UserView u = users.remove(e.userId());
                if (u != null) {
                    userIdByName.remove(u.tenantId() + '\n' + UserIds.canonical(u.username()), e.userId());
                }
            }
            case SessionStarted e -> {
                sessionsByCookie.put(e.cookieHash(), new SessionView(e.sessionId(), e.tenantId(), e.userId(), e.cookieHash()));
                cookieBySession.put(e.sessionId(), e.cookieHash());
            }
            case SessionExpired e -> forgetSession(e.sessionId());
            case SessionRevoked e -> forgetSession(e.sessionId());
            default -> { }
        }
    }

    private void forgetSession(String sessionId) {
        String cookieHash = cookieBySession.remove(sessionId);
        if (cookieHash != null) {
            sessionsByCookie.remove(cookieHash);
        }
    }

    /** Rules were type-checked when saved; compiling here builds the program the token path evaluates. */
    private CompiledLifetimeRule compile(String id, String name, int priority, String condition, RuleEffects effects) {
        return ruleCompiler.compile(id, name, priority, condition, effects.toLifetimeEffects());
    }

    private static String audienceKey(String tenantId, String audience) {
        return tenantId + '\n' + audience;
    }
}
