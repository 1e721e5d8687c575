-- The API setting token_dialect (existing APIs: the RFC 9068 profile, the only form there was) and the tenant setting
-- default_audience (an API identifier of the tenant; none for existing tenants).
ALTER TABLE api_catalog ADD COLUMN token_dialect VARCHAR(32) DEFAULT 'rfc9068_profile' NOT NULL;
ALTER TABLE tenant_catalog ADD COLUMN default_audience VARCHAR(600);
