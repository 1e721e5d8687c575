-- The tenant setting on_permission_change, which the management API reads when it changes a user's roles or
-- permissions. Existing tenants keep the default (revoke the user's refresh tokens).
ALTER TABLE tenant_catalog ADD COLUMN on_permission_change VARCHAR(32) DEFAULT 'revoke_refresh_tokens' NOT NULL;
