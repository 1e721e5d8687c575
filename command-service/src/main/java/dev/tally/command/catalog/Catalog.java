package dev.tally.command.catalog;

import dev.tally.command.catalog.CatalogRows.ApiRow;
import dev.tally.command.catalog.CatalogRows.ClientRow;
import dev.tally.command.catalog.CatalogRows.RuleRow;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientAuthSettings;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.rule.RuleEffects;
import dev.tally.kernel.tenant.TenantEvents.TenantLifetimeSettingsChanged;
import dev.tally.kernel.user.PermissionChangePolicy;
import dev.tally.command.catalog.CatalogRows.TenantRow;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/** Reads of the catalog, every one filtered by tenant here and nowhere else. */
@Component
public class Catalog implements TenantDirectory {
    private static final RowMapper<TenantRow> TENANT = (rs, i) -> {
        TenantLifetimeSettingsChanged s = Json.read(rs.getString("lifetime_settings"), TenantLifetimeSettingsChanged.class);
        String refreshJson = rs.getString("refresh_settings");
        TenantRefreshSettings r = refreshJson == null ? TenantRefreshSettings.DEFAULTS : Json.read(refreshJson, TenantRefreshSettings.class);
        return new TenantRow(rs.getString("tenant_id"), rs.getString("name"), rs.getString("signing_alg"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), s.maxTokenLifetime(), s.maxTokenLifetimeForWeb(),
                s.defaultTokenLifetime(), s.timeZone(), s.sessionIdleTimeout(), s.sessionAbsoluteTimeout(), s.refreshTokenLifetime(),
                r.rotation().wireName(), r.idleTokenLifetime(), r.leeway(), r.revokeSessionOnReuse() ? "revoke_session" : "keep_session",
                rs.getString("on_permission_change"), rs.getObject("signing_key_rotation_interval", Long.class),
                rs.getString("default_audience"), rs.getObject("issuance_record_retention", Long.class),
                rs.getString("legal_hold_reason") == null ? null : new CatalogRows.LegalHold(rs.getString("legal_hold_reason"),
                        rs.getObject("legal_hold_since", OffsetDateTime.class).toInstant()));
    };
    private static final RowMapper<ApiRow> API = (rs, i) -> new ApiRow(rs.getString("api_id"), rs.getString("identifier"),
            rs.getString("name"), rs.getLong("token_lifetime"), (Long) rs.getObject("token_lifetime_for_web", Long.class),
            Json.stringList(rs.getString("scopes")), rs.getBoolean("allow_offline_access"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("token_dialect"),
            rs.getString("signing_alg"));
    private static final RowMapper<ClientRow> CLIENT = (rs, i) -> new ClientRow(rs.getString("client_id"),
            rs.getString("name"), rs.getString("app_type"), Json.stringList(rs.getString("grant_types")),
            Json.stringMap(rs.getString("client_metadata")), rs.getBoolean("confidential"), rs.getLong("id_token_lifetime"),
            Json.stringList(rs.getString("callbacks")), Json.stringList(rs.getString("allowed_logout_urls")),
            (Long) rs.getObject("session_idle_timeout", Long.class), (Long) rs.getObject("session_absolute_timeout", Long.class),
            rs.getString("refresh_token") == null ? RefreshTokenSettings.NONE : Json.read(rs.getString("refresh_token"), RefreshTokenSettings.class),
            rs.getString("management_scopes") == null ? List.of() : Json.stringList(rs.getString("management_scopes")),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getString("authentication") == null ? ClientAuthSettings.defaults(AppType.parse(rs.getString("app_type")))
                    : Json.read(rs.getString("authentication"), ClientAuthSettings.class));
    private static final RowMapper<RuleRow> RULE = (rs, i) -> new RuleRow(rs.getString("rule_id"), rs.getString("name"),
            rs.getInt("priority"), rs.getString("condition"), Json.read(rs.getString("effects"), RuleEffects.class),
            rs.getObject("created_at", OffsetDateTime.class).toInstant());

    private final JdbcTemplate jdbc;

    public Catalog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean tenantIdTaken(String tenantId) {
        return exists("SELECT COUNT(*) FROM tenant_catalog WHERE tenant_id = ?", tenantId);
    }

    @Override
    public boolean tenantActive(String tenantId) {
        return exists("SELECT COUNT(*) FROM tenant_catalog WHERE tenant_id = ? AND deleted = FALSE", tenantId);
    }

    /** @throws NotFound unless the tenant exists and is not deleted */
    public void requireActiveTenant(String tenantId) {
        if (!tenantActive(tenantId)) {
            throw new NotFound("tenant '" + tenantId + "' does not exist");
        }
    }

    @Override
    public boolean apiIdentifierTaken(String tenantId, String identifier) {
        return exists("SELECT COUNT(*) FROM api_catalog WHERE tenant_id = ? AND identifier = ?", tenantId, identifier);
    }

    @Override
    public boolean isDefaultAudience(String tenantId, String identifier) {
        return exists("SELECT COUNT(*) FROM tenant_catalog WHERE tenant_id = ? AND default_audience = ?", tenantId, identifier);
    }

    @Override
    public boolean ruleNameTaken(String tenantId, String name, String exceptRuleId) {
        return exists("SELECT COUNT(*) FROM lifetime_rule_catalog WHERE tenant_id = ? AND name = ? AND rule_id <> ?",
                tenantId, name, exceptRuleId);
    }

    public Optional<RuleRow> rule(String tenantId, String ruleId) {
        return jdbc.query("SELECT * FROM lifetime_rule_catalog WHERE tenant_id = ? AND rule_id = ?", RULE, tenantId, ruleId)
                .stream().findFirst();
    }

    /** In the order the engine evaluates them: priority, then name. */
    public List<RuleRow> rules(String tenantId) {
        return jdbc.query("SELECT * FROM lifetime_rule_catalog WHERE tenant_id = ? ORDER BY priority, name", RULE, tenantId);
    }

    public Optional<TenantRow> tenant(String tenantId) {
        return jdbc.query("SELECT * FROM tenant_catalog WHERE tenant_id = ? AND deleted = FALSE", TENANT, tenantId)
                .stream().findFirst();
    }

    /** The tenant's {@code on_permission_change}. @throws NotFound unless the tenant exists and is not deleted */
    public PermissionChangePolicy permissionChangePolicy(String tenantId) {
        return tenant(tenantId).map(t -> PermissionChangePolicy.fromWire(t.onPermissionChange()))
                .orElseThrow(() -> new NotFound("tenant '" + tenantId + "' does not exist"));
    }

    public List<TenantRow> tenants() {
        return jdbc.query("SELECT * FROM tenant_catalog WHERE deleted = FALSE ORDER BY tenant_id", TENANT);
    }

    /**
     * The committed length of a tenant's export file (what the pruning events recorded), 0 for a file never
     * written.
     */
    public long exportFileLength(String tenantId, String file) {
        List<Long> length = jdbc.queryForList("SELECT length FROM issuance_export_file WHERE tenant_id = ? AND file = ?",
                Long.class, tenantId, file);
        return length.isEmpty() ? 0 : length.get(0);
    }

    public Optional<ApiRow> api(String tenantId, String apiId) {
        return jdbc.query("SELECT * FROM api_catalog WHERE tenant_id = ? AND api_id = ?", API, tenantId, apiId)
                .stream().findFirst();
    }

    public List<ApiRow> apis(String tenantId) {
        return jdbc.query("SELECT * FROM api_catalog WHERE tenant_id = ? ORDER BY created_at, api_id", API, tenantId);
    }

    public Optional<ClientRow> client(String tenantId, String clientId) {
        return jdbc.query("SELECT * FROM client_catalog WHERE tenant_id = ? AND client_id = ?", CLIENT, tenantId, clientId)
                .stream().findFirst();
    }

    public List<ClientRow> clients(String tenantId) {
        return jdbc.query("SELECT * FROM client_catalog WHERE tenant_id = ? ORDER BY created_at, client_id", CLIENT, tenantId);
    }

    private boolean exists(String sql, Object... args) {
        Integer n = jdbc.queryForObject(sql, Integer.class, args);
        return n != null && n > 0;
    }
}
