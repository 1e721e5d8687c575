-- Offline access per API, and refresh-token settings of tenants (defaults) and clients.
ALTER TABLE api_catalog ADD COLUMN allow_offline_access BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE tenant_catalog ADD COLUMN refresh_settings VARCHAR(2000);
ALTER TABLE client_catalog ADD COLUMN refresh_token VARCHAR(2000);
