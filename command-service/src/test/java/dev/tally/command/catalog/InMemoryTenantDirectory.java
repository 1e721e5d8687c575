package dev.tally.command.catalog;

import java.util.HashSet;
import java.util.Set;

/** The directory as an aggregate test sees it: tenants and API identifiers the test says exist. */
public class InMemoryTenantDirectory implements TenantDirectory {
    private final Set<String> tenants = new HashSet<>();
    private final Set<String> deleted = new HashSet<>();
    private final Set<String> apiIdentifiers = new HashSet<>();
    private final Set<String> ruleNames = new HashSet<>();
    private final Set<String> defaultAudiences = new HashSet<>();

    public InMemoryTenantDirectory withTenant(String tenantId) {
        tenants.add(tenantId);
        return this;
    }

    public InMemoryTenantDirectory withDeletedTenant(String tenantId) {
        tenants.add(tenantId);
        deleted.add(tenantId);
        return this;
    }

    public InMemoryTenantDirectory withApiIdentifier(String tenantId, String identifier) {
        apiIdentifiers.add(tenantId + "\n" + identifier);
        return this;
    }

    public InMemoryTenantDirectory withDefaultAudience(String tenantId, String identifier) {
        defaultAudiences.add(tenantId + "\n" + identifier);
        return this;
    }

    public InMemoryTenantDirectory withRuleName(String tenantId, String name) {
        ruleNames.add(tenantId + "\n" + name);
        return this;
    }

    @Override
    public boolean isDefaultAudience(String tenantId, String identifier) {
        return defaultAudiences.contains(tenantId + "\n" + identifier);
    }

    @Override
    public boolean ruleNameTaken(String tenantId, String name, String exceptRuleId) {
        return ruleNames.contains(tenantId + "\n" + name);
    }

    @Override
    public boolean tenantIdTaken(String tenantId) {
        return tenants.contains(tenantId);
    }

    @Override
    public boolean tenantActive(String tenantId) {
        return tenants.contains(tenantId) && !deleted.contains(tenantId);
    }

    @Override
    public boolean apiIdentifierTaken(String tenantId, String identifier) {
        return apiIdentifiers.contains(tenantId + "\n" + identifier);
    }
}
