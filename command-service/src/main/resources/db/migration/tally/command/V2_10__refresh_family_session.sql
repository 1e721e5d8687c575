-- The families started in one login session, so that ending the session ends them (SessionFamilies).
CREATE INDEX ix_refresh_family_catalog_session ON refresh_family_catalog (tenant_id, session_id);
