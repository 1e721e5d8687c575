-- Signing-key rotation. The schedule is a tenant setting; signing_key_step holds, per tenant, each key step that will
-- fall due (a pre-published key's activation, a replaced key's retirement, the next scheduled rotation) so the
-- sweeper finds due tenants without loading every tenant. The tenant aggregate decides what is really due.
ALTER TABLE tenant_catalog ADD COLUMN signing_key_rotation_interval BIGINT;
-- An API's own access-token algorithm; null: the tenant's signing_alg.
ALTER TABLE api_catalog ADD COLUMN signing_alg VARCHAR(10);

CREATE TABLE signing_key_step (
    tenant_id VARCHAR(63)              NOT NULL,
    -- 'activate:<kid>', 'retire:<kid>', 'rotate', or 'ensure' (give the tenant a key for every algorithm)
    step      VARCHAR(100)             NOT NULL,
    due_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, step)
);
CREATE INDEX signing_key_step_due ON signing_key_step (due_at);

-- Tenants created before a tenant held a key per algorithm get the missing one at the first sweep.
INSERT INTO signing_key_step (tenant_id, step, due_at)
SELECT tenant_id, 'ensure', TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00+00' FROM tenant_catalog WHERE deleted = FALSE;
