package dev.tally.command.catalog;

/**
 * What the aggregates may ask about the rest of the tenant before they decide: the set-based rules one aggregate
 * cannot check from its own events. Answered from the command side's catalog, which is written in the same
 * transaction as the events (never from an eventually consistent view).
 */
public interface TenantDirectory {

    /** True while a tenant with this id exists or ever existed: tenant ids are never reused. */
    boolean tenantIdTaken(String tenantId);

    /** True if the tenant exists and is not deleted. */
    boolean tenantActive(String tenantId);

    /** True if an API of the tenant already has this identifier (audience). */
    boolean apiIdentifierTaken(String tenantId, String identifier);

    /** True if the tenant's {@code default_audience} is this API identifier. */
    boolean isDefaultAudience(String tenantId, String identifier);

    /** True if another rule of the tenant (not {@code exceptRuleId}) already has this name. */
    boolean ruleNameTaken(String tenantId, String name, String exceptRuleId);
}
