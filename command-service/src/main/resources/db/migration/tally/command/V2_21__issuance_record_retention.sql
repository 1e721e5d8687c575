-- Retention of issuance records: the tenant setting issuance_record_retention (seconds; null: keep forever) and its
-- legal hold (while held, nothing of the tenant is pruned).
ALTER TABLE tenant_catalog ADD COLUMN issuance_record_retention BIGINT;
ALTER TABLE tenant_catalog ADD COLUMN legal_hold_reason VARCHAR(200);
ALTER TABLE tenant_catalog ADD COLUMN legal_hold_since TIMESTAMP WITH TIME ZONE;

-- The committed length of every export file, as the IssuanceRecordsPruned events recorded it: the bytes of a file
-- past this length were written by a pruning whose deletion did not commit (a crash, a legal hold placed meanwhile);
-- their records are still in the store, so the next export to that file cuts them off before it appends.
CREATE TABLE issuance_export_file (
    tenant_id VARCHAR(63)  NOT NULL,
    file      VARCHAR(300) NOT NULL,
    length    BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, file)
);
