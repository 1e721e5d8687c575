-- The management scopes the platform administrator granted a client over its own tenant (a JSON list; NULL = none).
ALTER TABLE client_catalog ADD COLUMN management_scopes VARCHAR(200);
