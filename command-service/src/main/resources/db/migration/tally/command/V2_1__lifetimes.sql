-- Lifetime settings of tenants and clients, and the tenants' lifetime rules (names unique per tenant).
ALTER TABLE tenant_catalog ADD COLUMN lifetime_settings VARCHAR(2000);
ALTER TABLE client_catalog ADD COLUMN id_token_lifetime BIGINT;

CREATE TABLE lifetime_rule_catalog (
    tenant_id  VARCHAR(63)              NOT NULL,
    rule_id    VARCHAR(64)              NOT NULL,
    name       VARCHAR(100)             NOT NULL,
    priority   INTEGER                  NOT NULL,
    condition  VARCHAR(8000)            NOT NULL,
    effects    VARCHAR(2000)            NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, rule_id),
    CONSTRAINT uk_lifetime_rule_catalog_name UNIQUE (tenant_id, name)
);
