-- The audit view: one row per event of the store that names a tenant, written by the query side's "audit"
-- tracking processor. Disposable: a replay clears it and rebuilds it from the event store, identically, since every
-- column comes from the stored event (position is the event's global index, occurred_at the instant in its payload
-- or else its stored timestamp). details is the payload as JSON (snake_case) without hashes or sealed keys.
CREATE TABLE audit_event (
    tenant_id   VARCHAR(63)              NOT NULL,
    position    BIGINT                   NOT NULL,
    event_id    VARCHAR(255)             NOT NULL,
    type        VARCHAR(128)             NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    user_id     VARCHAR(255),
    client_id   VARCHAR(255),
    session_id  VARCHAR(255),
    family_id   VARCHAR(255),
    jti         VARCHAR(255),
    details     TEXT                     NOT NULL,
    PRIMARY KEY (tenant_id, position),
    -- An event delivered twice is recognised by its id and inserted once.
    CONSTRAINT uk_audit_event_id UNIQUE (tenant_id, event_id)
);

-- Each filter of the audit API is one range of one of these, walked newest first by position (the keyset).
CREATE INDEX ix_audit_event_user ON audit_event (tenant_id, user_id, position);
CREATE INDEX ix_audit_event_client ON audit_event (tenant_id, client_id, position);
CREATE INDEX ix_audit_event_session ON audit_event (tenant_id, session_id, position);
CREATE INDEX ix_audit_event_family ON audit_event (tenant_id, family_id, position);
CREATE INDEX ix_audit_event_type ON audit_event (tenant_id, type, position);
CREATE INDEX ix_audit_event_occurred ON audit_event (tenant_id, occurred_at);
