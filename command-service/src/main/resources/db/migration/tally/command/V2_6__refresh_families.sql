-- Refresh token families as the administrator and the expiry sweeper read them. Written by the catalog's
-- subscribing processor in the transaction that appends the family's events; whether a token is good is still
-- decided by the RefreshTokenFamily aggregate, never from this table. No token hashes here: they are needed only
-- by the aggregate, and a table of hashes is one more thing to guard.
CREATE TABLE refresh_family_catalog (
    tenant_id       VARCHAR(63)              NOT NULL,
    family_id       VARCHAR(64)              NOT NULL,
    client_id       VARCHAR(64)              NOT NULL,
    user_id         VARCHAR(64)              NOT NULL,
    session_id      VARCHAR(64),
    rotation        VARCHAR(16)              NOT NULL,
    generation      INTEGER                  NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at    TIMESTAMP WITH TIME ZONE,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    idle_expires_at TIMESTAMP WITH TIME ZONE,
    -- The earlier of the two deadlines: idle_expires_at when the family has one (it never lies beyond
    -- expires_at), else expires_at. One column, so "a deadline has passed" is one range of the index below.
    next_deadline   TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at        TIMESTAMP WITH TIME ZONE,
    end_reason      VARCHAR(32),
    PRIMARY KEY (tenant_id, family_id)
);

-- The sweeper's query: families not ended (ended_at IS NULL) whose next deadline has passed; live families are
-- one range of this index, however many ended rows accumulate.
CREATE INDEX ix_refresh_family_catalog_due ON refresh_family_catalog (ended_at, next_deadline);

-- The administrator's view of a user's families.
CREATE INDEX ix_refresh_family_catalog_user ON refresh_family_catalog (tenant_id, user_id);
