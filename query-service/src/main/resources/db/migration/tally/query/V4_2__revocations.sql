-- What resource servers must refuse, written by the query side's "revocations" tracking processor. Every column
-- comes from the events (no clock at write time), so a replay rebuilds identical tables; expired access tokens are
-- left out when read, by the injected clock. position is the global index of the revoking event.
CREATE TABLE revoked_access_token (
    tenant_id       VARCHAR(63)              NOT NULL,
    jti             VARCHAR(255)             NOT NULL,
    client_id       VARCHAR(255),
    subject         VARCHAR(255),
    -- null when the revoking event did not know the token's expiry (a reused authorization code's tokens)
    expires_at      TIMESTAMP WITH TIME ZONE,
    revoked_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    reason          VARCHAR(64)              NOT NULL,
    cause_kind      VARCHAR(64),
    cause_reference VARCHAR(255),
    position        BIGINT                   NOT NULL,
    PRIMARY KEY (tenant_id, jti)
);

CREATE TABLE revoked_refresh_family (
    tenant_id       VARCHAR(63)              NOT NULL,
    family_id       VARCHAR(64)              NOT NULL,
    user_id         VARCHAR(64),
    session_id      VARCHAR(64),
    revoked_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    reason          VARCHAR(64)              NOT NULL,
    cause_kind      VARCHAR(64),
    cause_reference VARCHAR(255),
    position        BIGINT                   NOT NULL,
    PRIMARY KEY (tenant_id, family_id)
);

CREATE TABLE revoked_session (
    tenant_id       VARCHAR(63)              NOT NULL,
    session_id      VARCHAR(64)              NOT NULL,
    user_id         VARCHAR(64),
    revoked_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    reason          VARCHAR(64)              NOT NULL,
    cause_kind      VARCHAR(64),
    cause_reference VARCHAR(255),
    position        BIGINT                   NOT NULL,
    PRIMARY KEY (tenant_id, session_id)
);

-- Per subject: every token issued before not_before is refused (the latest such instant).
CREATE TABLE subject_not_before (
    tenant_id       VARCHAR(63)              NOT NULL,
    subject         VARCHAR(255)             NOT NULL,
    not_before      TIMESTAMP WITH TIME ZONE NOT NULL,
    reason          VARCHAR(64)              NOT NULL,
    cause_kind      VARCHAR(64),
    cause_reference VARCHAR(255),
    position        BIGINT                   NOT NULL,
    PRIMARY KEY (tenant_id, subject)
);

-- The ordered feed resource servers poll: one entry per revoked thing, in the order of the events (position) and,
-- within one event, of its list (ordinal).
CREATE TABLE revocation_log (
    tenant_id       VARCHAR(63)              NOT NULL,
    position        BIGINT                   NOT NULL,
    ordinal         INTEGER                  NOT NULL,
    kind            VARCHAR(16)              NOT NULL,
    ref_id          VARCHAR(255)             NOT NULL,
    subject         VARCHAR(255),
    expires_at      TIMESTAMP WITH TIME ZONE,
    not_before      TIMESTAMP WITH TIME ZONE,
    revoked_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    reason          VARCHAR(64)              NOT NULL,
    cause_kind      VARCHAR(64),
    cause_reference VARCHAR(255),
    PRIMARY KEY (tenant_id, position, ordinal)
);
