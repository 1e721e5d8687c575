-- The command side's catalog: lookup tables for set validation (unique tenant ids, API identifiers unique per
-- tenant) that double as the management API's read model. Written by a subscribing processor in the same
-- transaction as the events, so a 2xx answer is immediately readable and a unique violation rolls the events back.
CREATE TABLE tenant_catalog (
    tenant_id   VARCHAR(63)              NOT NULL,
    name        VARCHAR(200)             NOT NULL,
    signing_alg VARCHAR(16)              NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted     BOOLEAN                  NOT NULL,
    PRIMARY KEY (tenant_id)
);

CREATE TABLE api_catalog (
    tenant_id              VARCHAR(63)              NOT NULL,
    api_id                 VARCHAR(64)              NOT NULL,
    identifier             VARCHAR(600)             NOT NULL,
    name                   VARCHAR(200)             NOT NULL,
    token_lifetime         BIGINT                   NOT NULL,
    token_lifetime_for_web BIGINT,
    scopes                 VARCHAR(8000)            NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, api_id),
    CONSTRAINT uk_api_catalog_identifier UNIQUE (tenant_id, identifier)
);

CREATE TABLE client_catalog (
    tenant_id       VARCHAR(63)              NOT NULL,
    client_id       VARCHAR(64)              NOT NULL,
    name            VARCHAR(200)             NOT NULL,
    app_type        VARCHAR(32)              NOT NULL,
    grant_types     VARCHAR(1000)            NOT NULL,
    client_metadata VARCHAR(8000)            NOT NULL,
    confidential    BOOLEAN                  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, client_id)
);
