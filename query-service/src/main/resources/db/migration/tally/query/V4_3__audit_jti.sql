-- The audit by jti (?jti=): the issuance record of one token and its lifetime decision, found by index, not by a
-- scan of the tenant's issuance records (the bulk of the audit).
CREATE INDEX ix_audit_event_jti ON audit_event (tenant_id, jti, position);
