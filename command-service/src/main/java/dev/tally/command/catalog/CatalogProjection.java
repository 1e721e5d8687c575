package dev.tally.command.catalog;

import dev.tally.kernel.tenant.TenantEvents.ExportedPart;
import dev.tally.kernel.tenant.TenantEvents.IssuanceRecordRetentionChanged;
import dev.tally.kernel.tenant.TenantEvents.IssuanceRecordsPruned;
import dev.tally.kernel.tenant.TenantEvents.LegalHoldLifted;
import dev.tally.kernel.tenant.TenantEvents.LegalHoldPlaced;
import dev.tally.kernel.api.ApiEvents.ApiDeleted;
import dev.tally.kernel.api.ApiEvents.ApiRegistered;
import dev.tally.kernel.api.ApiEvents.ApiUpdated;
import dev.tally.kernel.client.ClientEvents.ClientAuthenticationChanged;
import dev.tally.kernel.client.ClientEvents.ClientDeleted;
import dev.tally.kernel.client.ClientEvents.ClientManagementScopesChanged;
import dev.tally.kernel.client.ClientEvents.ClientRefreshSettingsChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientEvents.ClientUpdated;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleCreated;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleDeleted;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleUpdated;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDefaultAudienceChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantPermissionChangePolicyChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRefreshSettingsChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantRenamed;
import java.time.ZoneOffset;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the catalog in step with the events, inside the transaction that appends them (a subscribing processor
 * whose errors propagate, see {@link CatalogProcessing}). A unique violation here therefore rolls back the events
 * too: two concurrent registrations of one API identifier cannot both succeed.
 */
@Component
@ProcessingGroup(CatalogProcessing.GROUP)
public class CatalogProjection {
    private final JdbcTemplate jdbc;

    public CatalogProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(TenantCreated e) {
        try {
            jdbc.update("INSERT INTO tenant_catalog (tenant_id, name, signing_alg, created_at, deleted) VALUES (?, ?, ?, ?, FALSE)",
                    e.tenantId(), e.name(), e.signingAlg().name(), e.createdAt().atOffset(ZoneOffset.UTC));
        } catch (DuplicateKeyException raced) {
            throw new Conflict("id", "tenant '" + e.tenantId() + "' already exists");
        }
    }

    @EventHandler
    void on(TenantLifetimeSettingsChanged e) {
        jdbc.update("UPDATE tenant_catalog SET lifetime_settings = ? WHERE tenant_id = ?", Json.write(e), e.tenantId());
    }

    @EventHandler
    void on(TenantRefreshSettingsChanged e) {
        jdbc.update("UPDATE tenant_catalog SET refresh_settings = ? WHERE tenant_id = ?", Json.write(e.settings()), e.tenantId());
    }

    @EventHandler
    void on(TenantPermissionChangePolicyChanged e) {
        jdbc.update("UPDATE tenant_catalog SET on_permission_change = ? WHERE tenant_id = ?", e.policy().wireName(),
                e.tenantId());
    }

    @EventHandler
    void on(ClientRefreshSettingsChanged e) {
        jdbc.update("UPDATE client_catalog SET refresh_token = ? WHERE tenant_id = ? AND client_id = ?", Json.write(e.settings()),
                e.tenantId(), e.clientId());
    }

    @EventHandler
    void on(ClientAuthenticationChanged e) {
        jdbc.update("UPDATE client_catalog SET authentication = ? WHERE tenant_id = ? AND client_id = ?",
                Json.write(e.settings()), e.tenantId(), e.clientId());
    }

    @EventHandler
    void on(ClientManagementScopesChanged e) {
        jdbc.update("UPDATE client_catalog SET management_scopes = ? WHERE tenant_id = ? AND client_id = ?",
                Json.write(e.scopes()), e.tenantId(), e.clientId());
    }

    @EventHandler
    void on(TenantRenamed e) {
        jdbc.update("UPDATE tenant_catalog SET name = ? WHERE tenant_id = ?", e.name(), e.tenantId());
    }

    @EventHandler
    void on(TenantDefaultAudienceChanged e) {
        jdbc.update("UPDATE tenant_catalog SET default_audience = ? WHERE tenant_id = ?", e.defaultAudience(), e.tenantId());
    }

    @EventHandler
    void on(IssuanceRecordRetentionChanged e) {
        jdbc.update("UPDATE tenant_catalog SET issuance_record_retention = ? WHERE tenant_id = ?", e.retention(), e.tenantId());
    }

    @EventHandler
    void on(LegalHoldPlaced e) {
        jdbc.update("UPDATE tenant_catalog SET legal_hold_reason = ?, legal_hold_since = ? WHERE tenant_id = ?", e.reason(),
                e.at().atOffset(ZoneOffset.UTC), e.tenantId());
    }

    @EventHandler
    void on(LegalHoldLifted e) {
        jdbc.update("UPDATE tenant_catalog SET legal_hold_reason = NULL, legal_hold_since = NULL WHERE tenant_id = ?",
                e.tenantId());
    }

    /** In the transaction that deletes the records: the export files' committed lengths move with the deletion. */
    @EventHandler
    void on(IssuanceRecordsPruned e) {
        for (ExportedPart part : e.files()) {
            if (jdbc.update("UPDATE issuance_export_file SET length = ? WHERE tenant_id = ? AND file = ?", part.toByte(),
                    e.tenantId(), part.file()) == 0) {
                jdbc.update("INSERT INTO issuance_export_file (tenant_id, file, length) VALUES (?, ?, ?)", e.tenantId(),
                        part.file(), part.toByte());
            }
        }
    }

    @EventHandler
    void on(TenantDeleted e) {
        // The row stays (deleted) so the id is never handed out again.
        jdbc.update("UPDATE tenant_catalog SET deleted = TRUE WHERE tenant_id = ?", e.tenantId());
    }

    @EventHandler
    void on(ApiRegistered e) {
        try {
            jdbc.update("INSERT INTO api_catalog (tenant_id, api_id, identifier, name, token_lifetime, token_lifetime_for_web, scopes, "
                            + "allow_offline_access, created_at, token_dialect, signing_alg) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    e.tenantId(), e.apiId(), e.identifier(), e.name(), e.tokenLifetime(), e.tokenLifetimeForWeb(),
                    Json.write(e.scopes()), e.allowOfflineAccess(), e.createdAt().atOffset(ZoneOffset.UTC),
                    e.tokenDialect().wireName(), e.signingAlg() == null ? null : e.signingAlg().name());
        } catch (DuplicateKeyException raced) {
            throw new Conflict("identifier", "an API with identifier '" + e.identifier() + "' already exists in this tenant");
        }
    }

    @EventHandler
    void on(ApiUpdated e) {
        jdbc.update("UPDATE api_catalog SET name = ?, token_lifetime = ?, token_lifetime_for_web = ?, scopes = ?, "
                        + "allow_offline_access = ?, token_dialect = ?, signing_alg = ? WHERE tenant_id = ? AND api_id = ?",
                e.name(), e.tokenLifetime(), e.tokenLifetimeForWeb(), Json.write(e.scopes()), e.allowOfflineAccess(),
                e.tokenDialect().wireName(), e.signingAlg() == null ? null : e.signingAlg().name(), e.tenantId(), e.apiId());
    }

    @EventHandler
    void on(ApiDeleted e) {
        // Frees the identifier for a new API.
        jdbc.update("DELETE FROM api_catalog WHERE tenant_id = ? AND api_id = ?", e.tenantId(), e.apiId());
    }

    @EventHandler
    void on(ClientRegistered e) {
        jdbc.update("INSERT INTO client_catalog (tenant_id, client_id, name, app_type, grant_types, client_metadata, confidential, "
                        + "id_token_lifetime, callbacks, allowed_logout_urls, session_idle_timeout, session_absolute_timeout, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.tenantId(), e.clientId(), e.name(), e.appType().wireName(), Json.write(e.grantTypes()),
                Json.write(e.clientMetadata()), e.appType().confidential(), e.idTokenLifetime(), Json.write(e.urls().callbacks()),
                Json.write(e.urls().allowedLogoutUrls()), e.sessionLimits().sessionIdleTimeout(),
                e.sessionLimits().sessionAbsoluteTimeout(), e.createdAt().atOffset(ZoneOffset.UTC));
    }

    @EventHandler
    void on(ClientUpdated e) {
        jdbc.update("UPDATE client_catalog SET name = ?, grant_types = ?, client_metadata = ?, id_token_lifetime = ?, callbacks = ?, "
                        + "allowed_logout_urls = ?, session_idle_timeout = ?, session_absolute_timeout = ? WHERE tenant_id = ? AND client_id = ?",
                e.name(), Json.write(e.grantTypes()), Json.write(e.clientMetadata()), e.idTokenLifetime(),
                Json.write(e.urls().callbacks()), Json.write(e.urls().allowedLogoutUrls()), e.sessionLimits().sessionIdleTimeout(),
                e.sessionLimits().sessionAbsoluteTimeout(), e.tenantId(), e.clientId());
    }

    @EventHandler
    void on(LifetimeRuleCreated e) {
        try {
            jdbc.update("INSERT INTO lifetime_rule_catalog (tenant_id, rule_id, name, priority, condition, effects, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)", e.tenantId(), e.ruleId(), e.name(), e.priority(), e.condition(),
                    Json.write(e.effects()), e.createdAt().atOffset(ZoneOffset.UTC));
        } catch (DuplicateKeyException raced) {
            throw new Conflict("name", "a lifetime rule named '" + e.name() + "' already exists in this tenant");
        }
    }

    @EventHandler
    void on(LifetimeRuleUpdated e) {
        try {
            jdbc.update("UPDATE lifetime_rule_catalog SET name = ?, priority = ?, condition = ?, effects = ? WHERE tenant_id = ? AND rule_id = ?",
                    e.name(), e.priority(), e.condition(), Json.write(e.effects()), e.tenantId(), e.ruleId());
        } catch (DuplicateKeyException raced) {
            throw new Conflict("name", "a lifetime rule named '" + e.name() + "' already exists in this tenant");
        }
    }

    @EventHandler
    void on(LifetimeRuleDeleted e) {
        jdbc.update("DELETE FROM lifetime_rule_catalog WHERE tenant_id = ? AND rule_id = ?", e.tenantId(), e.ruleId());
    }

    @EventHandler
    void on(ClientDeleted e) {
        jdbc.update("DELETE FROM client_catalog WHERE tenant_id = ? AND client_id = ?", e.tenantId(), e.clientId());
    }
}
