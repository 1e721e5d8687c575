-- Current state of login sessions and refresh token families, written by the query side's "sessions" tracking
-- processor with the same folding the time-travel reads use (SessionState, FamilyState). last_position is the
-- global index of the last event applied: an event at or below it is a repeated delivery and changes nothing.
-- Whether a session or token is good is decided by the aggregates, never from these tables.
CREATE TABLE session_view (
    tenant_id         VARCHAR(63)              NOT NULL,
    session_id        VARCHAR(64)              NOT NULL,
    user_id           VARCHAR(64)              NOT NULL,
    client_id         VARCHAR(64)              NOT NULL,
    status            VARCHAR(16)              NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    idle_timeout      BIGINT                   NOT NULL,
    absolute_timeout  BIGINT                   NOT NULL,
    idle_deadline     TIMESTAMP WITH TIME ZONE NOT NULL,
    absolute_deadline TIMESTAMP WITH TIME ZONE NOT NULL,
    last_activity_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at          TIMESTAMP WITH TIME ZONE,
    end_reason        VARCHAR(32),
    cause_kind        VARCHAR(64),
    cause_reference   VARCHAR(255),
    last_position     BIGINT                   NOT NULL,
    PRIMARY KEY (tenant_id, session_id)
);

CREATE INDEX ix_session_view_user ON session_view (tenant_id, user_id, started_at);

CREATE TABLE refresh_family_view (
    tenant_id         VARCHAR(63)              NOT NULL,
    family_id         VARCHAR(64)              NOT NULL,
    user_id           VARCHAR(64)              NOT NULL,
    client_id         VARCHAR(64)              NOT NULL,
    session_id        VARCHAR(64),
    status            VARCHAR(16)              NOT NULL,
    generation        INTEGER                  NOT NULL,
    rotation          VARCHAR(16)              NOT NULL,
    scope             VARCHAR(4000),
    audience          VARCHAR(4000),
    absolute_lifetime BIGINT                   NOT NULL,
    idle_lifetime     BIGINT                   NOT NULL,
    leeway            BIGINT                   NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    idle_expires_at   TIMESTAMP WITH TIME ZONE,
    last_used_at      TIMESTAMP WITH TIME ZONE,
    ended_at          TIMESTAMP WITH TIME ZONE,
    end_reason        VARCHAR(32),
    cause_kind        VARCHAR(64),
    cause_reference   VARCHAR(255),
    last_position     BIGINT                   NOT NULL,
    PRIMARY KEY (tenant_id, family_id)
);

CREATE INDEX ix_refresh_family_view_user ON refresh_family_view (tenant_id, user_id, started_at);
CREATE INDEX ix_refresh_family_view_session ON refresh_family_view (tenant_id, session_id);
